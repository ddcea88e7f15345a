package io.meshns.state;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.meshns.kube.CreationTimes;

/**
 * The registered data-plane clusters: per cluster, a ConfigMap with its record (never a credential)
 * and a Secret with its credentials, both named {@code cluster-<name>} in the state namespace.
 */
@ApplicationScoped
public class ClusterStore {

    public static final String CLUSTER_LABEL = "meshns.io/cluster";
    /** In a cluster's ConfigMap: the resourceVersion of the credentials Secret last stored with it. */
    static final String SECRET_VERSION = "secretVersion";

    private final KubernetesClient client;
    private final StateNamespace namespace;
    private final ConfigMapUpdates updates;

    public ClusterStore(KubernetesClient client, StateNamespace namespace) {
        this.client = client;
        this.namespace = namespace;
        // Never cached: a cluster (de)registered or updated through any instance is seen by the next call.
        this.updates = new ConfigMapUpdates(client, namespace, null);
    }

    /** The namespace the clusters are stored in. */
    public String namespace() {
        return namespace.name();
    }

    /** A registered cluster, with the resourceVersion of its ConfigMap (new on every registration). */
    public record RegisteredCluster(ClusterRecord record, String version) {
    }

    /** A registered cluster as stored: its record, and its credentials Secret (null when it is missing). */
    public record StoredCluster(ClusterRecord record, Secret secret) {
    }

    public List<ClusterRecord> clusters() {
        return registeredClusters().stream().map(RegisteredCluster::record).toList();
    }

    /** Every registered cluster, sorted by name: one LIST. */
    public List<RegisteredCluster> registeredClusters() {
        return StateNamespace.call("listing clusters", () -> configMaps().withLabel(CLUSTER_LABEL).list()
                .getItems().stream()
                .map(cm -> new RegisteredCluster(
                        StateCodec.decodeCluster(cm.getMetadata().getLabels().get(CLUSTER_LABEL), cm.getData()),
                        cm.getMetadata().getResourceVersion()))
                .sorted(Comparator.comparing(c -> c.record().name()))
                .toList());
    }

    /** A cluster's ConfigMap, if it is registered (the object its history Events are about). */
    public Optional<ConfigMap> clusterConfigMap(String name) {
        return StateNamespace.call("reading cluster " + name,
                () -> Optional.ofNullable(configMaps().withName(objectName(name)).get()));
    }

    /** One cluster's credentials Secret, if it has one. */
    public Optional<Secret> clusterSecret(String name) {
        return StateNamespace.call("reading the credentials of cluster " + name,
                () -> Optional.ofNullable(secrets().withName(objectName(name)).get()));
    }

    /** Credentials of every registered cluster, by cluster name: one LIST. */
    public Map<String, Secret> clusterSecrets() {
        return StateNamespace.call("reading cluster credentials", () -> {
            Map<String, Secret> secrets = new LinkedHashMap<>();
            for (Secret secret : secrets().withLabel(CLUSTER_LABEL).list().getItems()) {
                secrets.put(secret.getMetadata().getLabels().get(CLUSTER_LABEL), secret);
            }
            return secrets;
        });
    }

    /** A registered cluster with its Secret, if it is registered: two GETs. */
    public Optional<StoredCluster> storedCluster(String name) {
        return clusterConfigMap(name).map(cm -> new StoredCluster(StateCodec.decodeCluster(name, cm.getData()),
                clusterSecret(name).orElse(null)));
    }

    /**
     * The cluster's record, if it is registered and its ConfigMap was created at or after {@code time}
     * (a creationTimestamp of this API server): registered since then.
     */
    public Optional<ClusterRecord> clusterRegisteredSince(String name, Instant time) {
        return clusterConfigMap(name).filter(cm -> CreationTimes.atOrAfter(cm, time))
                .map(cm -> StateCodec.decodeCluster(name, cm.getData()));
    }

