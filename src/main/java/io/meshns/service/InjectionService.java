package io.meshns.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.FanOut;
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

/**
 * Enables, disables or removes sidecar injection for a mesh namespace: the control-plane namespace
 * first, then the same-named namespace in every data-plane cluster, in parallel, before returning.
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

    public InjectionService(ControlPlane controlPlane, ClusterRegistry registry, FanOut fanOut, NamespaceLock lock, ProtectedNamespaces protectedNamespaces, OutcomeMetrics metrics) {
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

    public MeshNamespace change(String namespace, Injection wanted) {
        Names.requireValid("namespace", namespace);
        protectedNamespaces.requireUnprotected(namespace);
        Map<String, String> before = controlPlane.get(namespace).getMetadata().getLabels();

        List<Outcome> outcomes = new ArrayList<>(lock.run(namespace, () -> {
            controlPlane.label(namespace, wanted, Deadline.in(fanOut.timeout()));
            return new NamespaceLock.Change(wanted, fanOut.acrossClusters(registry.dataPlanes(),
                    (cluster, deadline) -> new Outcome(cluster.name(),
                            NamespaceLabeler.apply(cluster.client(), namespace, wanted, deadline), null),
                    (cluster, why) -> Outcome.failed(cluster.name(), why)).values());
        }).outcomes());
        metrics.record(outcomes);
        LOG.infof("namespace %s: injection %s; clusters %s", namespace, wanted.encode(), summary(outcomes));
        return MeshNamespace.of(namespace, wanted.changeFrom(before).applyTo(before), outcomes);
    }

    private static String summary(List<Outcome> outcomes) {
        return outcomes.stream().map(o -> o.cluster() + "=" + o.outcome().word()).toList().toString();
    }
}
