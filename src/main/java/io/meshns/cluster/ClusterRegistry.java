package io.meshns.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Secret;
import io.meshns.config.MeshConfig;
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.meshns.mesh.LabelSelectors;
import io.meshns.mesh.Labels;
import io.meshns.mesh.Names;
import io.meshns.state.ClusterRecord;
import io.meshns.state.ClusterStore;

/** The data-plane clusters of the mesh: registered in the control plane, each with a reusable client. */
@ApplicationScoped
public class ClusterRegistry {

    private final ClusterStore store;
    private final DataPlaneClients clients;
    private final AccessChecks checks;
    /**
     * Each cluster's credentials Secret as last listed, beside the resourceVersion of the cluster's
     * ConfigMap it was listed with. Credentials change only with a new or changed ConfigMap
     * (registering again makes a new one; an update writes the Secret, then the ConfigMap): so a
     * Secret is reused while its cluster's ConfigMap is the same, and the registry costs one LIST (of
     * the ConfigMaps) per call. The ConfigMaps themselves are never cached: a cluster (de)registered
     * or updated through any instance is seen by the next call.
     */
    private final Map<String, KnownSecret> secrets = new java.util.concurrent.ConcurrentHashMap<>();

    private record KnownSecret(String clusterVersion, Secret secret) {
    }

    /** The clusters as {@link #dataPlanes()} last answered: a guess for reads that cannot wait for the LIST. */
    private volatile List<DataPlane> lastListed = List.of();

    public ClusterRegistry(ClusterStore store, DataPlaneClients clients, MeshConfig config) {
        this.store = store;
        this.clients = clients;
        this.checks = new AccessChecks(clients, config);
    }

    /** A new cluster to register, validated. */
    public record Registration(String name, String server, Credentials credentials, Map<String, String> labels) {
    }

    /**
     * What updateCluster changes, each part null when not given: the server, the labels, and the
     * credentials (given as a whole when any of token, caCert and kubeconfig is).
     */
    public record Update(String name, String server, Credentials credentials, Map<String, String> labels) {

        /** True when the update changes how the cluster is reached: what is new must be tried first. */
        boolean changesAccess() {
            return server != null || credentials != null;
        }

        ClusterRecord applyTo(ClusterRecord stored) {
            return new ClusterRecord(stored.name(), server != null ? server : stored.server(),
                    labels != null ? labels : stored.labels(), stored.registered());
        }
    }

    /** A cluster as an update left it (or, on a dry run, would leave it), with what kind of credentials it has. */
    public record Updated(ClusterRecord record, String credentialKind) {
    }

    /**
     * Changes a registered cluster in place: what is given replaces what is stored, the rest stays.
     * A new server or new credentials are tried first (one namespace read with a client of their
     * own): refused, unreachable or unusable, nothing is stored. A dry run runs the same checks and
     * has the API server check the writes (dryRun=All) without storing them.
     */
    public Updated update(Update update, boolean dryRun) {
        Names.requireValid("name", update.name());
        if (update.server() != null) {
            checks.requireValidServer(update.server());
        }
        if (update.labels() != null) {
            Labels.requireValid(update.labels());
        }
        if (update.credentials() != null) {
            AccessChecks.requireUsable(update.credentials());
        }
        ClusterStore.StoredCluster stored = store.storedCluster(update.name()).orElseThrow(() -> notRegistered(update.name()));
        ClusterRecord updated = update.applyTo(stored.record());
        Credentials credentials = update.credentials() != null ? update.credentials()
                : stored.secret() != null ? Credentials.fromSecret(stored.secret()) : new Credentials(null, null, null);
        if (update.changesAccess()) {
            checks.requireAccepted(updated, credentials);
        }
        Map<String, String> secretData = update.credentials() == null ? null : update.credentials().toSecretData();
        if (dryRun) {
            store.updateClusterDryRun(updated, secretData);
            return new Updated(updated, credentials.kind());
        }
        // Read again on this instance's next call, even if the ConfigMap write below does not happen.
        secrets.remove(update.name());
        ClusterRecord written = store.updateCluster(update.name(), update::applyTo, secretData);
        return new Updated(written, credentials.kind());
    }

