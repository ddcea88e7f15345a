package io.meshns.cluster;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.config.MeshConfig;
import io.meshns.kube.ClusterRequests;
import io.meshns.kube.Deadline;
import io.meshns.kube.KubeErrors;
import io.meshns.kube.NamespacePages;
import io.meshns.mesh.InjectorPresence;

/**
 * The one parallel read of every data-plane cluster that comes before a change (and describeMesh):
 * the namespace (or all namespaces), the sidecar injectors and the pods, each cluster's requests
 * sent at once, all clusters at once, within one fan-out deadline. A cluster that cannot be read
 * becomes a {@link Live#failure()}; injectors or pods that cannot be listed (meshns may lack the
 * right) only leave that part unknown, with why.
 */
@ApplicationScoped
public class LiveReader {

    /**
     * What to read besides the namespaces; and, when all are read, which to keep ({@code keep}: those
     * it names once it completes, all while it has not; null: all).
     */
    public record Needs(boolean injectors, boolean pods, CompletableFuture<Set<String>> keep) {

        public Needs(boolean injectors, boolean pods) {
            this(injectors, pods, null);
        }
    }

    /**
     * One cluster as read: its namespaces by name (only the one asked for, when one was), its
     * injectors' webhooks and its pods, or why each could not be read.
     */
    public record Live(Map<String, Namespace> namespaces, List<InjectorPresence.Webhook> webhooks, String webhooksUnknown,
            List<Pod> pods, String podsUnknown, String failure) {

        static Live failed(String why) {
            return new Live(Map.of(), null, why, null, why, why);
        }

        public Namespace namespace(String name) {
            return namespaces.get(name);
        }

        /** The pods of one namespace, or null when pods were not read. */
        public List<Pod> podsOf(String name) {
            return pods == null ? null : pods.stream().filter(p -> name.equals(p.getMetadata().getNamespace())).toList();
        }
    }

    private final FanOut fanOut;
    private final int pageSize;

    public LiveReader(FanOut fanOut, MeshConfig config) {
        this.fanOut = fanOut;
        this.pageSize = Math.max(1, config.describePageSize());
    }

    /** Reads one namespace (a GET) and what {@code needs} asks for in every cluster. */
    public Map<String, Live> read(List<DataPlane> clusters, String namespace, Needs needs, Deadline deadline) {
        return read(clusters, namespace, needs, deadline, (cluster, live) -> live);
    }

    /**
     * The same (every namespace, one LIST, when {@code namespace} is null), handing each cluster's read to
     * {@code then} as soon as it has come or failed, while other clusters are still answering.
     */
    public <T> Map<String, T> read(List<DataPlane> clusters, String namespace, Needs needs, Deadline deadline,
            BiFunction<DataPlane, Live, T> then) {
        return fanOut.acrossClusters(clusters, deadline,
                (cluster, d) -> readOne(cluster, namespace, needs, d).thenApply(live -> then.apply(cluster, live)),
                (cluster, why) -> then.apply(cluster, Live.failed(why)));
    }

    /**
     * Sends one cluster's reads at once, each retried until the deadline, and settles when all have
     * answered or given up: none is still on its way when the read is over.
     */
    private CompletableFuture<Live> readOne(DataPlane cluster, String namespace, Needs needs, Deadline deadline) {
        var client = cluster.client();
        var work = ClusterRequests.work();
        CompletableFuture<List<InjectorPresence.Webhook>> webhooks = needs.injectors()
                ? deadline.retryAsync(() -> ClusterRequests.webhooks(client, deadline), work)
                        .thenApply(items -> items.stream().map(LiveReader::webhook).toList())
                : CompletableFuture.completedFuture(null);
        CompletableFuture<List<Pod>> pods = needs.pods()
                ? deadline.retryAsync(() -> ClusterRequests.pods(client, namespace, deadline), work)
                : CompletableFuture.completedFuture(null);
        // All namespaces come in pages, each retried on its own.
        CompletableFuture<Map<String, Namespace>> namespaces = namespace == null ? allNamespaces(client, needs.keep(), deadline)
                : deadline.retryAsync(() -> ClusterRequests.namespace(client, namespace, deadline)
                        .thenApply(one -> one == null ? Map.<String, Namespace>of() : Map.of(namespace, one)), work);
        return CompletableFuture.allOf(settled(webhooks), settled(pods), settled(namespaces)).thenApply(all -> {
            // The namespaces decide: without them, the cluster could not be read.
            Map<String, Namespace> read = namespaces.join();
            Result<List<InjectorPresence.Webhook>> hooks = result(webhooks, deadline);
            Result<List<Pod>> listed = result(pods, deadline);
            return new Live(read, hooks.value(), hooks.why(), listed.value(), listed.why(), null);
        });
    }

    /** Every namespace of the cluster, in pages of meshns.describe-page-size, each page keeping those {@code keep} names. */
    private CompletableFuture<Map<String, Namespace>> allNamespaces(KubernetesClient client, CompletableFuture<Set<String>> keep,
            Deadline deadline) {
        return NamespacePages.read(client, pageSize, () -> deadline, keep, ns -> ns);
    }

    private static InjectorPresence.Webhook webhook(MutatingWebhookConfiguration config) {
        return new InjectorPresence.Webhook(config.getMetadata().getName(), config.getMetadata().getLabels());
    }

    private record Result<T>(T value, String why) {
    }

    /** Completes when {@code future} does, either way. */
    private static CompletableFuture<?> settled(CompletableFuture<?> future) {
        return future.handle((value, failure) -> null);
    }

    /** What a settled read gave, or why it gave nothing. */
    private static <T> Result<T> result(CompletableFuture<T> future, Deadline deadline) {
        try {
            return new Result<>(future.join(), null);
        } catch (java.util.concurrent.CompletionException e) {
            Throwable failure = Deadline.unwrap(e);
            return new Result<>(null, failure instanceof Deadline.Exceeded || deadline.passed()
                    ? "timed out (meshns.fanout-timeout)" : KubeErrors.describe(failure));
        }
    }
}
