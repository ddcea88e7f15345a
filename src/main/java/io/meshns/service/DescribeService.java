package io.meshns.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.FanOut;
import io.meshns.cluster.LiveReader;
import io.meshns.kube.ControlPlane;
import io.meshns.kube.Deadline;
import io.meshns.mesh.ClusterState;
import io.meshns.mesh.HistoryEntry;
import io.meshns.mesh.Injection;
import io.meshns.mesh.InjectorPresence;
import io.meshns.mesh.MeshDescription;
import io.meshns.mesh.Names;
import io.meshns.mesh.ProtectedNamespaces;
import io.meshns.mesh.Rollout;
import io.meshns.state.NamespaceStates;

/**
 * describeMesh: what every cluster really has of every mesh namespace, read live and written
 * nowhere. Costs one namespace LIST per cluster (and, with pods, one pod LIST and one webhook
 * LIST), all clusters at once, whatever the number of namespaces; in the control plane, one
 * namespace LIST and one LIST of the state ConfigMaps (for per-cluster settings, which namespaces
 * meshns manages, judged as reconcile judges it, and when reconcile last repaired one), sent while
 * the clusters' answers are on their way.
 */
@ApplicationScoped
public class DescribeService {

    private final ControlPlane controlPlane;
    private final ClusterRegistry registry;
    private final LiveReader reader;
    private final FanOut fanOut;
    private final ProtectedNamespaces protectedNamespaces;
    private final NamespaceStates store;
    private final SideBySide sideBySide;

    public DescribeService(ControlPlane controlPlane, ClusterRegistry registry, LiveReader reader, FanOut fanOut,
            ProtectedNamespaces protectedNamespaces, NamespaceStates store, SideBySide sideBySide) {
        this.controlPlane = controlPlane;
        this.registry = registry;
        this.reader = reader;
        this.fanOut = fanOut;
        this.protectedNamespaces = protectedNamespaces;
        this.store = store;
        this.sideBySide = sideBySide;
    }

    /** Every mesh namespace (or only {@code only}) against every registered cluster. */
    public MeshDescription describe(String only, boolean pods) {
        if (only != null) {
            Names.requireValid("namespace", only);
            protectedNamespaces.requireUnprotected(only);
        }
        // The whole mesh's control-plane side is read while the clusters' answers are on their way:
        // the call costs about one cluster's LIST, not that plus the control plane's. One namespace
        // is read first, so an unknown one is a 404 that asked no cluster anything.
        CompletableFuture<MeshPlan> plan = only != null ? CompletableFuture.completedFuture(plan(only))
                : sideBySide.start(() -> plan(null));
        // The clusters too: those this instance listed last are read while the registry is listed
        // again; any the new listing does not confirm (registered since, or with new credentials)
        // are read after it, and any it no longer has are left out.
        CompletableFuture<List<DataPlane>> registered = sideBySide.start(registry::dataPlanes);
        List<DataPlane> guessed = registry.lastListed();
        // Of a cluster's namespaces, read in pages, only the plan's are kept (all until it is known).
        LiveReader.Needs needs = new LiveReader.Needs(pods, pods, plan.handle((wanted, failure) -> wanted == null ? null
                : wanted.namespaces().stream().map(Planned::name).collect(java.util.stream.Collectors.toSet())));
        Deadline deadline = Deadline.in(fanOut.timeout());
        // Each cluster's column is made as soon as its answer comes, while slower clusters are still
        // answering, when the control plane's answer has come by then (it usually has); else below.
        BiFunction<DataPlane, LiveReader.Live, Column> toColumn = (cluster, read) -> new Column(read,
                ready(plan) ? column(cluster.name(), read, plan.join(), pods) : null);
        Map<String, Column> columns = new HashMap<>(reader.read(guessed, only, needs, deadline, toColumn));
        List<DataPlane> clusters = sideBySide.join(registered);
        List<DataPlane> unread = ClusterRegistry.unconfirmed(guessed, clusters);
        if (!unread.isEmpty()) {
            columns.putAll(reader.read(unread, only, needs, deadline, toColumn));
        }
        MeshPlan wanted = sideBySide.join(plan);
        List<List<MeshDescription.Cell>> byCluster = new ArrayList<>(clusters.size());
        // The webhooks were read with the pods (restart impact judges proxies by them): their revisions come free.
        Map<String, List<String>> injectors = pods ? new LinkedHashMap<>() : null;
        for (DataPlane cluster : clusters) {
            Column column = columns.get(cluster.name());
            byCluster.add(column.cells() != null ? column.cells() : column(cluster.name(), column.read(), wanted, pods));
            if (injectors != null && column.read().webhooks() != null) {
                injectors.put(cluster.name(), InjectorPresence.revisions(column.read().webhooks()));
            }
        }
        List<MeshDescription.Row> rows = new ArrayList<>(wanted.namespaces().size());
        for (int i = 0; i < wanted.namespaces().size(); i++) {
            Planned namespace = wanted.namespaces().get(i);
            List<MeshDescription.Cell> cells = new ArrayList<>(clusters.size());
            for (List<MeshDescription.Cell> column : byCluster) {
                cells.add(column.get(i));
            }
            rows.add(new MeshDescription.Row(namespace.name(), namespace.meshWide().mode().word(),
                    namespace.meshWide().revision(), namespace.managed(), cells));
        }
        String lastRepair = HistoryEntry.latest(wanted.namespaces().stream().map(Planned::lastRepair).toList());
        return new MeshDescription(clusters.stream().map(DataPlane::name).toList(), rows, injectors, lastRepair);
    }