    /**
     * Stores a new cluster: its ConfigMap (409 if it exists), then its Secret with {@code secretData}
     * (base64 values). If the Secret cannot be written the ConfigMap is removed again.
     */
    public void createCluster(ClusterRecord cluster, Map<String, String> secretData) {
        namespace.ensureExists();
        String objectName = objectName(cluster.name());
        StateNamespace.call("registering cluster " + cluster.name(), () -> {
            try {
                configMaps().resource(newConfigMap(cluster)).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    throw alreadyRegistered(cluster.name());
                }
                throw e;
            }
            try {
                secrets().resource(newSecret(cluster.name(), secretData)).createOr(existing -> existing.update());
            } catch (KubernetesClientException e) {
                // Do not leave a cluster without credentials behind.
                configMaps().withName(objectName).delete();
                throw e;
            }
            return null;
        });
    }

    /**
     * What registering would do, checked by the API server (dryRun=All: validation, our rights),
     * storing nothing: 409 when the cluster exists.
     */
    public void createClusterDryRun(ClusterRecord cluster, Map<String, String> secretData) {
        if (clusterConfigMap(cluster.name()).isPresent()) {
            throw alreadyRegistered(cluster.name());
        }
        if (!namespace.exists()) {
            // The state namespace does not exist yet: a dry run cannot create it, nor check objects inside it.
            return;
        }
        StateNamespace.call("checking the registration of cluster " + cluster.name(), () -> {
            configMaps().resource(newConfigMap(cluster)).dryRun().create();
            secrets().resource(newSecret(cluster.name(), secretData)).dryRun().create();
            return null;
        });
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
        String secretVersion = secretData == null ? null : StateNamespace.call("storing the credentials of cluster " + name,
                () -> secrets().resource(newSecret(name, secretData)).createOr(existing -> existing.update())
                        .getMetadata().getResourceVersion());
        ClusterRecord[] written = { null };
        updates.update(objectName(name), Map.of(CLUSTER_LABEL, name), "updating cluster " + name, false, data -> {
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
                StateNamespace.call("removing the credentials of cluster " + name,
                        () -> secrets().withName(objectName(name)).delete());
            }
            throw ErrorCode.CLUSTER_NOT_FOUND.error("cluster \"" + name + "\" is not registered");
        }
        return written[0];
    }

    /**
     * What {@link #updateCluster} would write, checked by the API server (dryRun=All: validation, our
     * rights) and not stored; 404 when the cluster is not registered.
     */
    public void updateClusterDryRun(ClusterRecord updated, Map<String, String> secretData) {
        String name = updated.name();
        ConfigMap current = clusterConfigMap(name).orElseThrow(() -> ErrorCode.CLUSTER_NOT_FOUND.error("cluster \"" + name + "\" is not registered"));
        StateNamespace.call("checking the update of cluster " + name, () -> {
            configMaps().resource(new ConfigMapBuilder(current)
                    .withData(clusterData(updated, current.getData() == null ? null : current.getData().get(SECRET_VERSION)))
                    .build()).dryRun().update();
            if (secretData != null) {
                Secret secret = newSecret(name, secretData);
                if (secrets().withName(secret.getMetadata().getName()).get() == null) {
                    secrets().resource(secret).dryRun().create();
                } else {
                    secrets().resource(secret).dryRun().update();
                }
            }
            return null;
        });
    }

    /**
     * Removes a cluster's Secret, then its ConfigMap; false when neither was there. Credentials go
     * first: if the second delete fails, the cluster is still listed and a retry finishes the job.
     */
    public boolean deleteCluster(String name) {
        String objectName = objectName(name);
        return StateNamespace.call("deregistering cluster " + name, () -> {
            boolean hadSecret = !secrets().withName(objectName).delete().isEmpty();
            boolean hadConfigMap = !configMaps().withName(objectName).delete().isEmpty();
            return hadSecret || hadConfigMap;
        });
    }

    private static MeshException alreadyRegistered(String name) {
        return ErrorCode.CLUSTER_EXISTS.error("cluster \"" + name
                + "\" is already registered; deregister it first to change it");
    }

    /** A cluster's ConfigMap data: its record, and the resourceVersion of the Secret it goes with, if known. */
    private static Map<String, String> clusterData(ClusterRecord cluster, String secretVersion) {
        Map<String, String> data = new TreeMap<>(StateCodec.encode(cluster));
        if (secretVersion != null) {
            data.put(SECRET_VERSION, secretVersion);
        }
        return data;
    }

    private ConfigMap newConfigMap(ClusterRecord cluster) {
        return new ConfigMapBuilder().withMetadata(namespace.metadata(objectName(cluster.name()),
                Map.of(CLUSTER_LABEL, cluster.name()))).withData(StateCodec.encode(cluster)).build();
    }

    private Secret newSecret(String cluster, Map<String, String> secretData) {
        return new SecretBuilder().withMetadata(namespace.metadata(objectName(cluster), Map.of(CLUSTER_LABEL, cluster)))
                .withType("Opaque").withData(secretData).build();
    }

    private NonNamespaceOperation<ConfigMap, ConfigMapList, Resource<ConfigMap>> configMaps() {
        return client.configMaps().inNamespace(namespace.name());
    }

    private NonNamespaceOperation<Secret, SecretList, Resource<Secret>> secrets() {
        return client.secrets().inNamespace(namespace.name());
    }

    static String objectName(String name) {
        return "cluster-" + name;
    }
}
