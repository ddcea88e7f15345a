package io.meshns.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Namespace;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.FanOut;
import io.meshns.kube.ControlPlane;
import io.meshns.kube.Deadline;
import io.meshns.kube.NamespaceLabeler;
import io.meshns.mesh.Drift;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Names;
import io.meshns.mesh.Outcome;
import io.meshns.mesh.ProtectedNamespaces;
import io.meshns.mesh.Rollout;
import io.meshns.metrics.OutcomeMetrics;
import io.meshns.state.NamespaceState;
import io.meshns.state.StateStore;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Re-applies each control-plane namespace's injection labels to every data-plane cluster, or a
 * cluster's own setting where it has one. Costs one LIST per cluster plus one PATCH per drifted
 * namespace there; records outcomes only where they changed, so a second reconcile right after a
 * first writes nothing.
 */
@ApplicationScoped
public class ReconcileService {

    private static final Logger LOG = Logger.getLogger(ReconcileService.class);
    /**
     * Namespaces repaired, or recorded, at once. A repair waits mostly on data-plane round trips (its
     * own fan-out is parallel across clusters), so many overlap; the control plane sees at most this
     * many requests of ours at a time.
     */
    private static final int PARALLEL_NAMESPACES = 32;

    private final ControlPlane controlPlane;
    private final ClusterRegistry registry;
    private final FanOut fanOut;
    private final StateStore store;
    private final NamespaceLock lock;
    private final ProtectedNamespaces protectedNamespaces;
    private final OutcomeMetrics metrics;

    public ReconcileService(ControlPlane controlPlane, ClusterRegistry registry, FanOut fanOut, StateStore store,
            NamespaceLock lock, ProtectedNamespaces protectedNamespaces, OutcomeMetrics metrics) {
        this.controlPlane = controlPlane;
        this.registry = registry;
        this.fanOut = fanOut;
        this.store = store;
        this.lock = lock;
        this.protectedNamespaces = protectedNamespaces;
        this.metrics = metrics;
    }

    /** One namespace's outcomes in every cluster reconciled. */
    @RegisterForReflection
    public record NamespaceResult(String namespace, List<Outcome> clusters) {
    }

    /** What a reconcile did: how many namespaces it looked at, and each one's outcomes. */
    @RegisterForReflection
    public record Report(int namespaces, List<NamespaceResult> results) {
    }

    /** Reconciles one namespace, or all when {@code only} is null, across every registered cluster. */
    public Report reconcile(String only) {
        return reconcile(wanted(only), registry.dataPlanes());
    }

    /** Brings one (newly registered) cluster up to date with every mesh namespace. */
    public Report resync(DataPlane cluster) {
        return reconcile(wanted(null), List.of(cluster));
    }

    /**
     * What each namespace's clusters should have: the control plane's own labels, and each cluster's
     * own setting where it has one. A namespace with neither has no entry.
     */
    private Map<String, Rollout> wanted(String only) {
        Map<String, Rollout> wanted = new TreeMap<>();
        if (only != null) {
            Names.requireValid("namespace", only);
            protectedNamespaces.requireUnprotected(only);
            Rollout rollout = rollout(controlPlane.get(only), store.namespaceState(only).orElse(NamespaceState.EMPTY));
            if (rollout.managed()) {
                wanted.put(only, rollout);
            }
            return wanted;
        }
        Map<String, StateStore.Stored> states = store.allNamespaceStates();
        for (Namespace namespace : controlPlane.list(null)) {
            String name = namespace.getMetadata().getName();
            Rollout rollout = rollout(namespace, states.containsKey(name) ? states.get(name).state() : NamespaceState.EMPTY);
            if (rollout.managed() && !protectedNamespaces.contains(name)) {
                wanted.put(name, rollout);
            }
        }
        return wanted;
    }

    private static Rollout rollout(Namespace controlPlaneNamespace, NamespaceState state) {
        return new Rollout(Injection.fromLabels(controlPlaneNamespace.getMetadata().getLabels()), state.settings());
    }