    private static MeshException notRegistered(String name) {
        return ErrorCode.CLUSTER_NOT_FOUND.error("cluster \"" + name + "\" is not registered");
    }

    public ClusterRecord register(Registration registration) {
        ClusterRecord record = validated(registration);
        store.createCluster(record, registration.credentials().toSecretData());
        return record;
    }

    /** The same checks as {@link #register}, the writes checked by the API server (dryRun=All) and not made. */
    public ClusterRecord registerDryRun(Registration registration) {
        ClusterRecord record = validated(registration);
        store.createClusterDryRun(record, registration.credentials().toSecretData());
        return record;
    }

    /** A client for a cluster not (yet) registered, built from its credentials alone; see {@link #forgetTemporary}. */
    public DataPlane temporaryDataPlane(ClusterRecord cluster, Credentials credentials) {
        try {
            return DataPlane.ready(cluster.name(), clients.temporary(cluster.server(), credentials));
        } catch (RuntimeException e) {
            return DataPlane.broken(cluster.name(), "no client could be built from its credentials ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    public void forgetTemporary(DataPlane plane) {
        if (plane.client() != null) {
            plane.client().close();
        }
    }

    /** 404 unless a cluster of that name is registered. */
    public void requireRegistered(String name) {
        Names.requireValid("name", name);
        if (store.clusterConfigMap(name).isEmpty()) {
            throw notRegistered(name);
        }
    }

    private ClusterRecord validated(Registration registration) {
        Names.requireValid("name", registration.name());
        checks.requireValidServer(registration.server());
        Labels.requireValid(registration.labels());
        AccessChecks.requireUsable(registration.credentials());
        return new ClusterRecord(registration.name(), registration.server(), registration.labels(), Instant.now());
    }

    public void deregister(String name) {
        Names.requireValid("name", name);
        secrets.remove(name);
        if (!store.deleteCluster(name)) {
            throw notRegistered(name);
        }
        clients.forget(name);
    }

    public List<ClusterRecord> list() {
        return store.clusters();
    }

    /**
     * Checks a caller's list of clusters before anything changes: 400 when it is empty or a name is
     * not a cluster name, 404 naming every one that is not registered. Returns the names, deduplicated.
     */
    public Set<String> requireRegistered(List<String> names) {
        if (names.isEmpty()) {
            throw ErrorCode.EMPTY_CLUSTERS.error(
                    "'clusters' must name at least one registered cluster; leave it out to change every cluster");
        }
        Set<String> wanted = new LinkedHashSet<>();
        names.forEach(name -> wanted.add(Names.requireValid("clusters", name)));
        Set<String> registered = new TreeSet<>();
        store.clusters().forEach(cluster -> registered.add(cluster.name()));
        List<String> unknown = wanted.stream().filter(name -> !registered.contains(name)).toList();
        if (!unknown.isEmpty()) {
            throw ErrorCode.CLUSTER_NOT_FOUND.error((unknown.size() == 1 ? "cluster \"" + unknown.get(0)
                    + "\" is not registered" : "clusters " + unknown + " are not registered")
                    + "; registered clusters: " + registered);
        }
        return wanted;
    }

    /**
     * The names of the registered clusters whose labels {@code selector} selects, in name order: what
     * a call given "clusterSelector" acts on, as if it had named them. 404 naming the selector when
     * it selects none.
     */
    public List<String> select(LabelSelectors.Selector selector) {
        List<String> selected = new ArrayList<>(new TreeSet<>(store.clusters().stream()
                .filter(cluster -> selector.matches(cluster.labels())).map(ClusterRecord::name).toList()));
        if (selected.isEmpty()) {
            throw ErrorCode.CLUSTER_NOT_FOUND.error("no registered cluster matches 'clusterSelector' \""
                    + selector.text() + "\"; listClusters shows each cluster's labels");
        }
        return selected;
    }

    /** What kind of credentials each cluster has (token, kubeconfig, none), by cluster name. */
    public Map<String, String> credentialKinds() {
        Map<String, String> kinds = new java.util.TreeMap<>();
        store.clusterSecrets().forEach((name, secret) -> kinds.put(name, Credentials.fromSecret(secret).kind()));
        return kinds;
    }

    /**
     * Every registered cluster with its client, clients reused: one LIST in the control plane, and a
     * second (of the Secrets) only when a cluster is new to this instance or registered anew.
     */
    public List<DataPlane> dataPlanes() {
        List<ClusterStore.RegisteredCluster> registered = store.registeredClusters();
        Set<String> names = new java.util.HashSet<>();
        registered.forEach(c -> names.add(c.record().name()));
        secrets.keySet().retainAll(names);
        boolean allKnown = registered.stream().allMatch(c -> {
            KnownSecret known = secrets.get(c.record().name());
            return known != null && known.clusterVersion().equals(c.version());
        });
        if (!allKnown) {
            Map<String, Secret> listed = store.clusterSecrets();
            for (ClusterStore.RegisteredCluster c : registered) {
                Secret secret = listed.get(c.record().name());
                if (secret == null) {
                    // Not written yet (a registration in progress), or deleted: read again next call.
                    secrets.remove(c.record().name());
                } else {
                    secrets.put(c.record().name(), new KnownSecret(c.version(), secret));
                }
            }
        }
        List<DataPlane> planes = new ArrayList<>();
        for (ClusterStore.RegisteredCluster c : registered) {
            KnownSecret known = secrets.get(c.record().name());
            planes.add(dataPlane(c.record(), known == null ? null : known.secret()));
        }
        lastListed = List.copyOf(planes);
        return planes;
    }

    /**
     * The clusters as this instance last listed them, with their clients; no request, possibly stale
     * (empty before the first LIST). Only a guess: what is done with it must be checked against
     * {@link #dataPlanes()}, e.g. with {@link #sameClient}.
     */
    public List<DataPlane> lastListed() {
        return lastListed;
    }

    /** True when {@code earlier} reached the same cluster as {@code now}: same name, and the very same client. */
    public static boolean sameClient(DataPlane earlier, DataPlane now) {
        // A client is rebuilt whenever the cluster's server or Secret changes.
        return earlier.name().equals(now.name()) && earlier.client() != null && earlier.client() == now.client();
    }

    /**
     * The clusters of {@code now} that {@code read} (an earlier listing, e.g. {@link #lastListed()})
     * does not hold with the same client: registered since, or with new credentials. What was read of
     * the others still stands. Matched by name, in one pass.
     */
    public static List<DataPlane> unconfirmed(List<DataPlane> read, List<DataPlane> now) {
        Map<String, DataPlane> byName = new HashMap<>();
        read.forEach(cluster -> byName.put(cluster.name(), cluster));
        return now.stream().filter(cluster -> byName.get(cluster.name()) == null || !sameClient(byName.get(cluster.name()), cluster))
                .toList();
    }

    /** One cluster with its client, from its own Secret: one GET. */
    public DataPlane dataPlane(ClusterRecord cluster) {
        return dataPlane(cluster, store.clusterSecret(cluster.name()).orElse(null));
    }

    private DataPlane dataPlane(ClusterRecord cluster, Secret secret) {
        if (secret == null) {
            return DataPlane.broken(cluster.name(), "its credentials Secret is missing from " + store.namespace());
        }
        try {
            return DataPlane.ready(cluster.name(), clients.clientFor(cluster.name(), cluster.server(), secret));
        } catch (DataPlaneClients.UnusableCredentials e) {
            return DataPlane.broken(cluster.name(), e.getMessage());
        } catch (RuntimeException e) {
            // The exception may quote the credentials; only its type is reported.
            return DataPlane.broken(cluster.name(), "no client could be built from its credentials ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
