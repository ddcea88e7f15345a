package io.meshns.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.meshns.cluster.Cluster;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.history.ChangeHistory;
import io.meshns.kube.KubeErrors;
import io.meshns.state.ClusterRecord;
import io.meshns.state.ClusterStore;
import io.meshns.state.NamespaceStates;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Registers and lists data-plane clusters, as callers see them (never with credentials). */
@ApplicationScoped
public class ClusterService {

    private static final Logger LOG = Logger.getLogger(ClusterService.class);

    private final ClusterRegistry registry;
    private final ReconcileService reconcile;
    private final ChangeRecorder recorder;
    private final NamespaceStates store;
    private final ClusterStore clusterStore;

    public ClusterService(ClusterRegistry registry, ReconcileService reconcile, ChangeRecorder recorder, NamespaceStates store,
            ClusterStore clusterStore) {
        this.registry = registry;
        this.reconcile = reconcile;
        this.recorder = recorder;
        this.store = store;
        this.clusterStore = clusterStore;
    }

    /**
     * Registers a cluster and brings it up to date at once, so nobody has to remember to reconcile.
     * A dry run checks the registration with the API server and reaches the cluster with a client
     * of its own to say what bringing it up to date would do, storing nothing.
     */
    public Cluster register(ClusterRegistry.Registration registration, ChangeOptions options) {
        if (options.dryRun()) {
            ClusterRecord record = registry.registerDryRun(registration);
            DataPlane plane = registry.temporaryDataPlane(record, registration.credentials());
            try {
                return withResync(view(record, registration.credentials().kind()), outcomes(reconcile.resync(plane, options)),
                        "dry run", true);
            } finally {
                registry.forgetTemporary(plane);
            }
        }
        ClusterRecord record = registry.register(registration);
        recorder.clusterChanged(clusterStore.clusterConfigMap(record.name()).orElse(null), record.name(),
                ChangeHistory.CLUSTER_REGISTERED, options.by(), "registered at " + record.server() + " with "
                        + registration.credentials().kind() + " credentials");
        Cluster cluster = view(record, registration.credentials().kind());
        try {
            // A cluster registered again under an old name starts from the mesh-wide default, even if
            // forgetting its settings at deregistration did not finish.
            forget(record.name(), settingsOf(record.name()));
            return withResync(cluster, outcomes(reconcile.resync(registry.dataPlane(record), options)), "done", false);
        } catch (RuntimeException e) {
            // The registration stands; the scheduled reconcile finishes what could not be done now.
            String why = KubeErrors.describe(e);
            LOG.warnf("cluster %s registered, but bringing it up to date failed: %s", record.name(), why);
            return withResync(cluster, List.of(), "failed: " + why + "; the next reconcile retries", false);
        }
    }

    /**
     * What {@link #register} answered, if the cluster was registered at or after {@code time}: by an
     * earlier delivery of the same event, first claimed then. The cluster as registered; whether that
     * delivery brought it up to date is not known, and the next reconcile does it in any case.
     */
    public Optional<Cluster> registeredSince(ClusterRegistry.Registration registration, Instant time) {
        return clusterStore.clusterRegisteredSince(registration.name(), time)
                .map(record -> withResync(view(record, registration.credentials().kind()), null,
                        "not known: an earlier delivery of this event registered the cluster; the next reconcile brings it "
                                + "up to date", false));
    }

    private static List<Cluster.NamespaceOutcome> outcomes(ReconcileService.Report report) {
        List<Cluster.NamespaceOutcome> outcomes = new ArrayList<>();
        for (ReconcileService.NamespaceResult result : report.results()) {
                result.clusters().forEach(o -> outcomes.add(
                    new Cluster.NamespaceOutcome(result.namespace(), o.outcome().word(), o.message())));
        }
        return outcomes;
    }

    private static Cluster withResync(Cluster cluster, List<Cluster.NamespaceOutcome> outcomes, String resync, boolean dryRun) {
        return new Cluster(cluster.name(), cluster.server(), cluster.labels(), cluster.credentials(), cluster.registered(),
                outcomes, resync, dryRun ? Boolean.TRUE : null);
    }

