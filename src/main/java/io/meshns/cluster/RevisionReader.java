package io.meshns.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Pod;
import io.meshns.config.MeshConfig;
import io.meshns.kube.ClusterRequests;
import io.meshns.kube.Deadline;
import io.meshns.kube.KubeErrors;
import io.meshns.kube.ListPages;
import io.meshns.kube.NamespacePages;
import io.meshns.mesh.InjectorPresence;
import io.meshns.mesh.Revisions;

/**
 * The read behind describeRevisions: of every cluster at once, its injector webhooks (one LIST),
 * its namespaces and its pods (each a LIST page by page), each page made into what the judgement
 * needs before the next comes: a namespace into the injection it asks for, a page of pods into a
 * count per revision. A cluster of 10,000 pods costs a page of them, not the list.
 */
@ApplicationScoped
public class RevisionReader {

    /** One cluster as read, or why it could not be (then {@code read} is null). */
    public record Read(Revisions.ClusterRead read, String failure) {
    }

    private final FanOut fanOut;
    private final int namespacePage;
    private final int podPage;

    public RevisionReader(FanOut fanOut, MeshConfig config) {
        this.fanOut = fanOut;
        this.namespacePage = Math.max(1, config.describePageSize());
        // Pods are much larger than namespaces (a proxy's pod is about 2 KB as meshns reads it): reconcile's page size.
        this.podPage = Math.max(1, config.listPageSize());
    }

    /** Reads every cluster by {@code deadline}, each page by the fan-out timeout; the answers in the clusters' order. */
    public Map<String, Read> read(List<DataPlane> clusters, Deadline deadline) {
        return fanOut.acrossClustersPaged(clusters, deadline, this::readOne, (cluster, why) -> new Read(null, why));
    }

    /** Sends a cluster's three reads at once and settles when all have ended: none is still on its way after. */
    private CompletableFuture<Read> readOne(DataPlane cluster, Deadline deadline) {
        var client = cluster.client();
        Supplier<Deadline> page = () -> fanOut.requestDeadline(deadline);
        Deadline webhooksBy = page.get();
        CompletableFuture<List<InjectorPresence.Webhook>> webhooks = webhooksBy
                .retryAsync(() -> ClusterRequests.webhooks(client, webhooksBy), ClusterRequests.work())
                .thenApply(items -> items.stream().map(w -> new InjectorPresence.Webhook(w.getMetadata().getName(),
                        w.getMetadata().getLabels())).toList());
        var namespaces = NamespacePages.read(client, namespacePage, page, null,
                ns -> Revisions.sidecarOf(ns.getMetadata().getLabels()));
        Map<String, Integer> pods = new HashMap<>();
        ListPages.Request<Pod> podPages = (token, by) -> ClusterRequests.pods(client, podPage, token, by);
        CompletableFuture<Void> podsRead = ListPages.read(podPages, page, pods::clear, items -> items.forEach(pod -> {
            String revision = Revisions.proxyRevision(pod);
            if (revision != null) {
                pods.merge(revision, 1, Integer::sum);
            }
        }));
        return CompletableFuture.allOf(settled(webhooks), settled(namespaces), settled(podsRead)).thenApply(all -> {
            String failure = firstFailure(deadline, Map.of("webhooks", webhooks, "namespaces", namespaces, "pods", podsRead));
            return failure != null ? new Read(null, failure)
                    : new Read(new Revisions.ClusterRead(cluster.name(), webhooks.join(), namespaces.join(), pods), null);
        });
    }

    private static CompletableFuture<?> settled(CompletableFuture<?> future) {
        return future.handle((value, failure) -> null);
    }

    /**
     * Why a part could not be read, naming it, or null when all were: a cluster is judged whole or not
     * at all, since a revision whose pods could not be counted there might look unused.
     */
    private static String firstFailure(Deadline deadline, Map<String, CompletableFuture<?>> parts) {
        for (String part : List.of("webhooks", "namespaces", "pods")) {
            try {
                parts.get(part).join();
            } catch (CompletionException e) {
                Throwable failure = Deadline.unwrap(e);
                return part + " could not be listed: " + (failure instanceof Deadline.Exceeded || deadline.passed()
                        ? "timed out (meshns.fanout-timeout a page; meshns.call-timeout in all)" : KubeErrors.describe(failure));
            }
        }
        return null;
    }
}
