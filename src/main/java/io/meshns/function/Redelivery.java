package io.meshns.function;

import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.state.EventLedger;
import io.quarkus.funqy.knative.events.CloudEvent;

/**
 * Knative delivers at least once and retries a 409 forever: a CloudEvent seen before (same source
 * and id) gets the answer it got the first time, from the ledger in the control plane, on any instance.
 */
@ApplicationScoped
public class Redelivery {

    private final EventLedger ledger;
    private final ObjectMapper json;

    public Redelivery(EventLedger ledger, ObjectMapper json) {
        this.ledger = ledger;
        this.json = json;
    }

    /** Runs {@code call} once per event; plain HTTP calls (no event) always run. */
    public <T> T once(CloudEvent<?> event, String function, Class<T> answerType, Supplier<T> call) {
        if (event == null || event.id() == null || event.source() == null) {
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
}
