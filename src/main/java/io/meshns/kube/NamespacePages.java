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
 * A data-plane cluster's namespaces, page by page ({@link ListPages}), keeping only those a call
 * needs: of each page only the namespaces named are kept before the next is asked for, so a cluster
 * of 50,000 namespaces costs a page and the namespaces kept.
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
        ListPages.Request<Namespace> request = (token, deadline) -> ClusterRequests.namespaces(client, limit, token, deadline)
                .thenApply(page -> new ListPages.Page<>(page.getItems(),
                        page.getMetadata() == null ? null : page.getMetadata().getContinue()));
        return ListPages.read(request, pageDeadline, kept::clear, page -> {
            Set<String> names = keep == null || keep.isCompletedExceptionally() ? null : keep.getNow(null);
            for (Namespace namespace : page) {
                String name = namespace.getMetadata().getName();
                if (names == null || names.contains(name)) {
                    kept.put(name, keeping.apply(namespace));
                }
            }
        }).thenApply(done -> kept);
    }
}