    /** What the control plane wants: its mesh namespaces, in order, each with its per-cluster settings. */
    private record MeshPlan(List<Planned> namespaces) {
    }

    /**
     * One mesh namespace as the control plane wants it: mesh-wide, each cluster's own setting over
     * that, whether meshns manages it at all, and when reconcile last repaired it (null: not as far as kept).
     */
    private record Planned(String name, Injection meshWide, Rollout rollout, boolean managed, String lastRepair) {

        static Planned of(Namespace namespace, NamespaceStates.Overview state) {
            Rollout rollout = state.intent().rollout(namespace.getMetadata().getLabels());
            return new Planned(namespace.getMetadata().getName(), rollout.meshWide(), rollout, rollout.managed(state.intent().manages()),
                    state.lastRepair());
        }
    }

    /** One cluster as read, and its cells in the plan's namespace order once made. */
    private record Column(LiveReader.Live read, List<MeshDescription.Cell> cells) {
    }

    private MeshPlan plan(String only) {
        if (only != null) {
            Namespace namespace = controlPlane.get(only);
            NamespaceStates.Overview state = store.namespaceState(only)
                    .map(s -> new NamespaceStates.Overview(s.intent(), HistoryEntry.newestOf(s.history(), HistoryEntry.REPAIRED)))
                    .orElse(NamespaceStates.Overview.NONE);
            return new MeshPlan(List.of(Planned.of(namespace, state)));
        }
        Map<String, NamespaceStates.Overview> states = store.allNamespaceOverviews();
        return new MeshPlan(controlPlane.list(null).stream()
                .filter(ns -> !protectedNamespaces.contains(ns.getMetadata().getName()))
                .map(ns -> Planned.of(ns, states.getOrDefault(ns.getMetadata().getName(), NamespaceStates.Overview.NONE)))
                .toList());
    }

    private static boolean ready(CompletableFuture<?> future) {
        return future.isDone() && !future.isCompletedExceptionally();
    }

    /** One cluster's cells, one per planned namespace, in the plan's order. */
    private static List<MeshDescription.Cell> column(String cluster, LiveReader.Live read, MeshPlan plan, boolean podsAsked) {
        Map<String, List<Pod>> pods = byNamespace(read.pods());
        List<MeshDescription.Cell> cells = new ArrayList<>(plan.namespaces().size());
        for (Planned namespace : plan.namespaces()) {
            cells.add(cell(cluster, namespace.name(), namespace.managed(), namespace.rollout().in(cluster), read, pods,
                    podsAsked));
        }
        return cells;
    }

    private static MeshDescription.Cell cell(String cluster, String namespace, boolean managed, Injection wanted,
            LiveReader.Live read, Map<String, List<Pod>> pods, boolean podsAsked) {
        if (read.failure() != null) {
            return new MeshDescription.Cell(cluster, ClusterState.UNREACHABLE, wanted.encode(), null, null, null, read.failure());
        }
        Namespace there = read.namespace(namespace);
        if (there == null) {
            return new MeshDescription.Cell(cluster, ClusterState.ABSENT, wanted.encode(), null, null, null, null);
        }
        Map<String, String> labels = there.getMetadata().getLabels() == null ? Map.of() : there.getMetadata().getLabels();
        Injection has = Injection.fromLabels(labels);
        // meshns wants nothing of a namespace it does not manage: its pods are judged by its own labels there.
        var restart = podsAsked && pods != null
                ? InjectionCheck.impact(managed ? wanted : has, read, pods.getOrDefault(namespace, List.of())) : null;
        String message = podsAsked && pods == null ? "restart impact unknown: pods could not be listed: " + read.podsUnknown()
                : null;
        return new MeshDescription.Cell(cluster, ClusterState.of(managed, wanted, labels), wanted.encode(), has.mode().word(),
                has.revision(), restart, message);
    }

    private static Map<String, List<Pod>> byNamespace(List<Pod> pods) {
        if (pods == null) {
            return null;
        }
        Map<String, List<Pod>> grouped = new HashMap<>();
        pods.forEach(p -> grouped.computeIfAbsent(p.getMetadata().getNamespace(), k -> new ArrayList<>()).add(p));
        return grouped;
    }
}
