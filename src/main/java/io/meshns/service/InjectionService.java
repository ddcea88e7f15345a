package io.meshns.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.FanOut;
import io.meshns.config.CallBudget;
import io.meshns.kube.ControlPlane;
import io.meshns.kube.Deadline;
import io.meshns.kube.NamespaceLabeler;
import io.meshns.mesh.Injection;
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

    public InjectionService(ControlPlane controlPlane, ClusterRegistry registry, FanOut fanOut, NamespaceLock lock,
            ProtectedNamespaces protectedNamespaces, OutcomeMetrics metrics, CallBudget budget) {
        this.budget = budget;
        this.controlPlane = controlPlane;
        this.registry = registry;
        this.fanOut = fanOut;
        this.lock = lock;
        this.protectedNamespaces = protectedNamespaces;
        this.metrics = metrics;
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
        return change(namespace, wanted, null);
    }

    /**
     * Sets {@code wanted} mesh-wide when {@code clusters} is null; otherwise only in those clusters,
     * as their own setting, leaving the control plane (the mesh-wide default) as it is.
     */
    public MeshNamespace change(String namespace, Injection wanted, List<String> clusters) {
        Deadline call = Deadline.in(budget.call());
        Names.requireValid("namespace", namespace);
        protectedNamespaces.requireUnprotected(namespace);
        Map<String, String> before = controlPlane.get(namespace).getMetadata().getLabels();
        if (clusters != null) {
            return changeIn(namespace, wanted, registry.requireRegistered(clusters), call);
        }
        List<DataPlane> planes = registry.dataPlanes();

        // Every write below is bounded by the lease: none is sent, or still on its way, after it ends.
        List<Outcome> outcomes = new ArrayList<>(lock.run(namespace, budget.lockWait(call), lease -> {
            controlPlane.label(namespace, wanted, lease.deadline().min(Deadline.in(fanOut.timeout())));
            return new NamespaceLock.Change(wanted, labelIn(planes, namespace, wanted, lease.deadline()),
                    NamespaceState::withoutSettings);
        }).outcomes());
        metrics.record(outcomes);
        LOG.infof("namespace %s: injection %s; clusters %s", namespace, wanted.encode(), summary(outcomes));
        return MeshNamespace.of(namespace, wanted.changeFrom(before).applyTo(before), withWanted(outcomes, wanted));
    }

    private MeshNamespace changeIn(String namespace, Injection wanted, Set<String> names, Deadline call) {
        List<Map<String, String>> controlPlaneLabels = new ArrayList<>();
        List<DataPlane> targets = registry.dataPlanes().stream().filter(c -> names.contains(c.name())).toList();
        Set<String> named = targets.stream().map(DataPlane::name).collect(Collectors.toCollection(TreeSet::new));
        List<Outcome> outcomes = new ArrayList<>(lock.run(namespace, budget.lockWait(call), lease -> {
            // Read under the lock: the mesh-wide default is recorded beside the new settings.
            controlPlaneLabels.add(controlPlane.get(namespace).getMetadata().getLabels());
            return new NamespaceLock.Change(Injection.fromLabels(controlPlaneLabels.get(0)),
                    labelIn(targets, namespace, wanted, lease.deadline()), state -> state.withSetting(named, wanted));
        }).outcomes());
        metrics.record(outcomes);
        LOG.infof("namespace %s: injection %s in clusters %s only", namespace, wanted.encode(), summary(outcomes));
        return MeshNamespace.of(namespace, controlPlaneLabels.get(0), withWanted(outcomes, wanted));
    }

    /** Puts {@code wanted} on the namespace in each of {@code clusters} at once; one outcome each. */
    private List<Outcome> labelIn(List<DataPlane> clusters, String namespace, Injection wanted, Deadline lease) {
        return new ArrayList<>(fanOut.acrossClusters(clusters, lease,
                (cluster, deadline) -> new Outcome(cluster.name(),
                        NamespaceLabeler.apply(cluster.client(), namespace, wanted, deadline), null),
                (cluster, why) -> Outcome.failed(cluster.name(), why)).values());
    }

    private static List<Outcome> withWanted(List<Outcome> outcomes, Injection wanted) {
        return outcomes.stream().map(o -> o.withWanted(wanted)).toList();
    }

    private static String summary(List<Outcome> outcomes) {
        return outcomes.stream().map(o -> o.cluster() + "=" + o.outcome().word()).toList().toString();
    }
}
