package io.meshns.mesh;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * restartWorkloads' answer: per cluster, what was restarted (on a dry run, what would be), what was
 * left and why. {@code dryRun} is true on a dry run's answer, absent otherwise.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadRestarts(String namespace, Boolean dryRun, List<InCluster> clusters) {

    /**
     * One cluster: {@code outcome} applied (something restarted), unchanged (nothing to restart),
     * absent (no such namespace there) or failed ({@code message} says why; {@code restarted} lists
     * what was restarted all the same).
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InCluster(String cluster, String outcome, List<String> restarted, List<RestartPlan.Skipped> skipped,
            String message) {

        /** A message is mostly a cluster's own words: cut and cleaned as every outcome's. */
        public InCluster {
            message = UntrustedText.clean(message);
        }

        public static InCluster absent(String cluster) {
            return new InCluster(cluster, Outcome.Result.ABSENT.word(), List.of(), List.of(), null);
        }

        public static InCluster failed(String cluster, String message) {
            return new InCluster(cluster, Outcome.Result.FAILED.word(), List.of(), List.of(), message);
        }

        /** As an injection change's outcome, for history and its Event. */
        public Outcome asOutcome() {
            return new Outcome(cluster, Outcome.Result.ofWord(outcome), message);
        }
    }
}
