package io.meshns.function;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.config.CallBudget;
import io.meshns.error.MeshException;
import io.meshns.kube.Deadline;

import io.meshns.state.EventLedger;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Knative delivers at least once and retries a 409 forever: a CloudEvent seen before (same source
 * and id) gets the answer it got the first time, from the ledger in the control plane, on any
 * instance, even when it arrives while the first delivery is still being handled.
 */
@ApplicationScoped
public class Redelivery {

    private static final ObjectMapper SORTED = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final EventLedger ledger;
    private final ObjectMapper json;
    private final CurrentVertxRequest request;
    private final CallBudget budget;

    public Redelivery(EventLedger ledger, ObjectMapper json, CurrentVertxRequest request, CallBudget budget) {
        this.ledger = ledger;
        this.budget = budget;
        this.json = json;
        this.request = request;
    }

    /** The source and id of the CloudEvent being handled. */
    record EventId(String source, String id) {
    }

    /**
     * How a call whose work an earlier delivery of the same event may have done tells it is done:
     * given the refusal it met (the namespace exists, the cluster is not registered, ...) and when
     * the event was first claimed, the answer that earlier delivery gave, or empty if the refusal
     * stands. Asked only of a call that took its event over from an earlier delivery that never
     * answered, so that the broker's copy of a change made gets a 200, never a 409 or 404.
     */
    @FunctionalInterface
    public interface AlreadyDone<T> {

        Optional<T> answer(MeshException refusal, Instant firstClaimed);

        /** Done when the refusal's code is {@code code} and {@code check} finds the work done since the first claim. */
        static <T> AlreadyDone<T> when(String code, Function<Instant, Optional<T>> check) {
            return (refusal, firstClaimed) -> code.equals(refusal.code()) ? check.apply(firstClaimed) : Optional.empty();
        }
    }

    /** {@link #once(String, JsonNode, Class, Supplier, AlreadyDone)} for a call that can simply run again. */
    public <T> T once(String function, JsonNode input, Class<T> answerType, Supplier<T> call) {
        return once(function, input, answerType, call, (refusal, firstClaimed) -> Optional.empty());
    }

    /**
     * Runs {@code call} once per CloudEvent; calls that are not CloudEvents always run, and so do dry
     * runs ({@code "dryRun": true} in {@code input}), which write nothing, the ledger included: one
     * run again answers alike. The event is claimed before acting, so a copy arriving meanwhile
     * waits for this answer instead of acting too; and it is tied to {@code input}: the same source
     * and id with other data is a 409. When the event is taken over from an earlier delivery that
     * never answered, a refusal of {@code call} is first put to {@code alreadyDone}.
     */
    public <T> T once(String function, JsonNode input, Class<T> answerType, Supplier<T> call, AlreadyDone<T> alreadyDone) {
        EventId event = eventId(request.getCurrent());
        if (event == null || isDryRun(input)) {
            return call.get();
        }
        Deadline deadline = Deadline.in(budget.call());
        // A copy waits at most half the call's time; an earlier handler not heard of for a whole call is dead.
        EventLedger.Claim claim = ledger.claim(event.source(), event.id(), function, canonical(input),
                deadline.minus(budget.call().dividedBy(2)), budget.call());
        try {
            if (claim instanceof EventLedger.Answered answered) {
                return json.readValue(answered.answer(), answerType);
            }
            EventLedger.Claimed claimed = (EventLedger.Claimed) claim;
            T answer = act(claimed, call, alreadyDone);
            ledger.complete(claimed, json.writeValueAsString(answer), deadline);
            return answer;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer could not be (de)serialized", e);
        }
    }

    /** Runs the call; if it fails, gives the claim up, unless the failure shows an earlier delivery's work done. */
    private <T> T act(EventLedger.Claimed claimed, Supplier<T> call, AlreadyDone<T> alreadyDone) {
        RuntimeException failure;
        try {
            return call.get();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            T done = doneEarlier(claimed, failure, alreadyDone);
            if (done != null) {
                return done;
            }
        } catch (RuntimeException e) {
            // Whether the work is done could not be told: that failure is the answer, and the claim is given up as one
            // that may have acted, so the next delivery asks again instead of meeting the refusal afresh.
            failure = e;
        }
        ledger.abandon(claimed, !isCallersMistake(failure));
        throw failure;
    }

    /** The answer an earlier delivery gave, if {@code claimed} took the event over from it and it did the work; else null. */
    private static <T> T doneEarlier(EventLedger.Claimed claimed, RuntimeException failure, AlreadyDone<T> alreadyDone) {
        if (!claimed.takenOver() || claimed.firstClaimed() == null || !(failure instanceof MeshException refusal)) {
            return null;
        }
        return alreadyDone.answer(refusal, claimed.firstClaimed()).orElse(null);
    }

    /** A caller's mistake (4xx) changes nothing; any other failure may come after some of the work was done. */
    private static boolean isCallersMistake(RuntimeException failure) {
        return failure instanceof MeshException refusal && refusal.status() >= 400 && refusal.status() < 500;
    }

    /** The function checked {@code dryRun} already (a boolean, or absent). */
    private static boolean isDryRun(JsonNode input) {
        return input != null && input.path("dryRun").booleanValue();
    }

    /** The input with its fields in a fixed order, so that equal data digests alike however it was sent. */
    static String canonical(JsonNode input) {
        try {
            Object plain = SORTED.treeToValue(input == null ? SORTED.nullNode() : input, Object.class);
            return SORTED.writeValueAsString(plain);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** From ce-* headers (binary mode) or the event envelope (structured mode); null for plain calls. */
    static EventId eventId(RoutingContext context) {
        if (context == null) {
            return null;
        }
        String id = context.request().getHeader("ce-id");
        String source = context.request().getHeader("ce-source");
        String type = context.request().getHeader("Content-Type");
        if (id == null && type != null && type.startsWith("application/cloudevents+json") && context.body() != null) {
            JsonObject envelope = context.body().asJsonObject();
            id = envelope.getString("id");
            source = envelope.getString("source");
        }
        return id == null || source == null ? null : new EventId(source, id);
    }
}
