package io.meshns.kube;

import java.util.concurrent.CompletableFuture;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;

/**
 * Puts a namespace's injection labels into a wanted state in one data-plane cluster (kubectl label
 * ns --overwrite), touching no other label and never creating the namespace, without a thread
 * waiting for the cluster: the outcome comes when its answers do. Each request times out at the
 * deadline; transient failures are retried until then.
 */
public final class DataPlaneLabeler {

    /** How far a copy of the namespace, read before the patch, can be trusted. */
    public enum Read {
        /** Read before the caller took the namespace's lock: another change may have come since. */
        EARLIER,
        /** Read under the lock, or proven current when it was taken: no change of meshns came since. */
        CURRENT
    }

    private DataPlaneLabeler() {
    }

    /**
     * Starting from {@code listed} (a copy from a LIST of the whole cluster; null: none), so the
     * first attempt costs one PATCH at most; a retry, or no copy, reads the namespace afresh. With
     * {@code dryRun}, the patch is sent with dryRun=All: the API server validates it, checks the
     * right to make it and stores nothing; APPLIED then means "would change".
     */
    public static CompletableFuture<Outcome.Result> apply(KubernetesClient client, String namespace, Namespace listed,
            Injection wanted, Deadline deadline, boolean dryRun) {
        Namespace[] known = { listed };
        return deadline.retryAsync(() -> {
            CompletableFuture<Namespace> current = known[0] != null ? CompletableFuture.completedFuture(known[0])
                    : ClusterRequests.namespace(client, namespace, deadline);
            known[0] = null;
            return current.thenCompose(ns -> ns == null ? CompletableFuture.completedFuture(Outcome.Result.ABSENT)
                    : patch(client, ns, wanted, deadline, dryRun, null));
        }, ClusterRequests.work());
    }

    /**
     * Starting from a copy read by the caller: the patch carries that copy's resourceVersion as a
     * precondition, so a hand edit since is never overwritten. A {@link Read#CURRENT} copy with
     * nothing to change is taken as it is; an {@link Read#EARLIER} one is checked with a fresh read,
     * so a change made between the read and the lock is never reported as unchanged. Costs one
     * request, as the patch alone would; a stale copy costs a read and a patch more.
     */
    public static CompletableFuture<Outcome.Result> applyFrom(KubernetesClient client, String namespace, Namespace read,
            Read trust, Injection wanted, Deadline deadline, boolean dryRun) {
        boolean changes = read != null && LabelPatch.changes(read.getMetadata().getLabels(), wanted);
        if (read != null && !changes && trust == Read.CURRENT) {
            return CompletableFuture.completedFuture(Outcome.Result.UNCHANGED);
        }
        if (!changes) {
            return apply(client, namespace, null, wanted, deadline, dryRun);
        }
        CompletableFuture<Outcome.Result> first;
        try {
            first = patch(client, read, wanted, deadline, dryRun, read.getMetadata().getResourceVersion());
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
                return apply(client, namespace, null, wanted, deadline, dryRun);
            }
            return CompletableFuture.<Outcome.Result> failedFuture(failure);
        }).thenCompose(next -> next);
    }

    /** Sends the patch that puts {@code wanted} on {@code current}; nothing when it has it already. */
    private static CompletableFuture<Outcome.Result> patch(KubernetesClient client, Namespace current, Injection wanted,
            Deadline deadline, boolean dryRun, String expectedVersion) {
        LabelPatch patch = LabelPatch.of(current.getMetadata().getLabels(), wanted, expectedVersion);
        if (patch == null) {
            return CompletableFuture.completedFuture(Outcome.Result.UNCHANGED);
        }
        // Bounded by the deadline: this PATCH cannot still be on its way after it.
        return ClusterRequests.patch(client, current.getMetadata().getName(), patch, dryRun, deadline)
                .thenApply(patched -> Outcome.Result.APPLIED);
    }
}
