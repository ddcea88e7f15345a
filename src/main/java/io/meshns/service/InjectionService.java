package io.meshns.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Namespace;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.FanOut;
import io.meshns.cluster.LiveReader;
import io.meshns.config.CallBudget;
import io.meshns.history.ChangeHistory;
import io.meshns.kube.ControlPlane;
import io.meshns.kube.Deadline;
import io.meshns.kube.NamespaceLabeler;
import io.meshns.mesh.Injection;
import io.meshns.mesh.InjectorPresence;
import io.meshns.mesh.Labels;
import io.meshns.mesh.MeshNamespace;
import io.meshns.mesh.Names;
import io.meshns.mesh.Outcome;
import io.meshns.mesh.ProtectedNamespaces;
import io.meshns.metrics.OutcomeMetrics;
import io.meshns.state.NamespaceState;
import io.meshns.state.StateStore;

/**
 * Enables, disables or removes sidecar injection, or enables ambient mode, for a mesh namespace: the
 * control-plane namespace first, then the same-named namespace in every data-plane cluster, in
 * parallel, before returning. Or, with a list of clusters, in those clusters only.
 */
@ApplicationScoped
public class InjectionService {

    private static final Logger LOG = Logger.getLogger(InjectionService.class);

    private final ControlPlane controlPlane;
    private final ClusterRegistry registry;
    private final FanOut fanOut;
    private final NamespaceLock lock;
    private final ProtectedNamespaces protectedNamespaces;
    private final OutcomeMetrics metrics;
    private final CallBudget budget;
    private final InjectionCheck check;
    private final ChangeHistory history;
    private final StateStore store;

    public InjectionService(ControlPlane controlPlane, ClusterRegistry registry, FanOut fanOut, NamespaceLock lock,
            ProtectedNamespaces protectedNamespaces, OutcomeMetrics metrics, CallBudget budget, InjectionCheck check,
            ChangeHistory history, StateStore store) {
        this.store = store;
        this.budget = budget;
        this.controlPlane = controlPlane;
        this.registry = registry;
        this.fanOut = fanOut;
        this.lock = lock;
        this.protectedNamespaces = protectedNamespaces;
        this.metrics = metrics;
        this.check = check;
        this.history = history;
    }

    /** Validates a revision name before anything is touched. */
    public static Injection revision(String revision) {
        if (revision.isEmpty() || Labels.problemWithValue(revision) != null) {
            throw io.meshns.error.MeshException.badRequest("invalid-revision", "'revision' \"" + revision
                    + "\" must be a non-empty label value, e.g. 1-24-0 or canary");
        }
        return Injection.revision(revision);
    }

    /** Sets {@code wanted} mesh-wide: the control plane and every cluster; clears per-cluster settings. */
    public MeshNamespace change(String namespace, Injection wanted) {
        return change(namespace, wanted, null, ChangeOptions.NONE);
    }

    public MeshNamespace change(String namespace, Injection wanted, List<String> clusters) {
        return change(namespace, wanted, clusters, ChangeOptions.NONE);
    }

    /**
     * Sets {@code wanted} mesh-wide when {@code clusters} is null; otherwise only in those clusters,
     * as their own setting, leaving the control plane (the mesh-wide default) as it is.
     * <p>
     * Each cluster is read once (namespace, injectors, pods, all at once) and, unless an injector is
     * missing (409, nothing written), labelled from that read: the precheck and the restart impact
     * cost no round trip of their own. A dry run does the same reads and checks and writes nothing.
     */
    public MeshNamespace change(String namespace, Injection wanted, List<String> clusters, ChangeOptions options) {
        Deadline call = Deadline.in(budget.call());
        Names.requireValid("namespace", namespace);
        protectedNamespaces.requireUnprotected(namespace);
        if (clusters == null && !options.dryRun()) {
            return changeMeshWide(namespace, wanted, options, call);
        }
        Namespace current = controlPlane.get(namespace);
        Map<String, String> before = current.getMetadata().getLabels();
        Set<String> names = clusters == null ? null : registry.requireRegistered(clusters);
        List<DataPlane> targets = registry.dataPlanes().stream().filter(c -> names == null || names.contains(c.name())).toList();
        Map<String, LiveReader.Live> live = check.look(targets, namespace, wanted, call.min(Deadline.in(fanOut.timeout())));
        check.requireInjectors(namespace, wanted, live, options.force());
        if (names != null && !options.dryRun()) {
            return changeIn(current, wanted, targets, live, options, call);
        }
        Map<String, String> after = names == null ? wanted.changeFrom(before).applyTo(before) : before;
        if (names == null) {
            controlPlane.label(namespace, wanted, call.min(Deadline.in(fanOut.timeout())), true);
        }
        List<Outcome> outcomes = withWanted(labelFrom(targets, namespace, wanted, live, false, options, call), wanted);
        LOG.infof("namespace %s: dry run of injection %s; clusters %s", namespace, wanted.encode(), summary(outcomes));
        return MeshNamespace.of(namespace, after, outcomes).asDryRun();
    }

