package io.meshns.service;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Namespace;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.FanOut;
import io.meshns.cluster.LiveReader;
import io.meshns.config.CallBudget;
import io.meshns.error.ErrorCode;
import io.meshns.history.ChangeHistory;
import io.meshns.kube.ControlPlane;
import io.meshns.kube.DataPlaneLabeler;
import io.meshns.kube.Deadline;
import io.meshns.mesh.Injection;
import io.meshns.mesh.InjectorPresence;
import io.meshns.mesh.Labels;
import io.meshns.mesh.MeshNamespace;
import io.meshns.mesh.Names;
import io.meshns.mesh.Outcome;
import io.meshns.mesh.ProtectedNamespaces;
import io.meshns.service.NamespaceLock.Change;
import io.meshns.service.NamespaceLock.Locked;
import io.meshns.state.NamespaceState;
import io.meshns.state.NamespaceStates;

/**
 * Enables, disables or removes sidecar injection, or enables ambient mode, for a mesh namespace: the
 * control-plane namespace first, then the same-named namespace in every data-plane cluster, in
 * parallel, before returning. Or, with a list of clusters, in those clusters only.
 * <p>
 * Each path reads top to bottom: read the clusters (namespace, injectors, pods, all at once), refuse
 * a change a cluster cannot inject (409, nothing written), take the namespace's lock, write the
 * control plane, label the clusters from that read, release the lock recording the outcomes, record
 * the change, answer. The precheck and the restart impact cost no round trip of their own.
 */
@ApplicationScoped
public class InjectionService {

    private final ControlPlane controlPlane;
    private final ClusterRegistry registry;
    private final FanOut fanOut;
    private final NamespaceLock lock;
    private final ProtectedNamespaces protectedNamespaces;
    private final CallBudget budget;
    private final InjectionCheck check;
    private final NamespaceStates store;
    private final ChangeRecorder recorder;
    private final SideBySide sideBySide;

    public InjectionService(ControlPlane controlPlane, ClusterRegistry registry, FanOut fanOut, NamespaceLock lock,
            ProtectedNamespaces protectedNamespaces, CallBudget budget, InjectionCheck check, NamespaceStates store,
            ChangeRecorder recorder, SideBySide sideBySide) {
        this.controlPlane = controlPlane;
        this.registry = registry;
        this.fanOut = fanOut;
        this.lock = lock;
        this.protectedNamespaces = protectedNamespaces;
        this.budget = budget;
        this.check = check;
        this.store = store;
        this.recorder = recorder;
        this.sideBySide = sideBySide;
    }

    /** Validates a revision name before anything is touched. */
    public static Injection revision(String revision) {
        if (revision.isEmpty() || Labels.problemWithValue(revision) != null) {
            throw ErrorCode.INVALID_REVISION.error("'revision' \"" + revision
                    + "\" must be a non-empty label value, e.g. 1-24-0 or canary");
        }
        return Injection.revision(revision);
    }

    /**
     * Sets {@code wanted} mesh-wide when {@code clusters} is null: the control plane and every
     * cluster, clearing per-cluster settings. Otherwise only in those clusters, as their own setting,
     * leaving the control plane (the mesh-wide default) as it is. A dry run does the same reads and
     * checks and writes nothing.
     */
    public MeshNamespace change(String namespace, Injection wanted, List<String> clusters, ChangeOptions options) {
        Deadline call = Deadline.in(budget.call());
        Names.requireValid("namespace", namespace);
        protectedNamespaces.requireUnprotected(namespace);
        if (options.dryRun()) {
            return preview(namespace, wanted, clusters, options, call);
        }
        return clusters == null ? changeMeshWide(namespace, wanted, options, call)
                : changeIn(namespace, wanted, clusters, options, call);
    }

    /** A mesh-wide change: the clusters are read while the lock is being taken ({@link EarlyRead}). */
    private MeshNamespace changeMeshWide(String namespace, Injection wanted, ChangeOptions options, Deadline call) {
        // A namespace this instance has seen is not read again: the label patch, conditional on the
        // copy it remembers, checks it (404) and saves a round trip to the control plane.
        controlPlane.lastKnown(namespace).orElseGet(() -> controlPlane.get(namespace));
        EarlyRead early = EarlyRead.start(sideBySide, check, registry, store.rememberedVersion(namespace), namespace,
                wanted, options.force(), fanOut.requestDeadline(call));

        // Every write below is bounded by the lease: none is sent, or still on its way, after it ends.
        Locked<Namespace> done = lock.run(namespace, budget.lockWait(call), lease -> {
            Look look = early.underLock(lease, fanOut.requestDeadline(lease.deadline()));
            // Refused: nothing is labelled, and the lock goes with nothing recorded.
            check.requireInjectors(namespace, wanted, look, options.force());
            Namespace labelled = controlPlane.label(namespace, wanted, fanOut.requestDeadline(lease.deadline()));
            List<Outcome> outcomes = label(look, namespace, wanted, DataPlaneLabeler.Read.CURRENT, options, lease.deadline());
            return Locked.recording(labelled, change(wanted, wanted, outcomes, NamespaceState::withoutSettings, options));
        });

        List<Outcome> outcomes = List.copyOf(done.change().outcomes());
        recorder.namespaceChanged(done.result(), ChangeHistory.reason(wanted), options.by(), wanted.encode(), outcomes);
        return MeshNamespace.of(namespace, done.result().getMetadata().getLabels(), withWanted(outcomes, wanted));
    }

