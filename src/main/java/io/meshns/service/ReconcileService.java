package io.meshns.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Namespace;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.FanOut;
import io.meshns.config.CallBudget;
import io.meshns.error.MeshException;
import io.meshns.history.ChangeHistory;
import io.meshns.kube.ControlPlane;
import io.meshns.kube.Deadline;
import io.meshns.kube.KubeErrors;
import io.meshns.kube.DataPlaneLabeler;
import io.meshns.mesh.Names;
import io.meshns.mesh.Outcome;
import io.meshns.mesh.ReconcilePlan;
import io.meshns.mesh.ProtectedNamespaces;
import io.meshns.mesh.Rollout;
import io.meshns.service.NamespaceLock.Change;
import io.meshns.service.NamespaceLock.Locked;
import io.meshns.state.NamespaceState;
import io.meshns.state.NamespaceStates;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Re-applies the wanted injection of every namespace meshns manages to every data-plane cluster: the
 * control plane's labels, or a cluster's own setting where it has one. Costs one LIST of state and
 * one of namespaces in the control plane, one LIST per cluster, plus one
 * PATCH per drifted namespace there; records outcomes only where they changed, and only over the
 * state it read (a newer record wins), so a second reconcile right after a first writes nothing.
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
    private final NamespaceStates store;
    private final NamespaceLock lock;
    private final ProtectedNamespaces protectedNamespaces;
    private final CallBudget budget;
    private final ChangeRecorder recorder;
    private final SideBySide sideBySide;
    private final ClusterListings clusterListings;

    public ReconcileService(ControlPlane controlPlane, ClusterRegistry registry, FanOut fanOut, NamespaceStates store,
            NamespaceLock lock, ProtectedNamespaces protectedNamespaces, CallBudget budget,
            ChangeRecorder recorder, SideBySide sideBySide, ClusterListings clusterListings) {
        this.controlPlane = controlPlane;
        this.registry = registry;
        this.fanOut = fanOut;
        this.store = store;
        this.lock = lock;
        this.protectedNamespaces = protectedNamespaces;
        this.budget = budget;
        this.recorder = recorder;
        this.sideBySide = sideBySide;
        this.clusterListings = clusterListings;
    }

    /** One namespace's outcomes in every cluster reconciled. */
    @RegisterForReflection
    public record NamespaceResult(String namespace, List<Outcome> clusters) {
    }

    /** What a reconcile did (or, with {@code dryRun} true, would do): how many namespaces it looked at, each one's outcomes. */
    @RegisterForReflection
    public record Report(int namespaces, List<NamespaceResult> results,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Boolean dryRun) {

        public Report(int namespaces, List<NamespaceResult> results) {
            this(namespaces, results, null);
        }
    }

    /**
     * Reconciles one namespace, or all when {@code only} is null, across every registered cluster. A
     * dry run lists and compares as usual and patches, records and removes nothing.
     */
    public Report reconcile(String only, ChangeOptions options) {
        Deadline call = Deadline.in(budget.call());
        if (only != null) {
            Names.requireValid("namespace", only);
            protectedNamespaces.requireUnprotected(only);
        }
        // The clusters and the state at once. State before namespaces: a state whose namespace is
        // missing from the later LIST is stale. State before the clusters' LISTs: outcomes are recorded
        // only over a state read before them. The control plane's namespaces and the clusters' at once:
        // a repair compares the intent it read under the lock with the listed one anyway.
        CompletableFuture<List<DataPlane>> planes = sideBySide.start(registry::dataPlanes);
        Map<String, NamespaceStates.Stored> states = store.allNamespaceStates();
        List<DataPlane> clusters = sideBySide.join(planes);
        // The clusters' listings keep only the mesh's namespaces, known once the control plane answers.
        CompletableFuture<Set<String>> managed = new CompletableFuture<>();
        CompletableFuture<Map<String, ClusterListings.Listing>> listings = sideBySide.start(
                () -> clusterListings.list(clusters, managed, budget.lockWait(call)));
        Map<String, Rollout> wanted = null;
        try {
            List<Namespace> namespaces = only != null ? List.of(controlPlane.get(only)) : controlPlane.list(null);
            if (only == null && !options.dryRun()) {
                removeStale(states, namespaces);
            }
            wanted = wanted(namespaces, states);
        } finally {
            managed.complete(wanted == null ? null : wanted.keySet());
        }
        return reconcile(wanted, states, clusters, () -> sideBySide.join(listings), call, options);
    }

    /** Brings one (newly registered) cluster up to date with every mesh namespace. */
    public Report resync(DataPlane cluster, ChangeOptions options) {
        Deadline call = Deadline.in(budget.call());
        Map<String, NamespaceStates.Stored> states = store.allNamespaceStates();
        Map<String, Rollout> wanted = wanted(controlPlane.list(null), states);
        return reconcile(wanted, states, List.of(cluster),
                () -> clusterListings.list(List.of(cluster), CompletableFuture.completedFuture(wanted.keySet()),
                        budget.lockWait(call)), call, options);
    }

    /**
     * What each managed namespace's clusters should have: the control plane's own labels, and each
     * cluster's own setting where it has one. A namespace is managed when it has either, or when
     * meshns has state for it (a removal is wanted too), its history aside; one with none is left
     * alone everywhere.
     */
    private Map<String, Rollout> wanted(List<Namespace> namespaces, Map<String, NamespaceStates.Stored> states) {
        return ManagedNamespaces.of(namespaces,
                name -> states.containsKey(name) ? states.get(name).state().intent() : NamespaceState.Intent.NONE,
                protectedNamespaces);
    }

    /** Deletes the state of namespaces that are gone, unless it changed since it was read or is locked. */
    private void removeStale(Map<String, NamespaceStates.Stored> states, List<Namespace> namespaces) {
        Set<String> present = new HashSet<>();
        namespaces.forEach(ns -> present.add(ns.getMetadata().getName()));
        List<String> stale = states.entrySet().stream()
                .filter(e -> !present.contains(e.getKey()) && e.getValue().state().lockHolder() == null)
                .map(Map.Entry::getKey).toList();
        fanOut.forEach(stale, PARALLEL_NAMESPACES, ns -> {
            if (store.deleteNamespaceState(ns, states.get(ns).version())) {
                LOG.infof("removed the state of namespace %s, which no longer exists", ns);
            }
        });
    }

    private Report reconcile(Map<String, Rollout> wanted, Map<String, NamespaceStates.Stored> states,
            List<DataPlane> clusters, Supplier<Map<String, ClusterListings.Listing>> listClusters, Deadline call,
            ChangeOptions options) {
        Boolean dryRun = options.dryRun() ? Boolean.TRUE : null;
        if (wanted.isEmpty() || clusters.isEmpty()) {
            return new Report(wanted.size(), wanted.keySet().stream().map(ns -> new NamespaceResult(ns, List.of())).toList(),
                    dryRun);
        }
        // 1. One LIST per cluster, all clusters at once.
        Map<String, ClusterListings.Listing> listings = listClusters.get();

        // 2. What each cluster needs, from those listings alone.
        Map<String, ReconcilePlan.Listing> listed = new LinkedHashMap<>();
        clusters.forEach(c -> listed.put(c.name(), listings.get(c.name()).forPlan()));
        ReconcilePlan plan = ReconcilePlan.of(wanted, listed);
        if (options.dryRun()) {
            // A dry run stops here: what drifted would be applied; nothing is patched or recorded.
            Map<String, Map<String, Outcome>> preview = plan.preview();
            return new Report(wanted.size(), wanted.keySet().stream()
                    .map(ns -> new NamespaceResult(ns, inClusterOrder(preview.get(ns), clusters))).toList(), dryRun);
        }
        Map<String, Map<String, Outcome>> outcomes = new TreeMap<>();
        plan.settled().forEach((ns, cells) -> outcomes.put(ns, new ConcurrentHashMap<>(cells)));

        // 3. Repair drifted namespaces, each under its lock so no concurrent change is undone.
        Set<String> repaired = ConcurrentHashMap.newKeySet();
        fanOut.forEach(plan.drifted().keySet(), PARALLEL_NAMESPACES, ns -> {
            if (repair(ns, wanted.get(ns), states.get(ns), copies(plan.drifted().get(ns), ns, listings), clusters,
                    outcomes.get(ns), call, options.by())) {
                repaired.add(ns);
            }
        });

        // 4. Record outcomes that say something new, over the very state read before the LISTs: if
        //    anything was recorded since (a change ran meanwhile), its newer outcomes stand.
        Instant now = Instant.now();
        List<NamespaceResult> results = new ArrayList<>();
        List<String> toRecord = new ArrayList<>();
        for (Map.Entry<String, Rollout> entry : wanted.entrySet()) {
            String ns = entry.getKey();
            List<Outcome> ordered = inClusterOrder(outcomes.get(ns), clusters);
            results.add(new NamespaceResult(ns, ordered));
            if (!repaired.contains(ns)) {
                recorder.checked(ordered);
            }
            NamespaceStates.Stored stored = states.get(ns);
            NamespaceState state = stored == null ? NamespaceState.EMPTY : stored.state();
            if (!plan.drifted().containsKey(ns) && state.lockHolder() == null
                    && !state.agreesWith(entry.getValue().meshWide(), ordered)) {
                toRecord.add(ns);
            }
        }
        fanOut.forEach(toRecord, PARALLEL_NAMESPACES, ns -> {
            NamespaceStates.Stored stored = states.get(ns);
            NamespaceState state = stored == null ? NamespaceState.EMPTY : stored.state();
            if (!store.replaceNamespaceState(ns, stored == null ? null : stored.version(),
                    state.withOutcomes(wanted.get(ns).meshWide(), inClusterOrder(outcomes.get(ns), clusters), now))) {
                LOG.debugf("namespace %s: newer outcomes were recorded during the reconcile; they stand", ns);
            }
        });
        LOG.infof("reconciled %d namespaces over %d clusters; %d needed repair", wanted.size(), clusters.size(),
                plan.drifted().size());
        return new Report(wanted.size(), results, dryRun);
    }

    /**
     * Repairs one namespace under its lock. When its intent or its state changed since they were
     * read (a change ran in between), the LISTs are stale: every cluster is read again instead.
     * A lock it cannot get, or no time left, is reported for this namespace, not thrown.
     */
    private boolean repair(String ns, Rollout listedIntent, NamespaceStates.Stored stateBefore, Map<String, Namespace> listed,
            List<DataPlane> clusters, Map<String, Outcome> outcomes, Deadline call, String by) {
        if (budget.lockWait(call).passed()) {
            notRepaired(listed, outcomes, "not repaired: this reconcile ran out of time (meshns.call-timeout); "
                    + "the next one continues");
            return false;
        }
        try {
            // A repair waits for a running change at most one fan-out: that change applies the intent itself.
            Locked<Namespace> done = lock.run(ns, fanOut.requestDeadline(budget.lockWait(call)), lease -> {
                Optional<Namespace> current = controlPlane.find(ns);
                if (current.isEmpty()) {
                    notRepaired(listed, outcomes, "not repaired: the namespace was deleted from the control plane");
                    return Locked.nothing(null);
                }
                // The state as the lock was taken holds the clusters' own settings: no read of its own.
                Rollout intent = lease.state().intent().rollout(current.get().getMetadata().getLabels());
                boolean stale = !intent.equals(listedIntent)
                        || !Objects.equals(lease.before(), stateBefore == null ? null : stateBefore.version());
                List<DataPlane> targets = clusters.stream()
                        .filter(c -> stale ? c.problem() == null : listed.containsKey(c.name())).toList();
                outcomes.putAll(fanOut.acrossClusters(targets, lease.deadline(),
                        (cluster, deadline) -> DataPlaneLabeler.apply(cluster.client(), ns,
                                stale ? null : listed.get(cluster.name()), intent.in(cluster.name()), deadline, false)
                                .thenApply(result -> new Outcome(cluster.name(), result, null)),
                        (cluster, why) -> Outcome.failed(cluster.name(), why)));
                List<Outcome> repaired = inClusterOrder(outcomes, clusters);
                return Locked.recording(current.get(), new Change(intent.meshWide(), repaired)
                        .withHistory(ChangeHistory.entry(ChangeHistory.REPAIRED, by, repaired)));
            });
            if (done.change() == null) {
                return false;
            }
            recorder.namespaceChanged(done.result(), ChangeHistory.REPAIRED, by, done.change().desired().encode(),
                    List.copyOf(done.change().outcomes()));
            return true;
        } catch (MeshException e) {
            notRepaired(listed, outcomes, "not repaired: " + e.getMessage() + " (the next reconcile retries)");
        } catch (RuntimeException e) {
            LOG.warnf("namespace %s: repair failed: %s", ns, KubeErrors.describe(e));
            notRepaired(listed, outcomes, "not repaired: " + KubeErrors.describe(e));
        }
        return false;
    }

    /** The listed copies of {@code ns} in {@code clusters}, for their patches. */
    private static Map<String, Namespace> copies(List<String> clusters, String ns,
            Map<String, ClusterListings.Listing> listings) {
        Map<String, Namespace> copies = new LinkedHashMap<>();
        clusters.forEach(c -> copies.put(c, listings.get(c).namespaces().get(ns).toNamespace(ns)));
        return copies;
    }

    private static void notRepaired(Map<String, Namespace> listed, Map<String, Outcome> outcomes, String why) {
        listed.keySet().forEach(cluster -> outcomes.put(cluster, Outcome.failed(cluster, why)));
    }

    private static List<Outcome> inClusterOrder(Map<String, Outcome> outcomes, List<DataPlane> clusters) {
        return clusters.stream().map(c -> outcomes.get(c.name())).filter(Objects::nonNull).toList();
    }
}