    /**
     * Changes a registered cluster in place (its server, labels or credentials), after trying what is
     * new against the cluster. Per-cluster settings and recorded outcomes, kept in the namespaces'
     * state under the cluster's name, are not touched. A dry run checks the same and stores nothing.
     */
    public Cluster update(ClusterRegistry.Update update, ChangeOptions options) {
        ClusterRegistry.Updated updated = registry.update(update, options.dryRun());
        Cluster cluster = view(updated.record(), updated.credentialKind());
        if (options.dryRun()) {
            return withResync(cluster, null, null, true);
        }
        recorder.clusterChanged(clusterStore.clusterConfigMap(update.name()).orElse(null), update.name(),
                ChangeHistory.CLUSTER_UPDATED, options.by(), "updated (" + changed(update) + ")");
        return cluster;
    }

    /** What an update changed, safe for an Event: the parts given, never a credential. */
    private static String changed(ClusterRegistry.Update update) {
        List<String> parts = new ArrayList<>();
        if (update.server() != null) {
            parts.add("server " + update.server());
        }
        if (update.labels() != null) {
            parts.add("labels " + update.labels());
        }
        if (update.credentials() != null) {
            parts.add("new " + update.credentials().kind() + " credentials");
        }
        return parts.isEmpty() ? "nothing given" : String.join(", ", parts);
    }

    /** A per-cluster setting that deregistering a cluster drops: the namespace, and what that cluster was to have there. */
    @RegisterForReflection
    public record Forgotten(String namespace, String wanted) {
    }

    /**
     * Deregisters a cluster and drops its per-cluster settings; answers those settings. A dry run
     * only checks that it is registered and answers the settings it would drop.
     */
    public List<Forgotten> deregister(String name, ChangeOptions options) {
        if (options.dryRun()) {
            registry.requireRegistered(name);
            return settingsOf(name);
        }
        // Read before anything changes, so the answer says what goes, and a failure changes nothing.
        List<Forgotten> forgets = settingsOf(name);
        var configMap = clusterStore.clusterConfigMap(name).orElse(null);
        registry.deregister(name);
        recorder.clusterChanged(configMap, name, ChangeHistory.CLUSTER_DEREGISTERED, options.by(), "deregistered");
        try {
            forget(name, forgets);
        } catch (RuntimeException e) {
            // The cluster is gone; registering one under this name clears what is left.
            LOG.warnf("cluster %s deregistered, but forgetting its per-namespace settings failed: %s", name,
                    KubeErrors.describe(e));
        }
        return forgets;
    }

    /** The cluster's own settings, by namespace name: one LIST. */
    private List<Forgotten> settingsOf(String cluster) {
        List<Forgotten> settings = new ArrayList<>();
        store.allNamespaceIntents().forEach((namespace, intent) -> {
            var byCluster = intent.settings();
            if (byCluster.containsKey(cluster)) {
                settings.add(new Forgotten(namespace, byCluster.get(cluster).encode()));
            }
        });
        settings.sort(java.util.Comparator.comparing(Forgotten::namespace));
        return settings;
    }

    /** Drops {@code cluster}'s own setting from each namespace of {@code settings}: one write each. */
    private void forget(String cluster, List<Forgotten> settings) {
        settings.forEach(setting -> store.updateExistingNamespaceState(setting.namespace(),
                current -> current.withoutSetting(cluster)));
    }

    public List<Cluster> list() {
        Map<String, String> kinds = registry.credentialKinds();
        return registry.list().stream().map(record -> view(record, kinds.getOrDefault(record.name(), "missing"))).toList();
    }

    static Cluster view(ClusterRecord record, String credentialKind) {
        return new Cluster(record.name(), record.server(), record.labels(), credentialKind,
                record.registered() == null ? null : record.registered().toString(), null, null, null);
    }
}
