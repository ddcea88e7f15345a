package io.meshns.state;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Read-modify-write of single ConfigMaps of the state namespace. Every write carries the
 * resourceVersion it read, so concurrent instances never overwrite each other: on a conflict the
 * ConfigMap is read again and the change reapplied.
 */
final class ConfigMapUpdates {

    private static final int MAX_CONFLICT_RETRIES = 20;

    private final KubernetesClient client;
    private final StateNamespace namespace;
    /** Where a first attempt starts from, kept up to date by every read and write; null: always read first. */
    private final RememberedConfigMaps remembered;

    ConfigMapUpdates(KubernetesClient client, StateNamespace namespace, RememberedConfigMaps remembered) {
        this.client = client;
        this.namespace = namespace;
        this.remembered = remembered;
    }

    /**
     * {@code change} gets the ConfigMap's data (null when it does not exist yet) and returns the new
     * data (null: delete it); the same data writes nothing. A missing ConfigMap is created, with
     * {@code labels}, only when {@code create}. Returns the resourceVersion the change was applied to
     * (null when there was none).
     */
    String update(String name, Map<String, String> labels, String doing, boolean create,
            UnaryOperator<Map<String, String>> change) {
        namespace.ensureExists();
        String ns = namespace.name();
        return StateNamespace.call(doing, () -> {
            boolean useRemembered = remembered != null;
            for (int attempt = 0;; attempt++) {
                ConfigMap current = useRemembered ? remembered.get(name) : null;
                boolean wasRemembered = current != null;
                useRemembered = false;
                if (!wasRemembered) {
                    current = client.configMaps().inNamespace(ns).withName(name).get();
                    remember(name, current);
                }
                Map<String, String> before = current == null ? null : current.getData() == null ? Map.of() : current.getData();
                String version = current == null ? null : current.getMetadata().getResourceVersion();
                Map<String, String> after = change.apply(before);
                if (Objects.equals(after, before) || (after == null && current == null)) {
                    if (wasRemembered) {
                        // "Nothing to write" is only an answer about the current object: read it.
                        continue;
                    }
                    return version;
                }
                try {
                    if (after == null) {
                        // Only the version read: what was written since is judged again.
                        client.configMaps().inNamespace(ns).withName(name).lockResourceVersion(version).delete();
                        forget(name);
                    } else if (current == null) {
                        if (!create) {
                            return null;
                        }
                        remember(name, client.configMaps().inNamespace(ns)
                                .resource(new ConfigMapBuilder().withMetadata(namespace.metadata(name, labels)).withData(after)
                                        .build())
                                .create());
                    } else {
                        // A copy: the remembered one stays as it was read until the write succeeds.
                        remember(name, client.configMaps().inNamespace(ns)
                                .resource(new ConfigMapBuilder(current).withData(after).build()).update());
                    }
                    return version;
                } catch (KubernetesClientException e) {
                    forget(name);
                    if ((e.getCode() != 409 && e.getCode() != 404) || attempt >= MAX_CONFLICT_RETRIES) {
                        throw e;
                    }
                }
            }
        });
    }

    private void remember(String name, ConfigMap cm) {
        if (remembered != null) {
            remembered.remember(name, cm);
        }
    }

    private void forget(String name) {
        if (remembered != null) {
            remembered.forget(name);
        }
    }
}
