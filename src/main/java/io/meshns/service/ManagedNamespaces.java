package io.meshns.service;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Namespace;
import io.meshns.mesh.ProtectedNamespaces;
import io.meshns.mesh.Rollout;
import io.meshns.state.NamespaceState;

/** Which of the control plane's namespaces meshns manages, and what each cluster should have of each. */
final class ManagedNamespaces {

    private ManagedNamespaces() {
    }

    /**
     * Each managed namespace of {@code namespaces}, by name, with its rollout: its control-plane labels
     * and its {@code intents} (a name with none: {@link NamespaceState.Intent#NONE}). A namespace with
     * neither an injection label, nor a setting, nor a record is left alone everywhere, and so is a
     * protected one.
     */
    static Map<String, Rollout> of(List<Namespace> namespaces, Function<String, NamespaceState.Intent> intents,
            ProtectedNamespaces protectedNamespaces) {
        Map<String, Rollout> managed = new TreeMap<>();
        for (Namespace namespace : namespaces) {
            String name = namespace.getMetadata().getName();
            NamespaceState.Intent intent = intents.apply(name);
            Rollout rollout = intent.rollout(namespace.getMetadata().getLabels());
            if (rollout.managed(intent.manages()) && !protectedNamespaces.contains(name)) {
                managed.put(name, rollout);
            }
        }
        return managed;
    }
}
