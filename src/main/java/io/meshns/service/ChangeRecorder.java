package io.meshns.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.meshns.history.ChangeHistory;
import io.meshns.mesh.Outcome;
import io.meshns.metrics.OutcomeMetrics;

/**
 * What follows any change once it is made: for a mesh namespace (after its lock is released) the
 * clusters' outcomes counted, one log line and its Event in the control plane, its history entry
 * having gone with the change's own record under the lock; for a cluster, one log line and its Event.
 */
@ApplicationScoped
public class ChangeRecorder {

    private static final Logger LOG = Logger.getLogger(ChangeRecorder.class);

    private final OutcomeMetrics metrics;
    private final ChangeHistory history;

    public ChangeRecorder(OutcomeMetrics metrics, ChangeHistory history) {
        this.metrics = metrics;
        this.history = history;
    }

    /** {@code namespace} changed ({@code reason}, e.g. InjectionEnabled) by {@code by}: {@code what}, with these outcomes. */
    public void namespaceChanged(Namespace namespace, String reason, String by, String what, List<Outcome> outcomes) {
        metrics.record(outcomes);
        LOG.infof("namespace %s: %s (%s) by %s; clusters %s", namespace.getMetadata().getName(), reason, what, by,
                summary(outcomes));
        history.namespaceChanged(namespace, reason, by, what, outcomes);
    }

    /** A mesh namespace created in the control plane (no data plane is touched). */
    public void namespaceCreated(Namespace namespace, String by) {
        LOG.infof("created namespace %s in the control plane, by %s", namespace.getMetadata().getName(), by);
        history.namespaceChanged(namespace, ChangeHistory.NAMESPACE_CREATED, by, null, List.of());
    }

    /** A mesh namespace deleted from the control plane (no data plane is touched). */
    public void namespaceDeleted(Namespace namespace, String by) {
        LOG.infof("deleted namespace %s from the control plane, by %s", namespace.getMetadata().getName(), by);
        history.namespaceDeleted(namespace, by);
    }

    /** A cluster registered, updated or deregistered ({@code what}: never a credential): logged, and an Event on its ConfigMap. */
    public void clusterChanged(HasMetadata configMap, String cluster, String reason, String by, String what) {
        LOG.infof("cluster %s %s, by %s", cluster, what, by);
        history.clusterChanged(configMap, cluster, reason, by, what);
    }

    /** Outcomes of a look that changed nothing (a reconcile that found a namespace in sync): counted only. */
    public void checked(List<Outcome> outcomes) {
        metrics.record(outcomes);
    }

    /** A dry run: logged, neither counted nor written down. */
    public void previewed(String namespace, String what, List<Outcome> outcomes) {
        LOG.infof("namespace %s: dry run of %s; clusters %s", namespace, what, summary(outcomes));
    }

    private static String summary(List<Outcome> outcomes) {
        return outcomes.stream().map(o -> o.cluster() + "=" + o.outcome().word()).toList().toString();
    }
}
