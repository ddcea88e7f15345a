package io.meshns.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.meshns.kube.Deadline;
import io.meshns.kube.KubeErrors;
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

    /** What to read besides the namespaces. */
    public record Needs(boolean injectors, boolean pods) {
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

    public LiveReader(FanOut fanOut) {
        this.fanOut = fanOut;
    }

    /** Reads one namespace (a GET) and what {@code needs} asks for in every cluster. */
    public Map<String, Live> read(List<DataPlane> clusters, String namespace, Needs needs, Deadline deadline) {
        return fanOut.acrossClusters(clusters, deadline, (cluster, d) -> readOne(cluster, namespace, needs, d),
                (cluster, why) -> Live.failed(why));
    }

    /** Reads every namespace (one LIST), and the pods of all (one LIST) when {@code needs} says so. */
    public Map<String, Live> readAll(List<DataPlane> clusters, Needs needs, Deadline deadline) {
        return read(clusters, null, needs, deadline);
    }

    private Live readOne(DataPlane cluster, String namespace, Needs needs, Deadline deadline) {
        // Each request times out at the deadline: none is still on its way when the read is over.
        var client = deadline.bound(cluster.client());
        CompletableFuture<List<InjectorPresence.Webhook>> webhooks = needs.injectors()
                ? fanOut.alongside(() -> deadline.retry(() -> client.admissionRegistration().v1().mutatingWebhookConfigurations()
                        .list().getItems().stream().map(LiveReader::webhook).toList()))
                : null;
        CompletableFuture<List<Pod>> pods = needs.pods()
                ? fanOut.alongside(() -> deadline.retry(() -> namespace == null
                        ? client.pods().inAnyNamespace().list().getItems()
                        : client.pods().inNamespace(namespace).list().getItems()))
                : null;
        Map<String, Namespace> namespaces;
        try {
            namespaces = deadline.retry(() -> {
                if (namespace != null) {
                    Namespace one = client.namespaces().withName(namespace).get();
                    return one == null ? Map.<String, Namespace>of() : Map.of(namespace, one);
                }
                Map<String, Namespace> all = new java.util.LinkedHashMap<>();
                client.namespaces().list().getItems().forEach(ns -> all.put(ns.getMetadata().getName(), ns));
                return all;
            });
        } catch (RuntimeException e) {
            cancel(webhooks);
            cancel(pods);
            throw e;
        }
        Result<List<InjectorPresence.Webhook>> hooks = await(webhooks, deadline);
        Result<List<Pod>> listed = await(pods, deadline);
        return new Live(namespaces, hooks.value(), hooks.why(), listed.value(), listed.why(), null);
    }

    private static InjectorPresence.Webhook webhook(MutatingWebhookConfiguration config) {
        return new InjectorPresence.Webhook(config.getMetadata().getName(), config.getMetadata().getLabels());
    }

    private record Result<T>(T value, String why) {
    }

    private static <T> Result<T> await(CompletableFuture<T> future, Deadline deadline) {
        if (future == null) {
            return new Result<>(null, null);
        }
        try {
            return new Result<>(future.get(deadline.remaining().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS), null);
        } catch (ExecutionException e) {
            return new Result<>(null, KubeErrors.describe(e.getCause()));
        } catch (java.util.concurrent.TimeoutException e) {
            future.cancel(true);
            return new Result<>(null, "timed out (meshns.fanout-timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result<>(null, "interrupted");
        }
    }

    private static void cancel(CompletableFuture<?> future) {
        if (future != null) {
            future.cancel(true);
        }
    }
}
