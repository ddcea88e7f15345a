package io.meshns.state;

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
    private static final int MAX_CONFLICT_RETRIES = 20;

    private final KubernetesClient client;
    private final String namespace;
    private volatile boolean namespaceSeen;

    public StateStore(KubernetesClient client, MeshConfig config) {
        this.client = client;
        this.namespace = config.stateNamespace();
    }

    public String namespace() {
        return namespace;
    }

    // ---- per mesh namespace -------------------------------------------------------------------

    public Optional<NamespaceState> namespaceState(String name) {
        return call("reading the state of " + name, () -> Optional.ofNullable(namespaceConfigMap(name))
                .map(cm -> StateCodec.decodeNamespace(cm.getData())));
    }

    /** The state of every namespace that has one, by namespace name: one LIST. */
    public Map<String, NamespaceState> allNamespaceStates() {
        return call("listing namespace state", () -> {
            Map<String, NamespaceState> states = new LinkedHashMap<>();
            for (ConfigMap cm : client.configMaps().inNamespace(namespace).withLabel(NAMESPACE_LABEL).list().getItems()) {
                states.put(cm.getMetadata().getLabels().get(NAMESPACE_LABEL), StateCodec.decodeNamespace(cm.getData()));
            }
            return states;
        });
    }

    /**
     * Applies {@code change} to the namespace's state and stores it, creating the ConfigMap when
     * needed. On a conflict (another instance wrote first) it reads again and reapplies. A change
     * that returns the state it was given writes nothing.
     */
    public NamespaceState updateNamespaceState(String name, UnaryOperator<NamespaceState> change) {
        NamespaceState[] after = { null };
        updateConfigMap(namespaceConfigMapName(name), Map.of(NAMESPACE_LABEL, name), "writing the state of " + name,
                data -> {
                    NamespaceState before = data == null ? NamespaceState.EMPTY : StateCodec.decodeNamespace(data);
                    after[0] = change.apply(before);
                    return data != null && after[0].equals(before) ? data : StateCodec.encode(after[0]);
                });
        return after[0];
    }

    /**
     * Read-modify-write of one ConfigMap of the state namespace: {@code change} gets its data (null
     * when it does not exist yet) and returns the new data; the same data writes nothing. On a
     * conflict (another instance wrote first) it reads again and reapplies.
     */
    public void updateConfigMap(String name, Map<String, String> labels, String doing,
            UnaryOperator<Map<String, String>> change) {
        ensureNamespace();
        call(doing, () -> {
            for (int attempt = 0;; attempt++) {
                ConfigMap current = client.configMaps().inNamespace(namespace).withName(name).get();
                Map<String, String> before = current == null ? null : current.getData() == null ? Map.of() : current.getData();
                Map<String, String> after = change.apply(before);
                if (after.equals(before)) {
                    return null;
                }
                try {
                    if (current == null) {
                        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                                .addToLabels(MANAGED_BY, "meshns").endMetadata().withData(after).build()).create();
                    } else {
                        current.setData(after);
                        client.configMaps().inNamespace(namespace).resource(current).update();
                    }
                    return null;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt >= MAX_CONFLICT_RETRIES) {
                        throw e;
                    }
                }
            }
        });
    }

    public void deleteNamespaceState(String name) {
        call("deleting the state of " + name,
                () -> client.configMaps().inNamespace(namespace).withName(namespaceConfigMapName(name)).delete());
    }

    private ConfigMap namespaceConfigMap(String name) {
        return client.configMaps().inNamespace(namespace).withName(namespaceConfigMapName(name)).get();
    }

    static String namespaceConfigMapName(String name) {
        return "namespace-" + name;
    }

    // ---- registered clusters ------------------------------------------------------------------

    public List<ClusterRecord> clusters() {
        return call("listing clusters", () -> client.configMaps().inNamespace(namespace).withLabel(CLUSTER_LABEL).list()
                .getItems().stream()
                .map(cm -> StateCodec.decodeCluster(cm.getMetadata().getLabels().get(CLUSTER_LABEL), cm.getData()))
                .sorted(java.util.Comparator.comparing(ClusterRecord::name))
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
            Secret secret = new SecretBuilder().withNewMetadata().withName(objectName).withNamespace(namespace)
                    .addToLabels(CLUSTER_LABEL, cluster.name()).addToLabels(MANAGED_BY, "meshns").endMetadata()
                    .withType("Opaque").withData(secretData).build();
            try {
                client.secrets().inNamespace(namespace).resource(secret).createOr(existing -> existing.update());
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