    private Report reconcile(Map<String, Rollout> wanted, List<DataPlane> clusters) {
        if (wanted.isEmpty() || clusters.isEmpty()) {
            return new Report(wanted.size(), wanted.keySet().stream().map(ns -> new NamespaceResult(ns, List.of())).toList());
        }
        // 1. One LIST per cluster, all clusters at once.
        Map<String, Listing> listings = fanOut.acrossClusters(clusters,
                (cluster, deadline) -> Listing.of(deadline.retry(() -> cluster.client().namespaces().list().getItems())),
                (cluster, why) -> Listing.failed(why));

        // 2. What each cluster needs, from those listings alone.
        Map<String, Map<String, Outcome>> outcomes = new TreeMap<>();
        Map<String, Map<String, Namespace>> drifted = new TreeMap<>();
        wanted.keySet().forEach(ns -> outcomes.put(ns, new ConcurrentHashMap<>()));
        for (DataPlane cluster : clusters) {
            Listing listing = listings.get(cluster.name());
            if (listing.failure() != null) {
                wanted.keySet().forEach(ns -> outcomes.get(ns).put(cluster.name(), Outcome.failed(cluster.name(), listing.failure())));
                continue;
            }
            Map<String, Injection> wantedHere = new TreeMap<>();
            wanted.forEach((ns, rollout) -> wantedHere.put(ns, rollout.in(cluster.name())));
            Drift.of(wantedHere, listing.labels()).forEach((ns, finding) -> {
                if (finding == Drift.Finding.DRIFTED) {
                    drifted.computeIfAbsent(ns, k -> new LinkedHashMap<>()).put(cluster.name(), listing.namespaces().get(ns));
                } else {
                    outcomes.get(ns).put(cluster.name(), Drift.outcomeWithoutWrite(cluster.name(), finding));
                }
            });
        }

        // 3. Repair drifted namespaces, each under its lock so no concurrent change is undone.
        fanOut.forEach(drifted.keySet(), PARALLEL_NAMESPACES,
                ns -> repair(ns, drifted.get(ns), clusters, outcomes.get(ns)));

        // 4. Record outcomes that say something new.
        Map<String, StateStore.Stored> states = store.allNamespaceStates();
        Instant now = Instant.now();
        List<NamespaceResult> results = new ArrayList<>();
        List<String> toRecord = new ArrayList<>();
        for (Map.Entry<String, Rollout> entry : wanted.entrySet()) {
            String ns = entry.getKey();
            List<Outcome> ordered = inClusterOrder(outcomes.get(ns), clusters);
            results.add(new NamespaceResult(ns, ordered));
            metrics.record(ordered);
            NamespaceState state = states.containsKey(ns) ? states.get(ns).state() : NamespaceState.EMPTY;
            if (!drifted.containsKey(ns) && !state.agreesWith(entry.getValue().meshWide(), ordered)) {
                toRecord.add(ns);
            }
        }
        fanOut.forEach(toRecord, PARALLEL_NAMESPACES, ns -> store.updateNamespaceState(ns,
                current -> current.withOutcomes(wanted.get(ns).meshWide(), inClusterOrder(outcomes.get(ns), clusters), now)));
        LOG.infof("reconciled %d namespaces over %d clusters; %d needed repair", wanted.size(), clusters.size(),
                drifted.size());
        return new Report(wanted.size(), results);
    }

    private void repair(String ns, Map<String, Namespace> listed, List<DataPlane> clusters, Map<String, Outcome> outcomes) {
        // A repair waits for a running change at most one fan-out: that change applies the intent itself.
        lock.run(ns, Deadline.in(fanOut.timeout()), lease -> {
            // Read the intent again under the lock: a call may have changed it since the LIST.
            Rollout intent = controlPlane.find(ns).map(n -> rollout(n, lease.state())).orElse(null);
            if (intent == null || !intent.managed()) {
                return null;
            }
            List<DataPlane> targets = clusters.stream().filter(c -> listed.containsKey(c.name())).toList();
            outcomes.putAll(fanOut.acrossClusters(targets, lease.deadline(),
                    (cluster, deadline) -> new Outcome(cluster.name(), NamespaceLabeler.applyFrom(cluster.client(), ns,
                            listed.get(cluster.name()), intent.in(cluster.name()), deadline), null),
                    (cluster, why) -> Outcome.failed(cluster.name(), why)));
            return new NamespaceLock.Change(intent.meshWide(), inClusterOrder(outcomes, clusters));
        });
    }

    private static List<Outcome> inClusterOrder(Map<String, Outcome> outcomes, List<DataPlane> clusters) {
        return clusters.stream().map(c -> outcomes.get(c.name())).filter(java.util.Objects::nonNull).toList();
    }

    /** One cluster's namespaces from one LIST, or why the LIST failed. */
    private record Listing(Map<String, Namespace> namespaces, String failure) {

        static Listing of(List<Namespace> items) {
            Map<String, Namespace> byName = new LinkedHashMap<>();
            items.forEach(ns -> byName.put(ns.getMetadata().getName(), ns));
            return new Listing(byName, null);
        }

        static Listing failed(String why) {
            return new Listing(Map.of(), why);
        }

        Map<String, Map<String, String>> labels() {
            Map<String, Map<String, String>> labels = new LinkedHashMap<>();
            namespaces.forEach((name, ns) -> labels.put(name,
                    ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels()));
            return labels;
        }
    }
}
