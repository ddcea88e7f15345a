package io.meshns.kube;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.internal.OperationSupport;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

/**
 * The requests meshns sends to a data-plane cluster, and the control-plane lists it reads as
 * metadata only, without a thread waiting for each answer: sent through the client's own fabric8
 * HttpClient (its credentials, TLS and connections, on the shared Vert.x event loops), each with a
 * timeout at the caller's deadline, and decoded by
 * {@link MetadataReader} on a small pool sized to the CPUs. A failure is the
 * {@link KubernetesClientException} fabric8's blocking calls would have thrown.
 */
public final class ClusterRequests {

    /** Asks for a list's metadata only (kube-apiserver 1.15+); a server that cannot sends the JSON list. */
    private static final String METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    private ClusterRequests() {
    }

    /**
     * The namespace (kubectl get ns NAME), or null when the cluster has none of that name; only its
     * name, resourceVersion and labels ({@link MetadataReader}).
     */
    public static CompletableFuture<Namespace> namespace(KubernetesClient client, String name, Deadline deadline) {
        return send(client, get(client, "api/v1/namespaces/" + name), deadline, MetadataReader::namespace, true);
    }

    /**
     * One page of the cluster's namespaces: at most {@code limit} (none: all), from {@code continueToken}
     * on. Each holds only its name, resourceVersion and labels ({@link MetadataReader}).
     */
    public static CompletableFuture<NamespaceList> namespaces(KubernetesClient client, Long limit, String continueToken,
            Deadline deadline) {
        StringBuilder path = new StringBuilder("api/v1/namespaces");
        if (limit != null) {
            path.append("?limit=").append(limit);
            if (continueToken != null) {
                path.append("&continue=").append(URLEncoder.encode(continueToken, StandardCharsets.UTF_8));
            }
        }
        return send(client, get(client, path.toString()), deadline, MetadataReader::namespaces, false);
    }

    /** A page of objects' metadata: name, resourceVersion, labels and creation time; the next page's token, null after the last. */
    public record MetadataPage(List<ObjectMeta> items, String continueToken) {
    }

    /**
     * One page of the objects under {@code path} (e.g. {@code api/v1/namespaces/NS/configmaps})
     * carrying the label {@code label}: at most {@code limit}, from {@code continueToken} on. Asked
     * as a PartialObjectMetadataList, so that the API server sends their metadata and not their data;
     * of whole objects, sent by a server that cannot, only the metadata is read.
     */
    public static CompletableFuture<MetadataPage> metadataPage(KubernetesClient client, String path, String label, long limit,
            String continueToken, Deadline deadline) {
        StringBuilder query = new StringBuilder(path).append("?labelSelector=")
                .append(URLEncoder.encode(label, StandardCharsets.UTF_8)).append("&limit=").append(limit);
        if (continueToken != null) {
            query.append("&continue=").append(URLEncoder.encode(continueToken, StandardCharsets.UTF_8));
        }
        HttpRequest request = builder(client, query.toString(), METADATA_ONLY).build();
        return send(client, request, deadline, body -> {
            ListMeta meta = new ListMeta();
            List<ObjectMeta> items = MetadataReader.metadata(body, meta);
            String next = meta.getContinue();
            return new MetadataPage(items, next == null || next.isEmpty() ? null : next);
        }, false);
    }

    /** A label patch of a namespace; with {@code dryRun}, checked by the API server and not stored. */
    public static CompletableFuture<Namespace> patch(KubernetesClient client, String name, LabelPatch patch, boolean dryRun,
            Deadline deadline) {
        HttpRequest request = builder(client, FieldManager.on("api/v1/namespaces/" + name + (dryRun ? "?dryRun=All" : "")))
                .patch(patch.kind().contentType(), patch.body()).build();
        return send(client, request, deadline, MetadataReader::namespace, false);
    }

    /**
     * A JSON merge patch of one apps/v1 workload ({@code resource}: deployments, statefulsets or
     * daemonsets) of {@code namespace}; completes when the API server accepted it. (A strategic merge
     * patch, which kubectl sends, would do the same to a map of annotations.)
     */
    public static CompletableFuture<Void> mergePatchWorkload(KubernetesClient client, String namespace, String resource,
            String name, String patch, boolean dryRun, Deadline deadline) {
        String path = "apis/apps/v1/namespaces/" + namespace + "/" + resource + "/" + name + (dryRun ? "?dryRun=All" : "");
        HttpRequest request = builder(client, FieldManager.on(path)).patch(LabelPatch.Kind.MERGE.contentType(), patch).build();
        return send(client, request, deadline, body -> null, false);
    }

