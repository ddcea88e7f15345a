package io.meshns.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;


import io.fabric8.kubernetes.api.model.Namespace;
import io.meshns.history.ChangeHistory;
import io.meshns.kube.ControlPlane;
import io.meshns.mesh.Injection;
import io.meshns.mesh.LabelSelectors;
import io.meshns.mesh.Labels;
import io.meshns.mesh.MeshNamespace;
import io.meshns.mesh.Names;
import io.meshns.mesh.Outcome;
import io.meshns.mesh.ProtectedNamespaces;
import io.meshns.mesh.Rollout;
import io.meshns.state.ClusterStore;
import io.meshns.state.NamespaceState;
import io.meshns.state.NamespaceStates;

/**
 * Mesh namespaces: Namespace objects of the control plane, with their recorded per-cluster outcomes.
 * Creating or deleting one never touches a data-plane cluster.
 */
@ApplicationScoped
public class NamespaceService {

    private final ControlPlane controlPlane;
    private final NamespaceStates store;
    private final ClusterStore clusterStore;
    private final ProtectedNamespaces protectedNamespaces;
    private final ChangeRecorder recorder;

    public NamespaceService(ControlPlane controlPlane, NamespaceStates store, ClusterStore clusterStore,
            ProtectedNamespaces protectedNamespaces, ChangeRecorder recorder) {
        this.controlPlane = controlPlane;
        this.store = store;
        this.clusterStore = clusterStore;
        this.protectedNamespaces = protectedNamespaces;
        this.recorder = recorder;
    }

    public MeshNamespace create(String name, Map<String, String> labels, ChangeOptions options) {
        Names.requireValid("name", name);
        Labels.requireValid(labels);
        protectedNamespaces.requireUnprotected(name);
        if (options.dryRun()) {
            controlPlane.createDryRun(name, labels);
            return MeshNamespace.of(name, labels, List.of()).asDryRun();
        }
        Namespace created = controlPlane.create(name, labels);
        Map<String, String> createdLabels = created.getMetadata().getLabels();
        Injection injection = Injection.fromLabels(createdLabels);
        // Nothing of an earlier namespace of the same name carries over, its history included (its
        // Events stay). Without an injection label only the history is kept: such a namespace is not
        // managed until injection is set, like one made with kubectl.
        Injection desired = injection.mode() == Injection.Mode.UNSET ? null : injection;
        store.updateNamespaceState(name, state -> new NamespaceState(desired, Map.of(), state.lockHolder(),
                state.lockLease(), Map.of(), List.of()).withHistory(
                        ChangeHistory.entry(ChangeHistory.NAMESPACE_CREATED, options.by(), List.of())));
        recorder.namespaceCreated(created, options.by());
        return MeshNamespace.of(name, createdLabels, List.of());
    }

    /**
     * What {@link #create} answered, if the namespace was created at or after {@code time}: by an
     * earlier delivery of the same event, first claimed then. The namespace as it is now.
     */
    public Optional<MeshNamespace> createdSince(String name, Instant time) {
        return controlPlane.createdSince(name, time)
                .map(namespace -> MeshNamespace.of(name, namespace.getMetadata().getLabels(), List.of()));
    }

    /** The namespace with its last recorded outcomes and its last changes, newest first. */
    public MeshNamespace get(String name) {
        Names.requireValid("name", name);
        Namespace namespace = controlPlane.get(name);
        NamespaceState state = store.namespaceState(name).orElse(NamespaceState.EMPTY);
        return view(namespace, state, registeredClusters()).withHistory(state.history());
    }

    public List<MeshNamespace> list(String labelSelector) {
        LabelSelectors.requireValid(labelSelector);
        List<Namespace> namespaces = controlPlane.list(labelSelector);
        Map<String, NamespaceStates.Stored> states = store.allNamespaceStates();
        Map<String, Instant> clusters = registeredClusters();
        return namespaces.stream()
                .map(ns -> view(ns, states.containsKey(ns.getMetadata().getName())
                        ? states.get(ns.getMetadata().getName()).state() : NamespaceState.EMPTY, clusters))
                .toList();
    }

    public void delete(String name, ChangeOptions options) {
        Names.requireValid("name", name);
        protectedNamespaces.requireUnprotected(name);
        Namespace namespace = controlPlane.get(name);
        if (options.dryRun()) {
            controlPlane.deleteDryRun(name);
            return;
        }
        controlPlane.delete(name);
        store.deleteNamespaceState(name);
        recorder.namespaceDeleted(namespace, options.by());
    }

    /** Each registered cluster's registration time, by name. */
    private Map<String, Instant> registeredClusters() {
        Map<String, Instant> clusters = new java.util.HashMap<>();
        clusterStore.clusters().forEach(c -> clusters.put(c.name(), c.registered() == null ? Instant.EPOCH : c.registered()));
        return clusters;
    }

    /**
     * The caller's view: the control-plane labels, and every registered cluster with what it should
     * have and its last recorded outcome. A cluster with none (one a per-cluster rollout left out, or
     * one registered since) has no outcome; so has one whose outcome is older than its registration
     * (a cluster of the same name registered again is another cluster).
     */
    static MeshNamespace view(Namespace namespace, NamespaceState state, Map<String, Instant> registeredClusters) {
        // The control plane's labels are the mesh-wide default, as reconcile reads them.
        Rollout rollout = state.intent().rollout(namespace.getMetadata().getLabels());
        List<Outcome> clusters = registeredClusters.keySet().stream().sorted()
                .map(cluster -> lastOutcome(cluster, state.clusters().get(cluster), registeredClusters.get(cluster))
                        .withWanted(rollout.in(cluster)))
                .toList();
        return MeshNamespace.of(namespace.getMetadata().getName(), namespace.getMetadata().getLabels(), clusters);
    }

    /** The cluster's recorded outcome, or one without an outcome when none was recorded since it was registered. */
    private static Outcome lastOutcome(String cluster, NamespaceState.ClusterRecord record, Instant registered) {
        boolean current = record != null && record.time() != null && !record.time().isBefore(registered);
        return current ? record.toOutcome(cluster) : new Outcome(cluster, null, null);
    }
}
