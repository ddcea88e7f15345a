package io.meshns.function;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.meshns.service.ClusterService;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The small answers of the API that are not domain objects. */
final class Answers {

    private Answers() {
    }

    @RegisterForReflection
    public record Items<T>(List<T> items) {
    }

    /** {@code dryRun} is true on a dry run's answer (nothing was deleted), absent otherwise. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Deleted(String name, boolean deleted, Boolean dryRun) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Deregistered(String name, boolean deregistered, Boolean dryRun, List<ClusterService.Forgotten> forgets) {
    }
}