    /** The cluster's MutatingWebhookConfigurations (where sidecar injectors are): their names and labels. */
    public static CompletableFuture<List<MutatingWebhookConfiguration>> webhooks(KubernetesClient client, Deadline deadline) {
        return send(client, get(client, "apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"), deadline,
                MetadataReader::webhooks, false);
    }

    /**
     * The pods of one namespace, or of all when {@code namespace} is null; of each, only what its
     * restart impact is judged by ({@link MetadataReader#pods}).
     */
    public static CompletableFuture<List<Pod>> pods(KubernetesClient client, String namespace, Deadline deadline) {
        String path = namespace == null ? "api/v1/pods" : "api/v1/namespaces/" + namespace + "/pods";
        return send(client, get(client, path), deadline, MetadataReader::pods, false);
    }

    /**
     * One page of the pods of every namespace: at most {@code limit}, from {@code continueToken} on;
     * of each, what {@link MetadataReader#pods} keeps.
     */
    public static CompletableFuture<ListPages.Page<Pod>> pods(KubernetesClient client, long limit, String continueToken,
            Deadline deadline) {
        StringBuilder path = new StringBuilder("api/v1/pods?limit=").append(limit);
        if (continueToken != null) {
            path.append("&continue=").append(URLEncoder.encode(continueToken, StandardCharsets.UTF_8));
        }
        return send(client, get(client, path.toString()), deadline, body -> {
            ListMeta meta = new ListMeta();
            List<Pod> items = MetadataReader.pods(body, meta);
            return new ListPages.Page<>(items, meta.getContinue());
        }, false);
    }

    private static HttpRequest get(KubernetesClient client, String path) {
        return builder(client, path).build();
    }

    private static HttpRequest.Builder builder(KubernetesClient client, String path) {
        return builder(client, path, "application/json");
    }

    private static HttpRequest.Builder builder(KubernetesClient client, String path, String accept) {
        String base = client.getMasterUrl().toString();
        return client.getHttpClient().newHttpRequestBuilder()
                .uri(base + (base.endsWith("/") ? "" : "/") + path)
                .header("Accept", accept);
    }

    /** How an answer's body becomes what was asked for. */
    private interface Decoder<T> {
        T decode(byte[] body) throws IOException;
    }

    private static <T> CompletableFuture<T> send(KubernetesClient client, HttpRequest request, Deadline deadline,
            Decoder<T> decoder, boolean absentIsNull) {
        CompletableFuture<HttpResponse<byte[]>> answer;
        try {
            // The timeout is the deadline itself: Vert.x resets the request then, so none of ours is
            // still on its way after the caller has moved on.
            answer = RequestDeadlines.sending(deadline.requestTimeoutMillis(),
                    () -> client.getHttpClient().sendAsync(request, byte[].class));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handleAsync((response, failure) -> {
            if (failure != null) {
                Throwable cause = Deadline.unwrap(failure);
                throw cause instanceof KubernetesClientException kce ? kce
                        : OperationSupport.requestException(request,
                                cause instanceof Exception e ? e : new RuntimeException(cause));
            }
            if (absentIsNull && response.code() == 404) {
                return null;
            }
            if (!response.isSuccessful()) {
                throw OperationSupport.requestFailure(request,
                        OperationSupport.createStatus(response, client.getKubernetesSerialization()));
            }
            try {
                return decoder.decode(response.body());
            } catch (IOException e) {
                throw OperationSupport.requestException(request, e);
            }
        }, Work.POOL);
    }

    /** The executor for what follows an answer (decoding, judging it, a retry's backoff): a few threads, never one per cluster. */
    public static java.util.concurrent.Executor work() {
        return Work.POOL;
    }

    /** Made on first use, so building a native image starts no thread. */
    // Not from Threads: it serves static helpers on pure async chains, and its threads never block, so one per CPU is enough.
    private static final class Work {
        private static final AtomicInteger COUNT = new AtomicInteger();
        static final ExecutorService POOL = Executors.newFixedThreadPool(
                Math.max(2, Runtime.getRuntime().availableProcessors()), task -> {
                    Thread thread = new Thread(task, "meshns-cluster-work-" + COUNT.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }
}
