package io.meshns.state;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.config.MeshConfig;
import io.meshns.error.MeshException;
import io.meshns.kube.CreationTimes;
import io.meshns.kube.KubeErrors;

/**
 * meshns' memory: ConfigMaps (and, for credentials, Secrets) in the control plane's state namespace.
 * Every write carries the resourceVersion it read, so concurrent instances never overwrite each other.
 */
@ApplicationScoped
public class StateStore {

    public static final String NAMESPACE_LABEL = "meshns.io/namespace";
    public static final String CLUSTER_LABEL = "meshns.io/cluster";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** In a cluster's ConfigMap: the resourceVersion of the credentials Secret last stored with it. */
    static final String SECRET_VERSION = "secretVersion";
    private static final int MAX_CONFLICT_RETRIES = 20;

    /** Namespace state ConfigMaps remembered at once (LRU): enough for every namespace of a large mesh. */
    private static final int KNOWN_STATES = 10_000;

    private final KubernetesClient client;
    private final String namespace;
    private volatile boolean namespaceSeen;
    /**
     * Each namespace state ConfigMap as this instance last read or wrote it. Only a first attempt
     * starts from it, and every write carries its resourceVersion: a copy that another instance
     * made stale gets a 409 (404 if deleted), and the write reads afresh. So a lock and its release
     * cost one write each on a warm instance, and a stale copy costs one extra read, never a lost update.
     */
    private final Map<String, ConfigMap> known = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ConfigMap> eldest) {
                    return size() > KNOWN_STATES;
                }
            });

    public StateStore(KubernetesClient client, MeshConfig config) {
        this.client = client;
        this.namespace = config.stateNamespace();
    }

    public String namespace() {
        return namespace;
    }

    // ---- per mesh namespace -------------------------------------------------------------------

    /** A namespace's state as stored, with the resourceVersion it was read at. */
    public record Stored(NamespaceState state, String version) {
    }

    /**
     * The resourceVersion of the namespace's state as this instance last read or wrote it (null:
     * none). A lock later applied to this very version proves nobody wrote the state in between.
     */
    public String rememberedVersion(String name) {
        ConfigMap cm = known.get(namespaceConfigMapName(name));
        return cm == null ? null : cm.getMetadata().getResourceVersion();
    }

    public Optional<NamespaceState> namespaceState(String name) {
        return call("reading the state of " + name, () -> Optional.ofNullable(namespaceConfigMap(name))
                .map(cm -> StateCodec.decodeNamespace(cm.getData())));
    }

    /** The state of every namespace that has one, by namespace name: one LIST. */
    public Map<String, Stored> allNamespaceStates() {
        return call("listing namespace state", () -> {
            Map<String, Stored> states = new LinkedHashMap<>();
            for (ConfigMap cm : namespaceStateConfigMaps()) {
                remember(cm.getMetadata().getName(), cm);
                states.put(cm.getMetadata().getLabels().get(NAMESPACE_LABEL),
                        new Stored(StateCodec.decodeNamespace(cm.getData()), cm.getMetadata().getResourceVersion()));
            }
            return states;
        });
    }

    /**
     * Every mesh namespace's intent by namespace: whether its state manages it, and its per-cluster
     * settings (a rollout's "clusters"); nothing else decoded.
     */
    public Map<String, NamespaceState.Intent> allNamespaceIntents() {
        return eachNamespaceState(StateCodec::decodeIntent);
    }

    /** What describeMesh needs of a namespace's state: its intent, and when reconcile last repaired it (null: never, as far as kept). */
    public record Overview(NamespaceState.Intent intent, String lastRepair) {

        public static final Overview NONE = new Overview(NamespaceState.Intent.NONE, null);
    }

    /** {@link #allNamespaceIntents()} with each namespace's last repair besides: the same one LIST. */
    public Map<String, Overview> allNamespaceOverviews() {
        return eachNamespaceState(data -> new Overview(StateCodec.decodeIntent(data), StateCodec.lastRepair(data)));
    }

    /** What {@code read} makes of each namespace's state data, by namespace name: one LIST. */
    private <T> Map<String, T> eachNamespaceState(java.util.function.Function<Map<String, String>, T> read) {
        return call("listing namespace state", () -> {
            Map<String, T> byNamespace = new HashMap<>();
            for (ConfigMap cm : namespaceStateConfigMaps()) {
                byNamespace.put(cm.getMetadata().getLabels().get(NAMESPACE_LABEL), read.apply(cm.getData()));
            }
            return byNamespace;
        });
    }

    /** Every namespace's state ConfigMap: one LIST. */
    private List<ConfigMap> namespaceStateConfigMaps() {
        return client.configMaps().inNamespace(namespace).withLabel(NAMESPACE_LABEL).list().getItems();
    }

    /**
     * Applies {@code change} to the namespace's state and stores it, creating the ConfigMap when
     * needed. On a conflict (another instance wrote first) it reads again and reapplies. A change
     * that returns the state it was given writes nothing.
     */
    public NamespaceState updateNamespaceState(String name, UnaryOperator<NamespaceState> change) {
        return updateNamespaceState(name, true, change).state();
    }

    /**
     * The same, only where the state exists: a ConfigMap deleted meanwhile (its namespace was
     * deleted) is never brought back, and a state left with nothing in it is deleted. Returns the
     * state written (EMPTY when there was none) and the resourceVersion the change was applied to.
     */
    public Stored updateExistingNamespaceState(String name, UnaryOperator<NamespaceState> change) {
        return updateNamespaceState(name, false, change);
    }

    /**
     * Like {@link #updateNamespaceState(String, UnaryOperator)}, also saying which resourceVersion
     * the change was applied to (null: the state did not exist yet).
     */
    public Stored applyToNamespaceState(String name, UnaryOperator<NamespaceState> change) {
        return updateNamespaceState(name, true, change);
    }

    private Stored updateNamespaceState(String name, boolean create, UnaryOperator<NamespaceState> change) {
        NamespaceState[] after = { NamespaceState.EMPTY };
        String read = updateConfigMap(namespaceConfigMapName(name), Map.of(NAMESPACE_LABEL, name),
                "writing the state of " + name, create, true, data -> {
                    if (data == null && !create) {
                        after[0] = NamespaceState.EMPTY;
                        return null;
                    }
                    NamespaceState before = data == null ? NamespaceState.EMPTY : StateCodec.decodeNamespace(data);
                    after[0] = change.apply(before);
                    if (data != null && after[0].equals(before)) {
                        return data;
                    }
                    return !create && after[0].isEmpty() ? null : StateCodec.encode(after[0]);
                });
        return new Stored(after[0], read);
    }

    /**
     * Stores {@code state} only if the ConfigMap is still at {@code version} (null: only if it does
     * not exist yet): false, and nothing written, when anything was written there since.
     */
    public boolean replaceNamespaceState(String name, String version, NamespaceState state) {
        ensureNamespace();
        String cmName = namespaceConfigMapName(name);
        return call("writing the state of " + name, () -> {
            try {
                if (version == null) {
                    remember(cmName, client.configMaps().inNamespace(namespace).resource(newConfigMap(cmName,
                            Map.of(NAMESPACE_LABEL, name), StateCodec.encode(state))).create());
                } else {
                    ConfigMap cm = newConfigMap(cmName, Map.of(NAMESPACE_LABEL, name), StateCodec.encode(state));
                    cm.getMetadata().setResourceVersion(version);
                    remember(cmName, client.configMaps().inNamespace(namespace).resource(cm).update());
                }
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 || e.getCode() == 404) {
                    known.remove(cmName);
                    return false;
                }
                throw e;
            }
        });
    }

    /**
     * Read-modify-write of one ConfigMap of the state namespace: {@code change} gets its data (null
     * when it does not exist yet) and returns the new data (null: delete it); the same data writes
     * nothing. On a conflict (another instance wrote first) it reads again and reapplies. A missing
     * ConfigMap is created only when {@code create}. Returns the resourceVersion the change was
     * applied to (null when there was none).
     */
    public String updateConfigMap(String name, Map<String, String> labels, String doing, boolean create,
            UnaryOperator<Map<String, String>> change) {
        return updateConfigMap(name, labels, doing, create, false, change);
    }

    /** The same; {@code fromKnown}: the first attempt starts from the copy this instance last read or wrote. */
    private String updateConfigMap(String name, Map<String, String> labels, String doing, boolean create,
            boolean fromKnown, UnaryOperator<Map<String, String>> change) {
        ensureNamespace();
        return call(doing, () -> {
            boolean useKnown = fromKnown;
            for (int attempt = 0;; attempt++) {
                ConfigMap current = useKnown ? known.get(name) : null;
                boolean wasKnown = current != null;
                useKnown = false;
                if (!wasKnown) {
                    current = client.configMaps().inNamespace(namespace).withName(name).get();
                    if (fromKnown) {
                        remember(name, current);
                    }
                }
                Map<String, String> before = current == null ? null : current.getData() == null ? Map.of() : current.getData();
                String version = current == null ? null : current.getMetadata().getResourceVersion();
                Map<String, String> after = change.apply(before);
                if (java.util.Objects.equals(after, before) || (after == null && current == null)) {
                    if (wasKnown) {
                        // "Nothing to write" is only an answer about the current object: read it.
                        continue;
                    }
                    return version;
                }
                try {
                    if (after == null) {
                        // Only the version read: what was written since is judged again.
                        client.configMaps().inNamespace(namespace).withName(name).lockResourceVersion(version).delete();
                        known.remove(name);
                    } else if (current == null) {
                        if (!create) {
                            return null;
                        }
                        ConfigMap created = client.configMaps().inNamespace(namespace).resource(newConfigMap(name, labels, after))
                                .create();
                        if (fromKnown) {
                            remember(name, created);
                        }
                    } else {
                        // A copy: the known one stays as it was read until the write succeeds.
                        ConfigMap updated = client.configMaps().inNamespace(namespace)
                                .resource(new ConfigMapBuilder(current).withData(after).build()).update();
                        if (fromKnown) {
                            remember(name, updated);
                        }
                    }
                    return version;
                } catch (KubernetesClientException e) {
                    known.remove(name);
                    if ((e.getCode() != 409 && e.getCode() != 404) || attempt >= MAX_CONFLICT_RETRIES) {
                        throw e;
                    }
                }
            }
        });
    }

    private ConfigMap newConfigMap(String name, Map<String, String> labels, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .addToLabels(MANAGED_BY, "meshns").endMetadata().withData(data).build();
    }

    /**
     * Deletes the history ConfigMap ({@code history-<name>}) that builds of main between issue 13 and
     * issue 11 kept beside the state; history now lives in the state itself. No release wrote one,
     * so this goes once those builds are gone. Best effort.
     */
    public void deleteLegacyHistory(String name) {
        try {
            client.configMaps().inNamespace(namespace).withName("history-" + name).delete();
        } catch (KubernetesClientException e) {
            // Only a leftover: the namespace's own state is gone already.
        }
    }

    public void deleteNamespaceState(String name) {
        known.remove(namespaceConfigMapName(name));
        call("deleting the state of " + name,
                () -> client.configMaps().inNamespace(namespace).withName(namespaceConfigMapName(name)).delete());
    }

    /** Deletes a namespace's state only if nothing was written to it since {@code version}; false if something was. */
    public boolean deleteNamespaceState(String name, String version) {
        known.remove(namespaceConfigMapName(name));
        return call("deleting the state of " + name, () -> {
            try {
                client.configMaps().inNamespace(namespace).withName(namespaceConfigMapName(name))
                        .lockResourceVersion(version).delete();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 || e.getCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    private ConfigMap namespaceConfigMap(String name) {
        String cmName = namespaceConfigMapName(name);
        return remember(cmName, client.configMaps().inNamespace(namespace).withName(cmName).get());
    }

    /** Keeps {@code cm} as the latest known copy of {@code name} (forgets it when null); returns it. */
    private ConfigMap remember(String name, ConfigMap cm) {
        if (cm == null) {
            known.remove(name);
        } else {
            known.put(name, cm);
        }
        return cm;
    }

    static String namespaceConfigMapName(String name) {
        return "namespace-" + name;
    }

    // ---- registered clusters ------------------------------------------------------------------

    public List<ClusterRecord> clusters() {
        return registeredClusters().stream().map(RegisteredCluster::record).toList();
    }

    /** A registered cluster, with the resourceVersion of its ConfigMap (new on every registration). */
    public record RegisteredCluster(ClusterRecord record, String version) {
    }

    /** Every registered cluster, sorted by name: one LIST. */
    public List<RegisteredCluster> registeredClusters() {
        return call("listing clusters", () -> client.configMaps().inNamespace(namespace).withLabel(CLUSTER_LABEL).list()
                .getItems().stream()
                .map(cm -> new RegisteredCluster(
                        StateCodec.decodeCluster(cm.getMetadata().getLabels().get(CLUSTER_LABEL), cm.getData()),
                        cm.getMetadata().getResourceVersion()))
                .sorted(java.util.Comparator.comparing(c -> c.record().name()))
                .toList());
    }

    /** One cluster's credentials Secret, if it has one. */
    public Optional<Secret> clusterSecret(String name) {
        return call("reading the credentials of cluster " + name, () -> Optional
                .ofNullable(client.secrets().inNamespace(namespace).withName(clusterObjectName(name)).get()));
    }

    /** Credentials of every registered cluster, by cluster name: one LIST. */
    public Map<String, Secret> clusterSecrets() {
        return call("reading cluster credentials", () -> {
            Map<String, Secret> secrets = new LinkedHashMap<>();
            for (Secret secret : client.secrets().inNamespace(namespace).withLabel(CLUSTER_LABEL).list().getItems()) {
                secrets.put(secret.getMetadata().getLabels().get(CLUSTER_LABEL), secret);
            }
            return secrets;
        });
    }

    /**
     * Stores a new cluster: its ConfigMap (409 if it exists), then its Secret with {@code secretData}
     * (base64 values). If the Secret cannot be written the ConfigMap is removed again.
     */
    public void createCluster(ClusterRecord cluster, Map<String, String> secretData) {
        ensureNamespace();
        String objectName = clusterObjectName(cluster.name());
        call("registering cluster " + cluster.name(), () -> {
            try {
                client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                        .withNewMetadata().withName(objectName).withNamespace(namespace)
                        .addToLabels(CLUSTER_LABEL, cluster.name()).addToLabels(MANAGED_BY, "meshns").endMetadata()
                        .withData(StateCodec.encode(cluster)).build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    throw MeshException.conflict("cluster-exists", "cluster \"" + cluster.name()
                            + "\" is already registered; deregister it first to change it");
                }
                throw e;
            }
            try {
                client.secrets().inNamespace(namespace).resource(newClusterSecret(cluster.name(), secretData))
                        .createOr(existing -> existing.update());
            } catch (KubernetesClientException e) {
                // Do not leave a cluster without credentials behind.
                client.configMaps().inNamespace(namespace).withName(objectName).delete();
                throw e;
            }
            return null;
        });
    }

    /**
     * Removes a cluster's Secret, then its ConfigMap; false when neither was there. Credentials go
     * first: if the second delete fails, the cluster is still listed and a retry finishes the job.
     */
    public boolean deleteCluster(String name) {
        String objectName = clusterObjectName(name);
        return call("deregistering cluster " + name, () -> {
            boolean hadSecret = !client.secrets().inNamespace(namespace).withName(objectName).delete().isEmpty();
            boolean hadConfigMap = !client.configMaps().inNamespace(namespace).withName(objectName).delete().isEmpty();
            return hadSecret || hadConfigMap;
        });
    }

    /**
     * The cluster's record, if it is registered and its ConfigMap was created at or after {@code time}
     * (a creationTimestamp of this API server): registered since then.
     */
    public Optional<ClusterRecord> clusterRegisteredSince(String name, Instant time) {
        return clusterConfigMap(name).filter(cm -> CreationTimes.atOrAfter(cm, time))
                .map(cm -> StateCodec.decodeCluster(name, cm.getData()));
    }

    /** A cluster's ConfigMap, if it is registered (the object its history Events are about). */
    public Optional<ConfigMap> clusterConfigMap(String name) {
        return call("reading cluster " + name, () -> Optional
                .ofNullable(client.configMaps().inNamespace(namespace).withName(clusterObjectName(name)).get()));
    }

    /**
     * What registering would do, checked by the API server (dryRun=All: validation, our rights),
     * storing nothing: 409 when the cluster exists.
     */
    public void createClusterDryRun(ClusterRecord cluster, Map<String, String> secretData) {
        String objectName = clusterObjectName(cluster.name());
        if (clusterConfigMap(cluster.name()).isPresent()) {
            throw MeshException.conflict("cluster-exists", "cluster \"" + cluster.name()
                    + "\" is already registered; deregister it first to change it");
        }
        if (client.namespaces().withName(namespace).get() == null) {
            // The state namespace does not exist yet: a dry run cannot create it, nor check objects inside it.
            return;
        }
        call("checking the registration of cluster " + cluster.name(), () -> {
            client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                    .withNewMetadata().withName(objectName).withNamespace(namespace)
                    .addToLabels(CLUSTER_LABEL, cluster.name()).addToLabels(MANAGED_BY, "meshns").endMetadata()
                    .withData(StateCodec.encode(cluster)).build()).dryRun().create();
            client.secrets().inNamespace(namespace).resource(newClusterSecret(cluster.name(), secretData)).dryRun().create();
            return null;
        });
    }

    /** A registered cluster as stored: its record, and its credentials Secret (null when it is missing). */
    public record StoredCluster(ClusterRecord record, Secret secret) {
    }

    /** A registered cluster with its Secret, if it is registered: two GETs. */
    public Optional<StoredCluster> storedCluster(String name) {
        return clusterConfigMap(name).map(cm -> new StoredCluster(StateCodec.decodeCluster(name, cm.getData()),
                clusterSecret(name).orElse(null)));
    }

    /**
     * Stores a registered cluster's new record and, unless {@code secretData} is null, its new
     * credentials (base64 values, replacing the old as a whole). The Secret is written first, then the
     * ConfigMap, which names the Secret's resourceVersion: so the ConfigMap changes whenever the
     * credentials do, and every instance, which reuses a Secret while its cluster's ConfigMap stays the
     * same, reads the new one on its next call. {@code change} is applied to the record as stored at
     * the write (read again on a conflict), so what it does not change stays as another call left it.
     * Returns the record written; 404 when the cluster is not registered.
     */
    public ClusterRecord updateCluster(String name, UnaryOperator<ClusterRecord> change, Map<String, String> secretData) {
        String secretVersion = secretData == null ? null : call("storing the credentials of cluster " + name,
                () -> client.secrets().inNamespace(namespace).resource(newClusterSecret(name, secretData))
                        .createOr(existing -> existing.update()).getMetadata().getResourceVersion());
        ClusterRecord[] written = { null };
        updateConfigMap(clusterObjectName(name), Map.of(CLUSTER_LABEL, name), "updating cluster " + name, false, data -> {
            if (data == null) {
                written[0] = null;
                return null;
            }
            written[0] = change.apply(StateCodec.decodeCluster(name, data));
            return clusterData(written[0], secretVersion != null ? secretVersion : data.get(SECRET_VERSION));
        });
        if (written[0] == null) {
            if (secretData != null) {
                // Deregistered meanwhile: the credentials just stored go with it.
                call("removing the credentials of cluster " + name,
                        () -> client.secrets().inNamespace(namespace).withName(clusterObjectName(name)).delete());
            }
            throw MeshException.notFound("cluster-not-found", "cluster \"" + name + "\" is not registered");
        }
        return written[0];
    }

    /**
     * What {@link #updateCluster} would write, checked by the API server (dryRun=All: validation, our
     * rights) and not stored; 404 when the cluster is not registered.
     */
    public void updateClusterDryRun(ClusterRecord updated, Map<String, String> secretData) {
        String name = updated.name();
        ConfigMap current = clusterConfigMap(name).orElseThrow(() -> MeshException.notFound("cluster-not-found",
                "cluster \"" + name + "\" is not registered"));
        call("checking the update of cluster " + name, () -> {
            client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder(current)
                    .withData(clusterData(updated, current.getData() == null ? null : current.getData().get(SECRET_VERSION)))
                    .build()).dryRun().update();
            if (secretData != null) {
                Secret secret = newClusterSecret(name, secretData);
                if (client.secrets().inNamespace(namespace).withName(secret.getMetadata().getName()).get() == null) {
                    client.secrets().inNamespace(namespace).resource(secret).dryRun().create();
                } else {
                    client.secrets().inNamespace(namespace).resource(secret).dryRun().update();
                }
            }
            return null;
        });
    }

    /** A cluster's ConfigMap data: its record, and the resourceVersion of the Secret it goes with, if known. */
    private static Map<String, String> clusterData(ClusterRecord cluster, String secretVersion) {
        Map<String, String> data = new java.util.TreeMap<>(StateCodec.encode(cluster));
        if (secretVersion != null) {
            data.put(SECRET_VERSION, secretVersion);
        }
        return data;
    }

    private Secret newClusterSecret(String cluster, Map<String, String> secretData) {
        return new SecretBuilder().withNewMetadata().withName(clusterObjectName(cluster)).withNamespace(namespace)
                .addToLabels(CLUSTER_LABEL, cluster).addToLabels(MANAGED_BY, "meshns").endMetadata()
                .withType("Opaque").withData(secretData).build();
    }

    static String clusterObjectName(String name) {
        return "cluster-" + name;
    }

    // ---- the state namespace itself -------------------------------------------------------------

    /** Creates the state namespace if it does not exist yet (checked once per instance). */
    public void ensureNamespace() {
        if (namespaceSeen) {
            return;
        }
        call("creating the state namespace " + namespace, () -> {
            if (client.namespaces().withName(namespace).get() == null) {
                try {
                    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                            .addToLabels(MANAGED_BY, "meshns").endMetadata().build()).create();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
            }
            return null;
        });
        namespaceSeen = true;
    }

    private static <T> T call(String doing, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw KubeErrors.controlPlane(e, doing);
        }
    }
}
