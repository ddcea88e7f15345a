package io.meshns.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Control-plane reads that a call makes beside another request instead of after it, to save a
 * round trip to a remote control plane. Its threads only wait for an answer.
 */
final class SideBySide {

    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "meshns-side-by-side");
        thread.setDaemon(true);
        return thread;
    });

    private SideBySide() {
    }

    static <T> CompletableFuture<T> start(Supplier<T> read) {
        return CompletableFuture.supplyAsync(read, THREADS);
    }

    /** Its result; what it threw, as it threw it. */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
