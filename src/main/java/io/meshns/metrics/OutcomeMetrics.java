package io.meshns.metrics;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshns.mesh.Outcome;
import io.micrometer.core.instrument.MeterRegistry;

/** meshns_cluster_outcomes_total{cluster, outcome}: how each data-plane cluster fares over time. */
@ApplicationScoped
public class OutcomeMetrics {

    private final MeterRegistry registry;

    public OutcomeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(Iterable<Outcome> outcomes) {
        for (Outcome outcome : outcomes) {
            registry.counter("meshns.cluster.outcomes", "cluster", outcome.cluster(), "outcome", outcome.outcome().word())
                    .increment();
        }
    }
}
