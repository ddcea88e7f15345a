package io.meshns.kube;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mesh.RestartPlan;

/**
 * kubectl rollout restart, for workloads of one namespace in one cluster: each one's pod template
 * gets the annotation {@value RestartPlan#RESTARTED_AT} set to the time of the restart (one PATCH
 * each, all at once), and its own rollout strategy replaces its pods.
 */
public final class WorkloadRestarter {

    private WorkloadRestarter() {
    }

    /** One workload's restart: done ({@code failure} null), or why not, and the right it lacked if that was why. */
    public record Attempt(RestartPlan.Workload workload, String failure, String missingRight) {

        public boolean done() {
            return failure == null;
        }
    }

    /**
     * Restarts each of {@code workloads}, stamped {@code at} (RFC 3339); with {@code dryRun} the
     * patches are sent with dryRun=All: the API server checks them and the right to make them, and
     * changes nothing. Each is retried on a transient failure until {@code deadline}; the answer
     * comes when all have settled, one attempt per workload, in their order.
     */
    public static CompletableFuture<List<Attempt>> restart(KubernetesClient client, String namespace,
            List<RestartPlan.Workload> workloads, String at, boolean dryRun, Deadline deadline) {
        String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"" + RestartPlan.RESTARTED_AT + "\":\"" + at
                + "\"}}}}}";
        List<CompletableFuture<Attempt>> attempts = workloads.stream().map(workload -> deadline
                .retryAsync(() -> ClusterRequests.mergePatchWorkload(client, namespace, workload.resource(), workload.name(),
                        patch, dryRun, deadline), ClusterRequests.work())
                .handle((done, failure) -> failure == null ? new Attempt(workload, null, null)
                        : failed(workload, namespace, Deadline.unwrap(failure), deadline)))
                .toList();
        return CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
                .thenApply(all -> attempts.stream().map(CompletableFuture::join).toList());
    }

    private static Attempt failed(RestartPlan.Workload workload, String namespace, Throwable failure, Deadline deadline) {
        if (failure instanceof Deadline.Exceeded || deadline.passed()) {
            return new Attempt(workload, "timed out (meshns.fanout-timeout)", null);
        }
        if (KubeErrors.status(failure) == 403) {
            String right = "patch " + workload.resource() + ".apps";
            return new Attempt(workload, "meshns may not " + right + " in namespace " + namespace + " there ("
                    + KubeErrors.describe(failure) + ")", right);
        }
        return new Attempt(workload, KubeErrors.describe(failure), null);
    }
}
