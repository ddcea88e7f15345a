package io.meshns.kube;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A LIST read page by page (limit/continue), each page handed on before the next is asked for: the
 * API server never builds one answer for the whole list, and a call keeps what it makes of each page,
 * not the pages. Each page is retried on its own, by its own deadline; an expired continue token (410)
 * starts the listing over. No thread waits between pages.
 */
public final class ListPages {

    private ListPages() {
    }

    /** One page: its items, and the next page's token (null after the last). */
    public record Page<T>(List<T> items, String continueToken) {

        public Page {
            continueToken = continueToken == null || continueToken.isEmpty() ? null : continueToken;
        }
    }

    /** Asks for the page that starts at {@code continueToken} (null: the first), by {@code deadline}. */
    public interface Request<T> {
        CompletableFuture<Page<T>> page(String continueToken, Deadline deadline);
    }

    /**
     * Reads every page, handing each one's items to {@code onPage} in order. When the listing starts
     * over, {@code startOver} runs first: what was made of the earlier pages is to be dropped. Each
     * page's deadline is taken from {@code pageDeadline} as it is asked for.
     */
    public static <T> CompletableFuture<Void> read(Request<T> request, Supplier<Deadline> pageDeadline, Runnable startOver,
            Consumer<List<T>> onPage) {
        return from(null, request, pageDeadline, startOver, onPage);
    }

    private static <T> CompletableFuture<Void> from(String next, Request<T> request, Supplier<Deadline> pageDeadline,
            Runnable startOver, Consumer<List<T>> onPage) {
        Deadline deadline = pageDeadline.get();
        return deadline.retryAsync(() -> request.page(next, deadline), ClusterRequests.work())
                .handle((page, error) -> {
                    if (error != null) {
                        Throwable failure = Deadline.unwrap(error);
                        if (next != null && KubeErrors.status(failure) == 410) {
                            startOver.run();
                            return from(null, request, pageDeadline, startOver, onPage);
                        }
                        return CompletableFuture.<Void> failedFuture(failure);
                    }
                    onPage.accept(page.items());
                    return page.continueToken() == null ? CompletableFuture.<Void> completedFuture(null)
                            : from(page.continueToken(), request, pageDeadline, startOver, onPage);
                }).thenCompose(done -> done);
    }
}
