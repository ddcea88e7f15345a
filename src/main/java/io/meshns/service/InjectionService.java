package io.meshns.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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

    public InjectionService(ControlPlane controlPlane, ClusterRegistry registry, FanOut fanOut, NamespaceLock lock,
            ProtectedNamespaces protectedNamespaces, OutcomeMetrics metrics, CallBudget budget, InjectionCheck check,
            ChangeHistory history) {
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
     * Each cluster is read once first (namespace, injectors, pods, all at once) and, unless an
     * injector is missing (409, nothing written, not even the lock), labelled from that read: the
     * precheck and the restart impact cost no round trip of their own. A dry run does the same
     * reads and checks and writes nothing.
     */
    public MeshNamespace change(String namespace, Injection wanted, List<String> clusters, ChangeOptions options) {
        Deadline call = Deadline.in(budget.call());
        Names.requireValid("namespace", namespace);
        protectedNamespaces.requireUnprotected(namespace);
        // A namespace this instance has seen is not read again for a mesh-wide change: the label patch,
        // conditional on the copy it remembers, checks it (404) and saves a round trip to the control plane.
        Namespace current = clusters == null && !options.dryRun()
                ? controlPlane.lastKnown(namespace).orElseGet(() -> controlPlane.get(namespace))
                : controlPlane.get(namespace);
        Map<String, String> before = current.getMetadata().getLabels();
        Set<String> names = clusters == null ? null : registry.requireRegistered(clusters);
        List<DataPlane> targets = registry.dataPlanes().stream().filter(c -> names == null || names.contains(c.name())).toList();
        Map<String, LiveReader.Live> live = check.look(targets, namespace, wanted, call.min(Deadline.in(fanOut.timeout())));
        check.requireInjectors(namespace, wanted, live, options.force());
        Map<String, String> after = names == null ? wanted.changeFrom(before).applyTo(before) : before;
        if (options.dryRun()) {
            if (names == null) {
                controlPlane.label(namespace, wanted, call.min(Deadline.in(fanOut.timeout())), true);
            }
            List<Outcome> outcomes = withWanted(labelFrom(targets, namespace, wanted, live, options, call), wanted);
            LOG.infof("namespace %s: dry run of injection %s; clusters %s", namespace, wanted.encode(), summary(outcomes));
            return MeshNamespace.of(namespace, after, outcomes).asDryRun();
        }
        if (names != null) {
            return changeIn(current, wanted, targets, live, options, call);
        }

        // Every write below is bounded by the lease: none is sent, or still on its way, after it ends.
        List<Map<String, String>> labelled = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>(lock.run(namespace, budget.lockWait(call), lease -> {
            // The labels as the control plane now has them: the copy read before may be older.
            labelled.add(controlPlane.label(namespace, wanted, lease.deadline().min(Deadline.in(fanOut.timeout())))
                    .getMetadata().getLabels());
            return new NamespaceLock.Change(wanted, labelFrom(targets, namespace, wanted, live, options, lease.deadline()),
                    NamespaceState::withoutSettings);
        }).outcomes());
        metrics.record(outcomes);
        LOG.infof("namespace %s: injection %s; clusters %s", namespace, wanted.encode(), summary(outcomes));
        history.namespaceChanged(current, ChangeHistory.reason(wanted), options.by(), wanted.encode(), outcomes);
        return MeshNamespace.of(namespace, labelled.get(0), withWanted(outcomes, wanted));
    }

    private MeshNamespace changeIn(Namespace current, Injection wanted, List<DataPlane> targets,
            Map<String, LiveReader.Live> live, ChangeOptions options, Deadline call) {
        String namespace = current.getMetadata().getName();
        List<Map<String, String>> controlPlaneLabels = new ArrayList<>();
        Set<String> named = targets.stream().map(DataPlane::name).collect(Collectors.toCollection(TreeSet::new));
        List<Outcome> outcomes = new ArrayList<>(lock.run(namespace, budget.lockWait(call), lease -> {
            // Read under the lock: the mesh-wide default is recorded beside the new settings.
            controlPlaneLabels.add(controlPlane.get(namespace).getMetadata().getLabels());
            return new NamespaceLock.Change(Injection.fromLabels(controlPlaneLabels.get(0)),
                    labelFrom(targets, namespace, wanted, live, options, lease.deadline()),
                    state -> state.withSetting(named, wanted));
        }).outcomes());
        metrics.record(outcomes);
        LOG.infof("namespace %s: injection %s in clusters %s only", namespace, wanted.encode(), summary(outcomes));
        history.namespaceChanged(current, ChangeHistory.reason(wanted), options.by(), wanted.encode() + " in " + named,
                outcomes);
        return MeshNamespace.of(namespace, controlPlaneLabels.get(0), withWanted(outcomes, wanted));
    }

    /**
     * Puts {@code wanted} on the namespace in each of {@code clusters} at once, from what {@code live}
     * read of them (in a dry run, asks their API servers instead), by {@code lease}; one outcome each.
     * A cluster that could not be read fails at once, so a silent cluster costs one deadline, not two.
     */
    private List<Outcome> labelFrom(List<DataPlane> clusters, String namespace, Injection wanted,
            Map<String, LiveReader.Live> live, ChangeOptions options, Deadline lease) {
        List<DataPlane> readable = clusters.stream().filter(c -> live.get(c.name()).failure() == null).toList();
        Map<String, Outcome> labelled = fanOut.acrossClusters(readable, lease, (cluster, d) -> {
            LiveReader.Live read = live.get(cluster.name());
            Namespace seen = read.namespace(namespace);
            Outcome outcome = seen == null ? Outcome.absent(cluster.name())
                    : new Outcome(cluster.name(), NamespaceLabeler.applyFromEarlierRead(cluster.client(), namespace, seen,
                            wanted, d, options.dryRun()), null);
            return check.annotate(outcome, read, namespace, wanted, options.force());
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
