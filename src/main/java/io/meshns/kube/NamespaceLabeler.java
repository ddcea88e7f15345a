package io.meshns.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
        return applyFrom(client, namespace, alreadyRead, wanted, deadline, false);
    }

    /**
     * With {@code dryRun}, the patch is sent with dryRun=All: the API server validates it, checks
     * the right to make it and stores nothing; APPLIED then means "would change".
     */
    public static Outcome.Result applyFrom(KubernetesClient client, String namespace, Namespace alreadyRead,
            Injection wanted, Deadline deadline, boolean dryRun) {
        return join(applyFromAsync(client, namespace, alreadyRead, wanted, deadline, dryRun));
    }

    /**
     * {@link #applyFrom}, without a thread waiting for the cluster: the outcome comes when its
     * answers do. Each request times out at the deadline; transient failures are retried until then.
     */
    public static CompletableFuture<Outcome.Result> applyFromAsync(KubernetesClient client, String namespace,
            Namespace alreadyRead, Injection wanted, Deadline deadline, boolean dryRun) {
        Namespace[] known = { alreadyRead };
        return deadline.retryAsync(() -> {
            CompletableFuture<Namespace> current = known[0] != null ? CompletableFuture.completedFuture(known[0])
                    : ClusterRequests.namespace(client, namespace, deadline);
            known[0] = null;
            return current.thenCompose(ns -> ns == null ? CompletableFuture.completedFuture(Outcome.Result.ABSENT)
                    : patch(client, ns, wanted, deadline, dryRun, null));
        }, ClusterRequests.work());
    }

    /**
     * Same as {@link #applyFromAsync}, from a copy read before the caller took the namespace's lock: the
     * patch carries that copy's resourceVersion as a precondition (a JSON Patch test, a merge patch's
     * resourceVersion), and a copy with nothing to change is checked with a fresh GET, so a change
     * made between the read and the lock is never overwritten nor reported as unchanged. Costs one
     * request, as the patch alone would; a stale copy costs a GET and a patch more.
     */
    public static CompletableFuture<Outcome.Result> applyFromEarlierReadAsync(KubernetesClient client, String namespace,
            Namespace earlier, Injection wanted, Deadline deadline, boolean dryRun) {
        return applyFromReadAsync(client, namespace, earlier, false, wanted, deadline, dryRun);
    }

    /**
     * The same, from a copy that no other change of meshns can have made stale (read under the
     * namespace's lock, or proven current when the lock was taken): a copy with nothing to change
     * is taken as it is, like {@link #apply}; a patch is still conditional on its resourceVersion,
     * so a hand edit since is never overwritten.
     */
    public static CompletableFuture<Outcome.Result> applyFromCurrentReadAsync(KubernetesClient client, String namespace,
            Namespace read, Injection wanted, Deadline deadline) {
        return applyFromReadAsync(client, namespace, read, true, wanted, deadline, false);
    }

    private static CompletableFuture<Outcome.Result> applyFromReadAsync(KubernetesClient client, String namespace,
            Namespace earlier, boolean current, Injection wanted, Deadline deadline, boolean dryRun) {
        if (earlier != null && current && wanted.changeFrom(earlier.getMetadata().getLabels()).isEmpty()) {
            return CompletableFuture.completedFuture(Outcome.Result.UNCHANGED);
        }
        if (earlier == null || wanted.changeFrom(earlier.getMetadata().getLabels()).isEmpty()) {
            return applyFromAsync(client, namespace, null, wanted, deadline, dryRun);
        }
        CompletableFuture<Outcome.Result> first;
        try {
            first = patch(client, earlier, wanted, deadline, dryRun, earlier.getMetadata().getResourceVersion());
        } catch (RuntimeException e) {
            first = CompletableFuture.failedFuture(e);
        }
        return first.handle((result, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(result);
            }
            Throwable failure = Deadline.unwrap(error);
            if (failure instanceof KubernetesClientException e
                    && (e.getCode() == 409 || e.getCode() == 422 || KubeErrors.isTransient(e))) {
                // Changed since it was read (or a blip): start again from a fresh read.
                return applyFromAsync(client, namespace, null, wanted, deadline, dryRun);
            }
            return CompletableFuture.<Outcome.Result> failedFuture(failure);
        }).thenCompose(next -> next);
    }

    /**
     * Sends the patch that puts {@code wanted} on {@code current} (nothing when it has it already).
     * With {@code expectedVersion}, the API server refuses it when the namespace changed since.
     */
    private static CompletableFuture<Outcome.Result> patch(KubernetesClient client, Namespace current, Injection wanted,
            Deadline deadline, boolean dryRun, String expectedVersion) {
        Map<String, String> labels = current.getMetadata().getLabels();
        Injection.LabelChange change = wanted.changeFrom(labels);
        if (change.isEmpty()) {
            return CompletableFuture.completedFuture(Outcome.Result.UNCHANGED);
        }
        String name = current.getMetadata().getName();
        // Bounded by the deadline: this PATCH cannot still be on its way after it.
        CompletableFuture<Namespace> sent = labels == null || labels.isEmpty()
                // A namespace with no labels has no /metadata/labels for a JSON Patch to add keys under
                // (Kubernetes before 1.21 labels none, and anyone can remove them all): a merge patch
                // creates the map, and keeps any label that someone adds meanwhile.
                ? ClusterRequests.mergePatch(client, name, mergePatch(change, expectedVersion), dryRun, deadline)
                : ClusterRequests.jsonPatch(client, name, jsonPatch(change, expectedVersion), dryRun, deadline);
        return sent.thenApply(patched -> Outcome.Result.APPLIED);
    }

    /** The result of a blocking call, or what it failed with, as it was thrown. */
    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable failure = Deadline.unwrap(e);
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** The namespace a conditional patch left, or null when the copy it started from was no longer current. */
    public record Conditional(Outcome.Result result, Namespace after) {
    }

    /**
     * Puts {@code wanted} on {@code current} only if the namespace is still at {@code current}'s
     * resourceVersion: one JSON Patch that also sets metadata.resourceVersion to the version read,
     * which the API server takes as a precondition (409 Conflict when the namespace changed since),
     * so a copy read earlier (or outside a lock) never overwrites a change made since. Even with
     * nothing to change it sends that op alone, because only the server can say the copy is current.
     * Answers ABSENT (after null) when the namespace is gone, and a null {@code after} with a null
     * result when the copy was stale (409; or 422, a patch that no longer applies), to read it again.
     */
    public static Conditional applyIfCurrent(KubernetesClient client, Namespace current, Injection wanted, Deadline deadline) {
        Map<String, String> labels = current.getMetadata().getLabels();
        Injection.LabelChange change = wanted.changeFrom(labels);
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(Map.of("op", "replace", "path", "/metadata/resourceVersion", "value", current.getMetadata().getResourceVersion()));
        if (!change.isEmpty()) {
            if (labels == null || labels.isEmpty()) {
                // No /metadata/labels to add keys under (the version proves there is none): add the whole map.
                ops.add(Map.of("op", "add", "path", "/metadata/labels", "value", change.set()));
            } else {
                ops.addAll(jsonPatchOps(change));
            }
        }
        try {
            Namespace after = deadline.bound(client).namespaces().resource(current)
                    .patch(PatchContext.of(PatchType.JSON), json(ops));
            return new Conditional(change.isEmpty() ? Outcome.Result.UNCHANGED : Outcome.Result.APPLIED, after);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() == 404) {
                return new Conditional(Outcome.Result.ABSENT, null);
            }
            if (e.getCode() == 409 || e.getCode() == 422) {
                return new Conditional(null, null);
            }
            throw e;
        }
    }

    /**
     * Puts {@code wanted} on the namespace, starting from {@code remembered} (a copy from an earlier
     * call; null: none) with one conditional PATCH, and reading it afresh only when there is no copy
     * or it is stale. A copy read here is patched conditionally too, and one that already has the
     * wanted labels is taken as it is (UNCHANGED, no write), like {@link #apply}. Transient failures
     * are retried until the deadline. Returns the outcome and the namespace as it now is (null when
     * absent).
     */
    public static Conditional applyRemembered(KubernetesClient client, String namespace, Namespace remembered,
            Injection wanted, Deadline deadline) {
        Namespace[] start = { remembered };
        return deadline.retry(() -> {
            Namespace current = start[0];
            start[0] = null;
            boolean fresh = current == null;
            for (int reads = 0; reads <= MAX_STALE_READS; reads++) {
                if (current == null) {
                    current = deadline.bound(client).namespaces().withName(namespace).get();
                    fresh = true;
                    if (current == null) {
                        return new Conditional(Outcome.Result.ABSENT, null);
                    }
                }
                if (fresh && wanted.changeFrom(current.getMetadata().getLabels()).isEmpty()) {
                    return new Conditional(Outcome.Result.UNCHANGED, current);
                }
                Conditional done = applyIfCurrent(client, current, wanted, deadline);
                if (done.result() != null) {
                    return done;
                }
                // Changed since that copy was read: read it again, and judge again.
                current = null;
            }
            throw new Stale(namespace);
        });
    }

    /** Copies read afresh and found stale again before giving up (someone else keeps changing it). */
    private static final int MAX_STALE_READS = 5;

    /** The namespace changed under every attempt to patch it. */
    public static final class Stale extends RuntimeException {
        Stale(String namespace) {
            super("namespace " + namespace + " changed under each of " + MAX_STALE_READS + " attempts to label it");
        }
    }

    /** Only adds: a namespace without labels has nothing to remove. */
    static String mergePatch(Injection.LabelChange change) {
        return mergePatch(change, null);
    }

    /** With {@code expectedVersion}, the API server refuses (409) a namespace changed since that version. */
    static String mergePatch(Injection.LabelChange change, String expectedVersion) {
        Map<String, Object> metadata = new java.util.LinkedHashMap<>();
        if (expectedVersion != null) {
            metadata.put("resourceVersion", expectedVersion);
        }
        metadata.put("labels", change.set());
        return json(Map.of("metadata", metadata));
    }

    static String jsonPatch(Injection.LabelChange change) {
        return jsonPatch(change, null);
    }

    /** With {@code expectedVersion}, a test op first: the API server refuses (422) a namespace changed since. */
    static String jsonPatch(Injection.LabelChange change, String expectedVersion) {
        List<Map<String, Object>> ops = new ArrayList<>();
        if (expectedVersion != null) {
            ops.add(Map.of("op", "test", "path", "/metadata/resourceVersion", "value", expectedVersion));
        }
        ops.addAll(jsonPatchOps(change));
        return json(ops);
    }

    private static List<Map<String, Object>> jsonPatchOps(Injection.LabelChange change) {
        List<Map<String, Object>> ops = new ArrayList<>();
        change.remove().forEach(key -> ops.add(Map.of("op", "remove", "path", labelPath(key))));
        change.set().forEach((key, value) -> ops.add(Map.of("op", "add", "path", labelPath(key), "value", value)));
        return ops;
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
