package io.meshns.kube;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.mesh.Injection;

/**
 * The PATCH that puts a namespace's injection labels into a wanted state, touching no other label:
 * what kubectl label ns --overwrite sends, computed without a request.
 * <p>
 * A JSON Patch (RFC 6902) because it removes labels on every API server (a merge patch with null
 * does not on some, and strategic merge is not served by all). A namespace without labels has no
 * {@code /metadata/labels} for a JSON Patch to add keys under (Kubernetes before 1.21 labels none,
 * and anyone can remove them all): it gets a merge patch, which creates the map and keeps any label
 * someone adds meanwhile.
 */
public record LabelPatch(Kind kind, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Kind {
        JSON("application/json-patch+json"),
        MERGE("application/merge-patch+json");

        private final String contentType;

        Kind(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }
    }

    /**
     * The patch from {@code labels} to {@code wanted}; null when there is nothing to change. With
     * {@code expectedVersion}, the API server refuses it (422 for a JSON Patch's test op, 409 for a
     * merge patch's resourceVersion) when the namespace changed since that version.
     */
    public static LabelPatch of(Map<String, String> labels, Injection wanted, String expectedVersion) {
        Injection.LabelChange change = wanted.changeFrom(labels);
        if (change.isEmpty()) {
            return null;
        }
        if (labels == null || labels.isEmpty()) {
            Map<String, Object> metadata = new LinkedHashMap<>();
            if (expectedVersion != null) {
                metadata.put("resourceVersion", expectedVersion);
            }
            metadata.put("labels", change.set());
            return new LabelPatch(Kind.MERGE, json(Map.of("metadata", metadata)));
        }
        List<Map<String, Object>> ops = new ArrayList<>();
        if (expectedVersion != null) {
            ops.add(Map.of("op", "test", "path", "/metadata/resourceVersion", "value", expectedVersion));
        }
        ops.addAll(labelOps(change));
        return new LabelPatch(Kind.JSON, json(ops));
    }

    /**
     * A JSON Patch that applies only if the namespace is still at {@code version}: it sets
     * metadata.resourceVersion to that version, which the API server takes as a precondition (409
     * when the namespace changed since). Sent even with nothing to change (the version op alone),
     * because only the server can say a copy is current; {@link #changes} says whether it changes labels.
     */
    public static LabelPatch ifCurrent(Map<String, String> labels, String version, Injection wanted) {
        Injection.LabelChange change = wanted.changeFrom(labels);
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(Map.of("op", "replace", "path", "/metadata/resourceVersion", "value", version));
        if (!change.isEmpty()) {
            if (labels == null || labels.isEmpty()) {
                // No /metadata/labels to add keys under (the version proves there is none): add the whole map.
                ops.add(Map.of("op", "add", "path", "/metadata/labels", "value", change.set()));
            } else {
                ops.addAll(labelOps(change));
            }
        }
        return new LabelPatch(Kind.JSON, json(ops));
    }

    /** True when {@code wanted} changes any label of {@code labels}. */
    public static boolean changes(Map<String, String> labels, Injection wanted) {
        return !wanted.changeFrom(labels).isEmpty();
    }

    private static List<Map<String, Object>> labelOps(Injection.LabelChange change) {
        List<Map<String, Object>> ops = new ArrayList<>();
        change.remove().forEach(key -> ops.add(Map.of("op", "remove", "path", labelPath(key))));
        change.set().forEach((key, value) -> ops.add(Map.of("op", "add", "path", labelPath(key), "value", value)));
        return ops;
    }

    private static String labelPath(String key) {
        // RFC 6901: '~' and '/' inside a key are escaped.
        return "/metadata/labels/" + key.replace("~", "~0").replace("/", "~1");
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
