package io.meshns.kube;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.error.MeshException;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;

/** The control plane's Namespace objects: the mesh namespaces themselves (kubectl get/create/delete/label ns). */
@ApplicationScoped
public class ControlPlane {

    private final KubernetesClient client;

    public ControlPlane(KubernetesClient client) {
        this.client = client;
    }

    public Optional<Namespace> find(String name) {
        return call("reading namespace " + name, () -> Optional.ofNullable(client.namespaces().withName(name).get()));
    }

    public Namespace get(String name) {
        return find(name).orElseThrow(() -> MeshException.notFound("namespace-not-found",
                "namespace \"" + name + "\" does not exist in the control plane"));
    }

    public List<Namespace> list(String labelSelector) {
        return call("listing namespaces", () -> {
            var namespaces = client.namespaces();
            var items = labelSelector == null || labelSelector.isBlank()
                    ? namespaces.list().getItems()
                    : namespaces.withLabelSelector(labelSelector).list().getItems();
            return items;
        });
    }

    public Namespace create(String name, Map<String, String> labels) {
        Namespace wanted = new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
        try {
            return client.namespaces().resource(wanted).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw MeshException.conflict("namespace-exists", "namespace \"" + name + "\" already exists in the control plane");
            }
            throw KubeErrors.controlPlane(e, "creating namespace " + name);
        }
    }

    /**
     * What create would answer, from the API server itself (dryRun=All: its validation and
     * admission, our right to create), storing nothing; 409 when the namespace exists.
     */
    public void createDryRun(String name, Map<String, String> labels) {
        if (find(name).isPresent()) {
            throw MeshException.conflict("namespace-exists", "namespace \"" + name + "\" already exists in the control plane");
        }
        Namespace wanted = new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
        try {
            client.namespaces().resource(wanted).dryRun().create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw MeshException.conflict("namespace-exists", "namespace \"" + name + "\" already exists in the control plane");
            }
            throw KubeErrors.controlPlane(e, "checking the creation of namespace " + name);
        }
    }

    /** What delete would do, checked by the API server (dryRun=All), deleting nothing. */
    public void deleteDryRun(String name) {
        call("checking the deletion of namespace " + name, () -> client.namespaces().withName(name).dryRun().delete());
    }

    /** Deletes the namespace; false when it was already gone. */
    public boolean delete(String name) {
        return call("deleting namespace " + name, () -> !client.namespaces().withName(name).delete().isEmpty());
    }

    /** Sets the namespace's Istio labels; 404 when it does not exist. */
    public Outcome.Result label(String name, Injection wanted, Deadline deadline) {
        return label(name, wanted, deadline, false);
    }

    /** The same; with {@code dryRun} the API server checks the patch (dryRun=All) and stores nothing. */
    public Outcome.Result label(String name, Injection wanted, Deadline deadline, boolean dryRun) {
        Outcome.Result result;
        try {
            result = call("labelling namespace " + name,
                    () -> NamespaceLabeler.applyFrom(client, name, null, wanted, deadline, dryRun));
        } catch (Deadline.Exceeded e) {
            throw MeshException.unavailable("the control plane did not answer in time while labelling namespace " + name
                    + "; nothing was changed in any data plane", e);
        }
        if (result == Outcome.Result.ABSENT) {
            throw MeshException.notFound("namespace-not-found", "namespace \"" + name + "\" does not exist in the control plane");
        }
        return result;
    }

    private static <T> T call(String doing, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw KubeErrors.controlPlane(e, doing);
        }
    }
}
