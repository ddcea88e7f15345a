package io.meshns.kube;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
     * Reads every page, handing {@code kept} each namespace named in {@code keep} (every one while
     * {@code keep} has not completed, or when it holds null or failed: the caller may learn the names
     * only while the pages come); {@code restart} is run when the listing starts over. Each page's
     * deadline is taken from {@code pageDeadline} as the page is asked for.
     */
    public static CompletableFuture<Void> read(KubernetesClient client, long limit, Supplier<Deadline> pageDeadline,
            CompletableFuture<Set<String>> keep, Consumer<Namespace> kept, Runnable restart) {
        return from(client, limit, null, pageDeadline, keep, kept, restart);
    }

    private static CompletableFuture<Void> from(KubernetesClient client, long limit, String next, Supplier<Deadline> pageDeadline,
            CompletableFuture<Set<String>> keep, Consumer<Namespace> kept, Runnable restart) {
        Deadline deadline = pageDeadline.get();
        return deadline.retryAsync(() -> ClusterRequests.namespaces(client, limit, next, deadline), ClusterRequests.work())
                .handle((page, error) -> {
                    if (error != null) {
                        Throwable failure = Deadline.unwrap(error);
                        if (next != null && KubeErrors.status(failure) == 410) {
                            restart.run();
                            return from(client, limit, null, pageDeadline, keep, kept, restart);
                        }
                        return CompletableFuture.<Void> failedFuture(failure);
                    }
                    Set<String> names = keep.isCompletedExceptionally() ? null : keep.getNow(null);
                    for (Namespace namespace : page.getItems()) {
                        if (names == null || names.contains(namespace.getMetadata().getName())) {
                            kept.accept(namespace);
                        }
                    }
                    String token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
                    return token == null || token.isEmpty() ? CompletableFuture.<Void> completedFuture(null)
                            : from(client, limit, token, pageDeadline, keep, kept, restart);
                }).thenCompose(done -> done);
    }
}
