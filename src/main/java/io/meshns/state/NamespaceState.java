package io.meshns.state;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;

/**
 * What meshns remembers of one mesh namespace: the injection last asked for, each cluster's last
 * outcome, and who holds the namespace's change lock. Immutable; stored by {@link StateStore}.
 */
public record NamespaceState(Injection desired, Map<String, ClusterRecord> clusters, String lockHolder,
        Instant lockExpires) {

    public static final NamespaceState EMPTY = new NamespaceState(null, Map.of(), null, null);

    public NamespaceState {
        clusters = Map.copyOf(clusters);
    }

    /** One cluster's last outcome, when it was seen, and for which wanted injection. */
    public record ClusterRecord(Outcome.Result outcome, String message, Instant time, Injection desired) {

        public Outcome toOutcome(String cluster) {
            return new Outcome(cluster, outcome, message);
        }
    }

    public boolean lockedAt(Instant now) {
        return lockHolder != null && lockExpires != null && lockExpires.isAfter(now);
    }

    public NamespaceState withLock(String holder, Instant expires) {
        return new NamespaceState(desired, clusters, holder, expires);
    }

    public NamespaceState withoutLock() {
        return new NamespaceState(desired, clusters, null, null);
    }

    public NamespaceState withDesired(Injection injection) {
        return new NamespaceState(injection, clusters, lockHolder, lockExpires);
    }

    /** Records these outcomes, all for {@code desired}, keeping the records of other clusters. */
    public NamespaceState withOutcomes(Injection desired, Iterable<Outcome> outcomes, Instant time) {
        Map<String, ClusterRecord> merged = new TreeMap<>(clusters);
        for (Outcome outcome : outcomes) {
            merged.put(outcome.cluster(), new ClusterRecord(outcome.outcome(), outcome.message(), time, desired));
        }
        return new NamespaceState(desired, merged, lockHolder, lockExpires);
    }

    /**
     * True when the records already say what these outcomes say for {@code wanted}: same wanted
     * state and, per cluster, the same finding (in sync, absent, or failed for the same reason).
     * A reconcile that finds nothing new then writes nothing.
     */
    public boolean agreesWith(Injection wanted, Iterable<Outcome> outcomes) {
        if (!wanted.equals(desired)) {
            return false;
        }
        for (Outcome outcome : outcomes) {
            ClusterRecord record = clusters.get(outcome.cluster());
            if (record == null || !wanted.equals(record.desired())
                    || !finding(record.outcome(), record.message()).equals(finding(outcome.outcome(), outcome.message()))) {
                return false;
            }
        }
        return true;
    }

    private static String finding(Outcome.Result result, String message) {
        return switch (result) {
            case APPLIED, UNCHANGED -> "in-sync";
            case ABSENT -> "absent";
            case FAILED -> "failed:" + message;
        };
    }
}
