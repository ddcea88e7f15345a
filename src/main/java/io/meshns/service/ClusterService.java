package io.meshns.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.meshns.cluster.Cluster;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.state.ClusterRecord;
import io.meshns.state.StateStore;

/** Registers and lists data-plane clusters, as callers see them (never with credentials). */
@ApplicationScoped
public class ClusterService {

    private static final Logger LOG = Logger.getLogger(ClusterService.class);

    private final ClusterRegistry registry;
    private final ReconcileService reconcile;
    private final StateStore store;

    public ClusterService(ClusterRegistry registry, ReconcileService reconcile, StateStore store) {
        this.registry = registry;
        this.reconcile = reconcile;
        this.store = store;
    }

    /** Registers a cluster and brings it up to date at once, so nobody has to remember to reconcile. */
    public Cluster register(ClusterRegistry.Registration registration) {
        ClusterRecord record = registry.register(registration);
        Cluster cluster = view(record, registration.credentials().kind());
        try {
            // A cluster registered again under an old name starts from the mesh-wide default, even if
            // forgetting its settings at deregistration did not finish.
            forgetSettings(record.name());
            List<Cluster.NamespaceOutcome> outcomes = new ArrayList<>();
            for (ReconcileService.NamespaceResult result : reconcile.resync(registry.dataPlane(record)).results()) {
                result.clusters().forEach(o -> outcomes.add(
                        new Cluster.NamespaceOutcome(result.namespace(), o.outcome().word(), o.message())));
            }
            return withResync(cluster, outcomes, "done");
        } catch (RuntimeException e) {
            // The registration stands; the scheduled reconcile finishes what could not be done now.
            LOG.warnf("cluster %s registered, but bringing it up to date failed: %s", record.name(), e.getMessage());
            return withResync(cluster, List.of(), "failed: " + e.getMessage() + "; the next reconcile retries");
        }
    }

    private static Cluster withResync(Cluster cluster, List<Cluster.NamespaceOutcome> outcomes, String resync) {
        return new Cluster(cluster.name(), cluster.server(), cluster.labels(), cluster.credentials(), cluster.registered(),
                outcomes, resync);
    }

    public void deregister(String name) {
        registry.deregister(name);
        try {
            forgetSettings(name);
        } catch (RuntimeException e) {
            // The cluster is gone; registering one under this name clears what is left.
            LOG.warnf("cluster %s deregistered, but forgetting its per-namespace settings failed: %s", name,
                    e.getMessage());
        }
    }

    /** Drops the cluster's own setting from every namespace that has one: one LIST, one write each. */
    private void forgetSettings(String cluster) {
        store.allNamespaceStates().forEach((namespace, stored) -> {
            if (stored.state().settings().containsKey(cluster)) {
                store.updateExistingNamespaceState(namespace, current -> current.withoutSetting(cluster));
            }
        });
    }

    public List<Cluster> list() {
        Map<String, String> kinds = registry.credentialKinds();
        return registry.list().stream().map(record -> view(record, kinds.getOrDefault(record.name(), "missing"))).toList();
    }

    static Cluster view(ClusterRecord record, String credentialKind) {
        return new Cluster(record.name(), record.server(), record.labels(), credentialKind,
                record.registered() == null ? null : record.registered().toString(), null, null);
    }
}
