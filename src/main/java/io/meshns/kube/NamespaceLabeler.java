package io.meshns.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;

/**
 * Puts a namespace's Istio labels into a wanted state on one cluster (kubectl label ns --overwrite),
 * touching no other label and never creating the namespace.
 */
public final class NamespaceLabeler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NamespaceLabeler() {
    }

    /**
     * Reads the namespace and, when its Istio labels differ, sends a JSON Patch for just those keys.
     * JSON Patch because it removes labels on every API server (a merge patch with null does not on
     * some, and strategic merge is not served by all). Transient failures are retried until the deadline.
     */
    public static Outcome.Result apply(KubernetesClient client, String namespace, Injection wanted, Deadline deadline) {
        return applyFrom(client, namespace, null, wanted, deadline);
    }

    /**
     * Same as {@link #apply}, starting from a copy already read (e.g. by one LIST of the whole
     * cluster) so the first attempt costs one PATCH at most; a retry reads the namespace afresh.
     */
    public static Outcome.Result applyFrom(KubernetesClient client, String namespace, Namespace alreadyRead,
            Injection wanted, Deadline deadline) {
        Namespace[] known = { alreadyRead };
        return deadline.retry(() -> {
            // Each request times out at the deadline: none is still on its way when the caller moves on.
            Namespace current = known[0] != null ? known[0] : deadline.bound(client).namespaces().withName(namespace).get();
            known[0] = null;
            if (current == null) {
                return Outcome.Result.ABSENT;
            }
            return patch(client, current, wanted, deadline);
        });
    }

    private static Outcome.Result patch(KubernetesClient client, Namespace current, Injection wanted, Deadline deadline) {
        Map<String, String> labels = current.getMetadata().getLabels();
        Injection.LabelChange change = wanted.changeFrom(labels);
        if (change.isEmpty()) {
            return Outcome.Result.UNCHANGED;
        }
        // resource(current): fabric8 would otherwise GET the namespace again before patching it. The
        // client is bounded by the deadline: this PATCH cannot still be on its way after it.
        var namespace = deadline.bound(client).namespaces().resource(current);
        if (labels == null || labels.isEmpty()) {
            // A namespace with no labels has no /metadata/labels for a JSON Patch to add keys under
            // (Kubernetes before 1.21 labels none, and anyone can remove them all): a merge patch
            // creates the map, and keeps any label that someone adds meanwhile.
            namespace.patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch(change));
        } else {
            namespace.patch(PatchContext.of(PatchType.JSON), jsonPatch(change));
        }
        return Outcome.Result.APPLIED;
    }

    /** Only adds: a namespace without labels has nothing to remove. */
    static String mergePatch(Injection.LabelChange change) {
        return json(Map.of("metadata", Map.of("labels", change.set())));
    }

    static String jsonPatch(Injection.LabelChange change) {
        List<Map<String, Object>> ops = new ArrayList<>();
        change.remove().forEach(key -> ops.add(Map.of("op", "remove", "path", labelPath(key))));
        change.set().forEach((key, value) -> ops.add(Map.of("op", "add", "path", labelPath(key), "value", value)));
        return json(ops);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String labelPath(String key) {
        // RFC 6901: '~' and '/' inside a key are escaped.
        return "/metadata/labels/" + key.replace("~", "~0").replace("/", "~1");
    }
}