    /**
     * A mesh-wide change. The clusters are read while the lock is being taken, not before: a remote
     * control plane's round trips for the lock and the registry cost no time of their own. The read
     * is used only if it cannot have missed another change: when the lock was written over the very
     * state this instance saw before the read began (every change writes that state as it takes and
     * releases the lock), and for clusters read with the client they are registered with now.
     * Otherwise the clusters are read again under the lock.
     * <p>
     * A change the precheck may refuse is read first and refused before anything is written, not
     * even the lock: this instance reads first unless it has seen, in every cluster, an injector for
     * {@code wanted}. Only a refusal this instance could not foresee (an injector removed since it
     * last looked, a cluster registered through another instance) is found under the lock, which is
     * then released with nothing recorded: the state is as it was, but for its resourceVersion.
     */
    private MeshNamespace changeMeshWide(String namespace, Injection wanted, ChangeOptions options, Deadline call) {
        // A namespace this instance has seen is not read again: the label patch, conditional on the
        // copy it remembers, checks it (404) and saves a round trip to the control plane.
        Namespace current = controlPlane.lastKnown(namespace).orElseGet(() -> controlPlane.get(namespace));
        String seen = store.rememberedVersion(namespace);
        Deadline readBy = call.min(Deadline.in(fanOut.timeout()));
        CompletableFuture<List<DataPlane>> registered = SideBySide.start(registry::dataPlanes);
        List<DataPlane> guessed;
        CompletableFuture<Map<String, LiveReader.Live>> early;
        if (!options.force() && check.mayRefuse(registry.lastListed(), wanted)) {
            guessed = SideBySide.join(registered);
            Map<String, LiveReader.Live> read = check.look(guessed, namespace, wanted, readBy);
            check.requireInjectors(namespace, wanted, read, false);
            early = CompletableFuture.completedFuture(read);
        } else {
            guessed = registry.lastListed();
            early = SideBySide.start(() -> check.look(guessed, namespace, wanted, readBy));
        }

        // Every write below is bounded by the lease: none is sent, or still on its way, after it ends.
        List<Map<String, String>> labelled = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>(lock.run(namespace, budget.lockWait(call), lease -> {
            List<DataPlane> targets = SideBySide.join(registered);
            Map<String, LiveReader.Live> live = readUnderLock(targets, namespace, wanted,
                    seen != null && lease.takenOver(seen) ? guessed : List.of(), early,
                    lease.deadline().min(Deadline.in(fanOut.timeout())));
            // Refused: nothing is labelled, and the lock goes with nothing recorded.
            check.requireInjectors(namespace, wanted, live, options.force());
            // The labels as the control plane now has them: the copy read before may be older.
            labelled.add(controlPlane.label(namespace, wanted, lease.deadline().min(Deadline.in(fanOut.timeout())))
                    .getMetadata().getLabels());
            List<Outcome> done = labelFrom(targets, namespace, wanted, live, true, options, lease.deadline());
            return new NamespaceLock.Change(wanted, done, NamespaceState::withoutSettings)
                    .withHistory(ChangeHistory.entry(ChangeHistory.reason(wanted), options.by(), done));
        }).outcomes());
        metrics.record(outcomes);
        LOG.infof("namespace %s: injection %s; clusters %s", namespace, wanted.encode(), summary(outcomes));
        history.namespaceChanged(current, ChangeHistory.reason(wanted), options.by(), wanted.encode(), outcomes);
        return MeshNamespace.of(namespace, labelled.get(0), withWanted(outcomes, wanted));
    }

