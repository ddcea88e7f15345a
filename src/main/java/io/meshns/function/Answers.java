package io.meshns.function;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The small answers of the API that are not domain objects. */
final class Answers {

    private Answers() {
    }

    @RegisterForReflection
    public record Items<T>(List<T> items) {
    }

    @RegisterForReflection
    public record Deleted(String name, boolean deleted) {
    }

    @RegisterForReflection
    public record Deregistered(String name, boolean deregistered) {
    }
}
