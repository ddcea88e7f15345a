package io.meshns.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshns.kube.Threads;

/**
 * Control-plane reads that a call makes beside another request instead of after it, to save a
 * round trip to a remote control plane. Its threads only wait for an answer; when all are busy,
 * the caller makes the read itself, as it would without them.
 */
@ApplicationScoped
class SideBySide {

    private final Executor threads;

    SideBySide(Threads threads) {
        this.threads = threads.sideBySide();
    }

    <T> CompletableFuture<T> start(Supplier<T> read) {
        return CompletableFuture.supplyAsync(read, threads);
    }

    /** Its result; what it threw, as it threw it. */
    <T> T join(CompletableFuture<T> future) {
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