    /**
     * Each of {@code targets} as read under the lock: from the {@code early} read of {@code valid}
     * (the clusters it read, when it still holds), and read now for every other one.
     */
    private Map<String, LiveReader.Live> readUnderLock(List<DataPlane> targets, String namespace, Injection wanted,
            List<DataPlane> valid, CompletableFuture<Map<String, LiveReader.Live>> early, Deadline deadline) {
        List<DataPlane> unread = ClusterRegistry.unconfirmed(valid, targets);
        Map<String, LiveReader.Live> read = unread.size() == targets.size() ? Map.of() : SideBySide.join(early);
        Map<String, LiveReader.Live> fresh = unread.isEmpty() ? Map.of() : check.look(unread, namespace, wanted, deadline);
        Map<String, LiveReader.Live> live = new LinkedHashMap<>();
        targets.forEach(t -> live.put(t.name(), fresh.containsKey(t.name()) ? fresh.get(t.name()) : read.get(t.name())));
        return live;
    }

    private MeshNamespace changeIn(Namespace current, Injection wanted, List<DataPlane> targets,
            Map<String, LiveReader.Live> live, ChangeOptions options, Deadline call) {
        String namespace = current.getMetadata().getName();
        List<Map<String, String>> controlPlaneLabels = new ArrayList<>();
        Set<String> named = targets.stream().map(DataPlane::name).collect(Collectors.toCollection(TreeSet::new));
        List<Outcome> outcomes = new ArrayList<>(lock.run(namespace, budget.lockWait(call), lease -> {
            // Read under the lock: the mesh-wide default is recorded beside the new settings.
            controlPlaneLabels.add(controlPlane.get(namespace).getMetadata().getLabels());
            List<Outcome> done = labelFrom(targets, namespace, wanted, live, false, options, lease.deadline());
            return new NamespaceLock.Change(Injection.fromLabels(controlPlaneLabels.get(0)), done,
                    state -> state.withSetting(named, wanted))
                    .withHistory(ChangeHistory.entry(ChangeHistory.reason(wanted), options.by(), done));
        }).outcomes());
        metrics.record(outcomes);
        LOG.infof("namespace %s: injection %s in clusters %s only", namespace, wanted.encode(), summary(outcomes));
        history.namespaceChanged(current, ChangeHistory.reason(wanted), options.by(), wanted.encode() + " in " + named,
                outcomes);
        return MeshNamespace.of(namespace, controlPlaneLabels.get(0), withWanted(outcomes, wanted));
    }

    /**
     * Puts {@code wanted} on the namespace in each of {@code clusters} at once, from what {@code live}
     * read of them ({@code current}: read under the lock, or proven current), by {@code lease}; one
     * outcome each.
     * A cluster that could not be read fails at once, so a silent cluster costs one deadline, not two.
     */
    private List<Outcome> labelFrom(List<DataPlane> clusters, String namespace, Injection wanted,
            Map<String, LiveReader.Live> live, boolean current, ChangeOptions options, Deadline lease) {
        List<DataPlane> readable = clusters.stream().filter(c -> live.get(c.name()).failure() == null).toList();
        Map<String, Outcome> labelled = fanOut.acrossClusters(readable, lease, (cluster, d) -> {
            LiveReader.Live read = live.get(cluster.name());
            Namespace seen = read.namespace(namespace);
            CompletableFuture<Outcome> outcome = seen == null ? CompletableFuture.completedFuture(Outcome.absent(cluster.name()))
                    : (current ? NamespaceLabeler.applyFromCurrentReadAsync(cluster.client(), namespace, seen, wanted, d)
                            : NamespaceLabeler.applyFromEarlierReadAsync(cluster.client(), namespace, seen, wanted, d,
                                    options.dryRun()))
                            .thenApply(result -> new Outcome(cluster.name(), result, null));
            return outcome.thenApply(o -> check.annotate(o, read, namespace, wanted, options.force()));
        }, (cluster, why) -> Outcome.failed(cluster.name(), why));
        return new ArrayList<>(clusters.stream()
                .map(c -> labelled.getOrDefault(c.name(), unread(c.name(), live.get(c.name()), wanted, options))).toList());
    }

    /** A cluster that could not be read is not labelled: failed, and, where it mattered, its injector unverified. */
    private static Outcome unread(String cluster, LiveReader.Live read, Injection wanted, ChangeOptions options) {
        Outcome failed = Outcome.failed(cluster, read.failure());
        return InjectorPresence.needsInjector(wanted) && !options.force() ? failed.withNote("injector not verified") : failed;
    }

    private static List<Outcome> withWanted(List<Outcome> outcomes, Injection wanted) {
        return outcomes.stream().map(o -> o.withWanted(wanted)).toList();
    }

    private static String summary(List<Outcome> outcomes) {
        return outcomes.stream().map(o -> o.cluster() + "=" + o.outcome().word()).toList().toString();
    }
}
