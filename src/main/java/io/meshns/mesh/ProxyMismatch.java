package io.meshns.mesh;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Does a running pod's proxy match the namespace's injection (IST0103 "pod missing proxy", and its
 * converse)? A label only affects pods created later, so a pod that does not match must be
 * restarted. Pure: one pod in, a reason or nothing out.
 */
public final class ProxyMismatch {

    public static final String PROXY_CONTAINER = "istio-proxy";
    static final String INJECT_OVERRIDE = "sidecar.istio.io/inject";
    static final String STATUS_ANNOTATION = "sidecar.istio.io/status";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProxyMismatch() {
    }

    /**
     * Why {@code pod} does not match {@code wanted}, or empty when it does (or will go away anyway).
     *
     * @param accepted the revisions whose proxy counts as the wanted one (see {@link InjectorPresence#acceptedRevisions})
     */
    public static Optional<String> of(Injection wanted, Set<String> accepted, Pod pod) {
        if (finished(pod)) {
            return Optional.empty();
        }
        boolean hasProxy = hasProxy(pod);
        boolean wantsProxy = wantsProxy(wanted, pod);
        if (wantsProxy && !hasProxy) {
            return Optional.of("no " + PROXY_CONTAINER + " container");
        }
        if (!wantsProxy && hasProxy) {
            return Optional.of("has an " + PROXY_CONTAINER + " container");
        }
        if (hasProxy) {
            String revision = proxyRevision(pod);
            // A proxy whose revision cannot be told is given the benefit of the doubt.
            if (revision != null && !accepted.contains(revision)) {
                return Optional.of("proxy of revision " + revision + ", wanted " + InjectorPresence.revisionOf(wanted));
            }
        }
        return Optional.empty();
    }

    /** A proxy as a container, or as a native sidecar (an init container that keeps running). */
    static boolean hasProxy(Pod pod) {
        if (pod.getSpec() == null) {
            return false;
        }
        return named(pod.getSpec().getContainers()) || named(pod.getSpec().getInitContainers());
    }

    private static boolean named(List<Container> containers) {
        return containers != null && containers.stream().anyMatch(c -> PROXY_CONTAINER.equals(c.getName()));
    }

    /**
     * Istio's injection decision for a pod of this namespace, in its order: a namespace that opts
     * out wins; then the pod's own sidecar.istio.io/inject; then the namespace's opt-in.
     */
    static boolean wantsProxy(Injection wanted, Pod pod) {
        String override = podOverride(pod);
        return switch (wanted.mode()) {
            case ENABLED -> !"false".equals(override);
            // Unlabelled namespaces inject only pods that ask (the default webhook's object selector).
            case UNSET -> "true".equals(override);
            // Disabled, and any mode without a sidecar (ambient): no proxy container.
            default -> false;
        };
    }

    private static String podOverride(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels != null && labels.containsKey(INJECT_OVERRIDE)) {
            return labels.get(INJECT_OVERRIDE);
        }
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(INJECT_OVERRIDE);
    }

    /** The revision that injected the proxy: the pod's istio.io/rev label, or the injector's status annotation. */
    static String proxyRevision(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels != null && labels.get(Injection.REVISION_LABEL) != null) {
            return labels.get(Injection.REVISION_LABEL);
        }
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String status = annotations == null ? null : annotations.get(STATUS_ANNOTATION);
        if (status == null) {
            return null;
        }
        try {
            JsonNode revision = JSON.readTree(status).get("revision");
            return revision == null || !revision.isTextual() ? null : revision.asText();
        } catch (Exception e) {
            return null;
        }
    }

    /** Pods on their way out need no restart. */
    private static boolean finished(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return pod.getMetadata().getDeletionTimestamp() != null || "Succeeded".equals(phase) || "Failed".equals(phase);
    }
}
