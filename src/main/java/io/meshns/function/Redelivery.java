package io.meshns.function;

import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.state.EventLedger;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Knative delivers at least once and retries a 409 forever: a CloudEvent seen before (same source
 * and id) gets the answer it got the first time, from the ledger in the control plane, on any instance.
 */
@ApplicationScoped
public class Redelivery {

    private final EventLedger ledger;
    private final ObjectMapper json;
    private final CurrentVertxRequest request;

    public Redelivery(EventLedger ledger, ObjectMapper json, CurrentVertxRequest request) {
        this.ledger = ledger;
        this.json = json;
        this.request = request;
    }

    /** The source and id of the CloudEvent being handled. */
    record EventId(String source, String id) {
    }

    /** Runs {@code call} once per CloudEvent; calls that are not CloudEvents always run. */
    public <T> T once(String function, Class<T> answerType, Supplier<T> call) {
        EventId event = eventId(request.getCurrent());
        if (event == null) {
            return call.get();
        }
        Optional<String> earlier = ledger.answerFor(event.source(), event.id(), function);
        try {
            if (earlier.isPresent()) {
                return json.readValue(earlier.get(), answerType);
            }
            T answer = call.get();
            ledger.record(event.source(), event.id(), function, json.writeValueAsString(answer));
            return answer;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer could not be (de)serialized", e);
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
