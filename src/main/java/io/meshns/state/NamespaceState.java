package io.meshns.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import io.meshns.mesh.HistoryEntry;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;
import io.meshns.mesh.Rollout;

/**
 * What meshns remembers of one mesh namespace: the injection last asked for mesh-wide, the
 * settings of clusters that were given their own, each cluster's last outcome, and who holds the
 * namespace's change lock for how long (a duration, not a time: each instance measures it on its
 * own clock), and its last changes, newest first. Immutable; stored by {@link NamespaceStates}.
 */
public record NamespaceState(Injection desired, Map<String, ClusterRecord> clusters, String lockHolder,
        Duration lockLease, Map<String, Injection> settings, List<HistoryEntry> history) {

    /** How many changes of a namespace are kept (getNamespace returns them). */
    public static final int HISTORY_KEPT = 20;

    public static final NamespaceState EMPTY = new NamespaceState(null, Map.of(), null, null, Map.of(), List.of());

    public NamespaceState {
        clusters = Map.copyOf(clusters);
        settings = Map.copyOf(settings);
        history = List.copyOf(history);
    }

    /** One cluster's last outcome, when it was seen, and for which wanted injection. */
    public record ClusterRecord(Outcome.Result outcome, String message, Instant time, Injection desired) {

        public Outcome toOutcome(String cluster) {
            return new Outcome(cluster, outcome, message);
        }
    }

    /**
     * True when meshns manages the namespace by this state: it records a wanted injection, a setting,
     * an outcome or a lock. A history alone (a namespace created without injection) does not count.
     */
    public boolean manages() {
        return manages(desired, lockHolder, settings, () -> !clusters.isEmpty());
    }

    /** The rule of {@link #manages()}, for a reader that decodes outcomes only when it must. */
    static boolean manages(Injection desired, String lockHolder, Map<String, Injection> settings,
            BooleanSupplier recordsAnOutcome) {
        return desired != null || lockHolder != null || !settings.isEmpty() || recordsAnOutcome.getAsBoolean();
    }

    /** What meshns intends for the namespace: whether it manages it, and each cluster's own setting. */
    public Intent intent() {
        return new Intent(manages(), settings);
    }

    /** Whether meshns manages a namespace by its state ({@link #manages()}), and its per-cluster settings. */
    public record Intent(boolean manages, Map<String, Injection> settings) {

        public static final Intent NONE = new Intent(false, Map.of());

        public Intent {
            settings = Map.copyOf(settings);
        }

        /**
         * What each cluster should have, for a namespace whose control-plane labels are {@code labels}:
         * those labels are the mesh-wide default, and the settings are the clusters' own.
         */
        public Rollout rollout(Map<String, String> labels) {
            return new Rollout(Injection.fromLabels(labels), settings);
        }
    }

    /** True when this records nothing at all, not even history. */
    public boolean isEmpty() {
        return !manages() && history.isEmpty();
    }

    /** {@code entry} first, then at most {@link #HISTORY_KEPT} - 1 older ones. */
    public NamespaceState withHistory(HistoryEntry entry) {
        List<HistoryEntry> entries = new ArrayList<>(HISTORY_KEPT);
        entries.add(entry);
        entries.addAll(history.subList(0, Math.min(history.size(), HISTORY_KEPT - 1)));
        return new NamespaceState(desired, clusters, lockHolder, lockLease, settings, entries);
    }

    public NamespaceState withLock(String holder, Duration lease) {
        return new NamespaceState(desired, clusters, holder, lease, settings, history);
    }

    public NamespaceState withoutLock() {
        return new NamespaceState(desired, clusters, null, null, settings, history);
    }

    public NamespaceState withDesired(Injection injection) {
        return new NamespaceState(injection, clusters, lockHolder, lockLease, settings, history);
    }

    /** Gives each of {@code names} the setting {@code injection} of its own. */
    public NamespaceState withSetting(Collection<String> names, Injection injection) {
        Map<String, Injection> merged = new TreeMap<>(settings);
        names.forEach(name -> merged.put(name, injection));
        return new NamespaceState(desired, clusters, lockHolder, lockLease, merged, history);
    }

    /** Forgets one cluster's setting: it follows the mesh-wide default again. */
    public NamespaceState withoutSetting(String cluster) {
        Map<String, Injection> rest = new TreeMap<>(settings);
        rest.remove(cluster);
        return new NamespaceState(desired, clusters, lockHolder, lockLease, rest, history);
    }

    /** Forgets every cluster's setting: a mesh-wide change applies to all. */
    public NamespaceState withoutSettings() {
        return new NamespaceState(desired, clusters, lockHolder, lockLease, Map.of(), history);
    }

    /**
     * Records these outcomes, keeping the records of other clusters; {@code desired} is the mesh-wide
     * injection, and each outcome is recorded for what its cluster should have.
     */
    public NamespaceState withOutcomes(Injection desired, Iterable<Outcome> outcomes, Instant time) {
        Map<String, ClusterRecord> merged = new TreeMap<>(clusters);
        for (Outcome outcome : outcomes) {
            merged.put(outcome.cluster(), new ClusterRecord(outcome.outcome(), outcome.message(), time,
                    settings.getOrDefault(outcome.cluster(), desired)));
        }
        return new NamespaceState(desired, merged, lockHolder, lockLease, settings, history);
    }

    /**
     * True when the records already say what these outcomes say for {@code wanted} (mesh-wide): same
     * wanted state and, per cluster, the same setting and finding (in sync, absent, or failed for the same reason).
     * A reconcile that finds nothing new then writes nothing.
     */
    public boolean agreesWith(Injection wanted, Iterable<Outcome> outcomes) {
        if (!wanted.equals(desired)) {
            return false;
        }
        for (Outcome outcome : outcomes) {
            ClusterRecord record = clusters.get(outcome.cluster());
            if (record == null || !settings.getOrDefault(outcome.cluster(), wanted).equals(record.desired())
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
