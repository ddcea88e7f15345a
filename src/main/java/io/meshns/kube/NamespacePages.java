package io.meshns.kube;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A data-plane cluster's namespaces, page by page (limit/continue), keeping only those a call needs:
 * the API server never builds one answer for all of them, and of each page only the namespaces
 * named are kept before the next is asked for, so a cluster of 50,000 namespaces costs a page and
 * the namespaces kept. Each page is retried on its own, by its own deadline; an expired continue
 * token (410) starts over. No thread waits between pages.
 */
public final class NamespacePages {

    private NamespacePages() {
    }

    /**
     * Reads every page into a map by name, of what {@code keeping} makes of each namespace named in
     * {@code keep}: every one while {@code keep} has not completed, or when it is null, holds null or
     * failed (the caller may learn the names only while the pages come). A listing that starts over
     * starts its map over. Each page's deadline is taken from {@code pageDeadline} as it is asked for.
     */
    public static <T> CompletableFuture<Map<String, T>> read(KubernetesClient client, long limit, Supplier<Deadline> pageDeadline,
            CompletableFuture<Set<String>> keep, Function<Namespace, T> keeping) {
        Map<String, T> kept = new HashMap<>();
        return from(client, limit, null, pageDeadline, keep, kept, keeping).thenApply(done -> kept);
    }

    private static <T> CompletableFuture<Void> from(KubernetesClient client, long limit, String next, Supplier<Deadline> pageDeadline,
            CompletableFuture<Set<String>> keep, Map<String, T> kept, Function<Namespace, T> keeping) {
        Deadline deadline = pageDeadline.get();
        return deadline.retryAsync(() -> ClusterRequests.namespaces(client, limit, next, deadline), ClusterRequests.work())
                .handle((page, error) -> {
                    if (error != null) {
                        Throwable failure = Deadline.unwrap(error);
                        if (next != null && KubeErrors.status(failure) == 410) {
                            kept.clear();
                            return from(client, limit, null, pageDeadline, keep, kept, keeping);
                        }
                        return CompletableFuture.<Void> failedFuture(failure);
                    }
                    Set<String> names = keep == null || keep.isCompletedExceptionally() ? null : keep.getNow(null);
                    for (Namespace namespace : page.getItems()) {
                        String name = namespace.getMetadata().getName();
                        if (names == null || names.contains(name)) {
                            kept.put(name, keeping.apply(namespace));
                        }
                    }
                    String token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
                    return token == null || token.isEmpty() ? CompletableFuture.<Void> completedFuture(null)
                            : from(client, limit, token, pageDeadline, keep, kept, keeping);
                }).thenCompose(done -> done);
    }
}
