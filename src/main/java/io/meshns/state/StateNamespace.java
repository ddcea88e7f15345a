package io.meshns.state;

import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.config.MeshConfig;
import io.meshns.kube.KubeErrors;

/**
 * The control-plane namespace that holds meshns' ConfigMaps and Secrets: created when first needed,
 * and the metadata every object in it carries.
 */
@ApplicationScoped
public class StateNamespace {

    /** On the namespace and on every object in it: what meshns owns, for kubectl and for clean-up. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MESHNS = "meshns";

    private final KubernetesClient client;
    private final String name;
    private volatile boolean seen;

    public StateNamespace(KubernetesClient client, MeshConfig config) {
        this.client = client;
        this.name = config.stateNamespace();
    }

    public String name() {
        return name;
    }

    /** Creates the state namespace if it does not exist yet (checked once per instance). */
    public void ensureExists() {
        if (seen) {
            return;
        }
        call("creating the state namespace " + name, () -> {
            if (client.namespaces().withName(name).get() == null) {
                try {
                    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                            .addToLabels(MANAGED_BY, MESHNS).endMetadata().build()).create();
                } catch (KubernetesClientException e) {
                    // Another instance created it first.
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
            }
            return null;
        });
        seen = true;
    }

    /** True when the state namespace exists: one GET, asked afresh, since a dry run must not create it. */
    public boolean exists() {
        return client.namespaces().withName(name).get() != null;
    }

    /** Metadata of a new object named {@code objectName} in the state namespace: {@code labels} and the managed-by label. */
    public ObjectMeta metadata(String objectName, Map<String, String> labels) {
        return new ObjectMetaBuilder().withName(objectName).withNamespace(name).withLabels(labels)
                .addToLabels(MANAGED_BY, MESHNS).build();
    }

    /** Runs a control-plane request; a failure becomes the error a caller sees, saying what was being done. */
    static <T> T call(String doing, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw KubeErrors.controlPlane(e, doing);
        }
    }
}
