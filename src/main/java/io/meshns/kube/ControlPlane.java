package io.meshns.kube;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;

/** The control plane's Namespace objects: the mesh namespaces themselves (kubectl get/create/delete/label ns). */
@ApplicationScoped
public class ControlPlane {

    /** Namespaces remembered at once (LRU). */
    private static final int KNOWN_NAMESPACES = 10_000;

    private final KubernetesClient client;
    /**
     * Each namespace as this instance last read or wrote it. Only a label change starts from it, with
     * a patch conditional on its resourceVersion: a copy that anyone else made stale costs one more
     * read, never a lost update, and a namespace deleted meanwhile answers 404 to that patch.
     */
    private final Map<String, Namespace> known = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Namespace> eldest) {
                    return size() > KNOWN_NAMESPACES;
                }
            });

    public ControlPlane(KubernetesClient client) {
        this.client = client;
    }

    public Optional<Namespace> find(String name) {
        return call("reading namespace " + name, () -> Optional.ofNullable(remember(name, client.namespaces().withName(name).get())));
    }

    /** The namespace, if it exists and was created at or after {@code time} (a creationTimestamp of this API server). */
    public Optional<Namespace> createdSince(String name, Instant time) {
        return find(name).filter(namespace -> CreationTimes.atOrAfter(namespace, time));
    }

    /** The namespace as this instance last read or wrote it, if it has; possibly stale. */
    public Optional<Namespace> lastKnown(String name) {
        return Optional.ofNullable(known.get(name));
    }

    private Namespace remember(String name, Namespace namespace) {
        if (namespace == null) {
            known.remove(name);
        } else {
            known.put(name, namespace);
        }
        return namespace;
    }

    public Namespace get(String name) {
        return find(name).orElseThrow(() -> notFound(name));
    }

    public List<Namespace> list(String labelSelector) {
        return call("listing namespaces", () -> {
            var namespaces = client.namespaces();
            var items = labelSelector == null || labelSelector.isBlank()
                    ? namespaces.list().getItems()
                    : namespaces.withLabelSelector(labelSelector).list().getItems();
            items.forEach(ns -> remember(ns.getMetadata().getName(), ns));
            return items;
        });
    }

    public Namespace create(String name, Map<String, String> labels) {
        Namespace wanted = new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
        try {
            return remember(name, client.namespaces().resource(wanted).create());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw ErrorCode.NAMESPACE_EXISTS.error("namespace \"" + name + "\" already exists in the control plane");
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
            throw ErrorCode.NAMESPACE_EXISTS.error("namespace \"" + name + "\" already exists in the control plane");
        }
        Namespace wanted = new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
        try {
            client.namespaces().resource(wanted).dryRun().create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw ErrorCode.NAMESPACE_EXISTS.error("namespace \"" + name + "\" already exists in the control plane");
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
        known.remove(name);
        return call("deleting namespace " + name, () -> !client.namespaces().withName(name).delete().isEmpty());
    }

    /**
     * Sets the namespace's injection labels and returns it as labelled; 404 when it does not exist.
     * Starts from the copy this instance last read or wrote (one PATCH, conditional on its
     * resourceVersion), and reads the namespace again only when that copy is missing or stale.
     */
    public Namespace label(String name, Injection wanted, Deadline deadline) {
        ControlPlaneLabeler.Labelled done = labelling(name,
                () -> ControlPlaneLabeler.apply(client, name, known.get(name), wanted, deadline));
        if (remember(name, done.after()) == null) {
            throw notFound(name);
        }
        return done.after();
    }

    /**
     * Sets the namespace's injection labels only if it is still exactly {@code seen}: one PATCH
     * conditional on its resourceVersion, no read. Empty when it changed since (or is gone), so that
     * a caller who judged from {@code seen} can read it again and judge again.
     */
    public Optional<Namespace> labelIfUnchanged(Namespace seen, Injection wanted, Deadline deadline) {
        String name = seen.getMetadata().getName();
        ControlPlaneLabeler.Labelled done = labelling(name,
                () -> ControlPlaneLabeler.applyIfUnchanged(client, seen, wanted, deadline));
        return done == null ? Optional.empty() : Optional.of(remember(name, done.after()));
    }

    /** What {@link #label} would do, checked by the API server (dryRun=All), storing nothing. */
    public Outcome.Result previewLabel(String name, Injection wanted, Deadline deadline) {
        Outcome.Result result = labelling(name, () -> ControlPlaneLabeler.preview(client, name, wanted, deadline));
        if (result == Outcome.Result.ABSENT) {
            throw notFound(name);
        }
        return result;
    }

    private static <T> T labelling(String name, Supplier<T> labelling) {
        try {
            return call("labelling namespace " + name, labelling);
        } catch (ControlPlaneLabeler.Stale e) {
            throw ErrorCode.CONTROL_PLANE_UNAVAILABLE.error(e.getMessage() + "; nothing was changed in any data plane", e);
        } catch (Deadline.Exceeded e) {
            throw ErrorCode.CONTROL_PLANE_UNAVAILABLE.error("the control plane did not answer in time while labelling namespace " + name
                    + "; nothing was changed in any data plane", e);
        }
    }

    private static MeshException notFound(String name) {
        return ErrorCode.NAMESPACE_NOT_FOUND.error("namespace \"" + name + "\" does not exist in the control plane");
    }

    private static <T> T call(String doing, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw KubeErrors.controlPlane(e, doing);
        }
    }
}
