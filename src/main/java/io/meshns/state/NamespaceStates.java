package io.meshns.state;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;

/**
 * Each mesh namespace's state (intent, per-cluster outcomes, lock, history): one ConfigMap per
 * namespace in the state namespace, remembered as last read or written. Every write carries the
 * resourceVersion it read, so concurrent instances never overwrite each other.
 */
@ApplicationScoped
public class NamespaceStates {

    public static final String NAMESPACE_LABEL = "meshns.io/namespace";

    /** Namespace state ConfigMaps remembered at once: enough for every namespace of a large mesh. */
    private static final int REMEMBERED_STATES = 10_000;

    private final KubernetesClient client;
    private final StateNamespace namespace;
    /**
     * Each namespace state ConfigMap as this instance last read or wrote it. Only a first attempt
     * starts from it, and every write carries its resourceVersion: a copy that another instance
     * made stale gets a 409 (404 if deleted), and the write reads afresh. So a lock and its release
     * cost one write each on a warm instance, and a stale copy costs one extra read, never a lost update.
     */
    private final RememberedConfigMaps remembered = new RememberedConfigMaps(REMEMBERED_STATES);
    private final ConfigMapUpdates updates;

    public NamespaceStates(KubernetesClient client, StateNamespace namespace) {
        this.client = client;
        this.namespace = namespace;
        this.updates = new ConfigMapUpdates(client, namespace, remembered);
    }

    /** A namespace's state as stored, with the resourceVersion it was read at. */
    public record Stored(NamespaceState state, String version) {
    }

    /** What describeMesh needs of a namespace's state: its intent, and when reconcile last repaired it (null: never, as far as kept). */
    public record Overview(NamespaceState.Intent intent, String lastRepair) {

        public static final Overview NONE = new Overview(NamespaceState.Intent.NONE, null);
    }

    /**
     * The resourceVersion of the namespace's state as this instance last read or wrote it (null:
     * none). A lock later applied to this very version proves nobody wrote the state in between.
     */
    public String rememberedVersion(String name) {
        ConfigMap cm = remembered.get(configMapName(name));
        return cm == null ? null : cm.getMetadata().getResourceVersion();
    }

    public Optional<NamespaceState> namespaceState(String name) {
        String cmName = configMapName(name);
        return StateNamespace.call("reading the state of " + name, () -> Optional
                .ofNullable(remembered.remember(cmName, configMaps().withName(cmName).get()))
                .map(cm -> StateCodec.decodeNamespace(cm.getData())));
    }

    /** The state of every namespace that has one, by namespace name: one LIST. */
    public Map<String, Stored> allNamespaceStates() {
        return StateNamespace.call("listing namespace state", () -> {
            Map<String, Stored> states = new LinkedHashMap<>();
            for (ConfigMap cm : stateConfigMaps()) {
                remembered.remember(cm.getMetadata().getName(), cm);
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

    /** {@link #allNamespaceIntents()} with each namespace's last repair besides: the same one LIST. */
    public Map<String, Overview> allNamespaceOverviews() {
        return eachNamespaceState(data -> new Overview(StateCodec.decodeIntent(data), StateCodec.lastRepair(data)));
    }

    /** What {@code read} makes of each namespace's state data, by namespace name: one LIST. */
    private <T> Map<String, T> eachNamespaceState(Function<Map<String, String>, T> read) {
        return StateNamespace.call("listing namespace state", () -> {
            Map<String, T> byNamespace = new HashMap<>();
            for (ConfigMap cm : stateConfigMaps()) {
                byNamespace.put(cm.getMetadata().getLabels().get(NAMESPACE_LABEL), read.apply(cm.getData()));
            }
            return byNamespace;
        });
    }

    /** Every namespace's state ConfigMap: one LIST. */
    private List<ConfigMap> stateConfigMaps() {
        return configMaps().withLabel(NAMESPACE_LABEL).list().getItems();
    }

    /**
     * Applies {@code change} to the namespace's state and stores it, creating the ConfigMap when
     * needed. On a conflict (another instance wrote first) it reads again and reapplies. A change
     * that returns the state it was given writes nothing.
     */
    public NamespaceState updateNamespaceState(String name, UnaryOperator<NamespaceState> change) {
        return update(name, true, change).state();
    }

    /**
     * The same, only where the state exists: a ConfigMap deleted meanwhile (its namespace was
     * deleted) is never brought back, and a state left with nothing in it is deleted. Returns the
     * state written (EMPTY when there was none) and the resourceVersion the change was applied to.
     */
    public Stored updateExistingNamespaceState(String name, UnaryOperator<NamespaceState> change) {
        return update(name, false, change);
    }

    /**
     * Like {@link #updateNamespaceState(String, UnaryOperator)}, also saying which resourceVersion
     * the change was applied to (null: the state did not exist yet).
     */
    public Stored applyToNamespaceState(String name, UnaryOperator<NamespaceState> change) {
        return update(name, true, change);
    }

    private Stored update(String name, boolean create, UnaryOperator<NamespaceState> change) {
        NamespaceState[] after = { NamespaceState.EMPTY };
        String read = updates.update(configMapName(name), Map.of(NAMESPACE_LABEL, name), "writing the state of " + name,
                create, data -> {
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
        namespace.ensureExists();
        String cmName = configMapName(name);
        return StateNamespace.call("writing the state of " + name, () -> {
            ConfigMap cm = new ConfigMapBuilder().withMetadata(namespace.metadata(cmName, Map.of(NAMESPACE_LABEL, name)))
                    .withData(StateCodec.encode(state)).build();
            try {
                if (version == null) {
                    remembered.remember(cmName, configMaps().resource(cm).create());
                } else {
                    cm.getMetadata().setResourceVersion(version);
                    remembered.remember(cmName, configMaps().resource(cm).update());
                }
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 || e.getCode() == 404) {
                    remembered.forget(cmName);
                    return false;
                }
                throw e;
            }
        });
    }

    public void deleteNamespaceState(String name) {
        remembered.forget(configMapName(name));
        StateNamespace.call("deleting the state of " + name, () -> configMaps().withName(configMapName(name)).delete());
    }

    /** Deletes a namespace's state only if nothing was written to it since {@code version}; false if something was. */
    public boolean deleteNamespaceState(String name, String version) {
        remembered.forget(configMapName(name));
        return StateNamespace.call("deleting the state of " + name, () -> {
            try {
                configMaps().withName(configMapName(name)).lockResourceVersion(version).delete();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 || e.getCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    private NonNamespaceOperation<ConfigMap, ConfigMapList, Resource<ConfigMap>> configMaps() {
        return client.configMaps().inNamespace(namespace.name());
    }

    static String configMapName(String name) {
        return "namespace-" + name;
    }
}