    /** A change in the named clusters only, remembered as their own setting. */
    private MeshNamespace changeIn(String namespace, Injection wanted, List<String> clusters, ChangeOptions options,
            Deadline call) {
        Namespace current = controlPlane.get(namespace);
        Look look = look(namespace, wanted, clusters, call);
        check.requireInjectors(namespace, wanted, look, options.force());
        Set<String> named = look.names();

        Locked<Map<String, String>> done = lock.run(namespace, budget.lockWait(call), lease -> {
            // Read under the lock: the mesh-wide default is recorded beside the new settings.
            Map<String, String> meshWide = controlPlane.get(namespace).getMetadata().getLabels();
            List<Outcome> outcomes = label(look, namespace, wanted, DataPlaneLabeler.Read.EARLIER, options, lease.deadline());
            return Locked.recording(meshWide, change(Injection.fromLabels(meshWide), wanted, outcomes,
                    state -> state.withSetting(named, wanted), options));
        });

        List<Outcome> outcomes = List.copyOf(done.change().outcomes());
        recorder.namespaceChanged(current, ChangeHistory.reason(wanted), options.by(), wanted.encode() + " in " + named,
                outcomes);
        return MeshNamespace.of(namespace, done.result(), withWanted(outcomes, wanted));
    }

    /** A dry run: the reads and checks of a change (the control plane's by the API server itself), nothing written. */
    private MeshNamespace preview(String namespace, Injection wanted, List<String> clusters, ChangeOptions options,
            Deadline call) {
        Map<String, String> before = controlPlane.get(namespace).getMetadata().getLabels();
        Look look = look(namespace, wanted, clusters, call);
        check.requireInjectors(namespace, wanted, look, options.force());
        Map<String, String> after = before;
        if (clusters == null) {
            controlPlane.previewLabel(namespace, wanted, fanOut.requestDeadline(call));
            after = wanted.changeFrom(before).applyTo(before);
        }
        List<Outcome> outcomes = withWanted(label(look, namespace, wanted, DataPlaneLabeler.Read.EARLIER, options, call), wanted);
        recorder.previewed(namespace, "injection " + wanted.encode(), outcomes);
        return MeshNamespace.of(namespace, after, outcomes).asDryRun();
    }

    /** The one read of the clusters a change acts on: every registered one, or those named (404 for an unknown name). */
    private Look look(String namespace, Injection wanted, List<String> clusters, Deadline call) {
        Set<String> named = clusters == null ? null : registry.requireRegistered(clusters);
        List<DataPlane> targets = registry.dataPlanes().stream().filter(c -> named == null || named.contains(c.name())).toList();
        return check.look(targets, namespace, wanted, fanOut.requestDeadline(call));
    }

    /**
     * Puts {@code wanted} on the namespace in each cluster of {@code look} at once, from what it read
     * there, trusted as {@code trust} says; one outcome each, with its restart impact. A cluster that
     * could not be read fails at once, so a silent cluster costs one deadline, not two.
     */
    private List<Outcome> label(Look look, String namespace, Injection wanted, DataPlaneLabeler.Read trust,
            ChangeOptions options, Deadline deadline) {
        Map<String, Outcome> labelled = fanOut.acrossClusters(look.readable(), deadline,
                (cluster, d) -> ClusterLabel.fromRead(cluster, look.of(cluster), namespace, wanted, trust, d, options, check),
                (cluster, why) -> Outcome.failed(cluster.name(), why));
        return look.clusters().stream()
                .map(c -> labelled.getOrDefault(c.name(), unread(c.name(), look.of(c), wanted, options))).toList();
    }

    /** A cluster that could not be read is not labelled: failed, and, where it mattered, its injector unverified. */
    private static Outcome unread(String cluster, LiveReader.Live read, Injection wanted, ChangeOptions options) {
        Outcome failed = Outcome.failed(cluster, read.failure());
        return InjectorPresence.needsInjector(wanted) && !options.force() ? failed.withNote("injector not verified") : failed;
    }

    /** What the lock's release records: {@code desired} mesh-wide, the settings, the outcomes and their history entry. */
    private static Change change(Injection desired, Injection wanted, List<Outcome> outcomes,
            UnaryOperator<NamespaceState> settings, ChangeOptions options) {
        return new Change(desired, outcomes, settings)
                .withHistory(ChangeHistory.entry(ChangeHistory.reason(wanted), options.by(), outcomes));
    }

    private static List<Outcome> withWanted(List<Outcome> outcomes, Injection wanted) {
        return outcomes.stream().map(o -> o.withWanted(wanted)).toList();
    }
}
