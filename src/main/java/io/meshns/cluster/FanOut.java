package io.meshns.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.meshns.config.MeshConfig;
import io.meshns.kube.Deadline;
import io.meshns.kube.KubeErrors;

/**
 * Runs one piece of work against every data-plane cluster at once and waits for all of them, each
 * bounded by {@code meshns.fanout-timeout}: the call costs about as much as the slowest cluster.
 * A cluster that fails or runs out of time gives {@code onFailure}'s answer; it never fails the call.
 */
@ApplicationScoped
public class FanOut {

    private static final Logger LOG = Logger.getLogger(FanOut.class);

    private final Duration timeout;
    private final ExecutorService workers;

    public FanOut(MeshConfig config) {
        this.timeout = config.fanoutTimeout();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, "meshns-fanout-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        // Unbounded on purpose: every cluster gets its own thread so none waits behind a slow one.
        this.workers = Executors.newCachedThreadPool(threads);
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Calls {@code work} for each cluster in parallel and returns the answers in the clusters' order.
     * {@code onFailure} turns a cluster's failure (an exception, or the deadline) into its answer.
     */
    public <T> Map<String, T> acrossClusters(List<DataPlane> clusters, BiFunction<DataPlane, Deadline, T> work,
            BiFunction<DataPlane, String, T> onFailure) {
        Deadline deadline = Deadline.in(timeout);
        Map<String, CompletableFuture<T>> running = new LinkedHashMap<>();
        for (DataPlane cluster : clusters) {
            running.put(cluster.name(), cluster.problem() != null
                    ? CompletableFuture.failedFuture(new IllegalStateException(cluster.problem()))
                    : CompletableFuture.supplyAsync(() -> work.apply(cluster, deadline), workers));
        }
        Map<String, T> answers = new LinkedHashMap<>();
        for (DataPlane cluster : clusters) {
            CompletableFuture<T> future = running.get(cluster.name());
            answers.put(cluster.name(), await(cluster, future, deadline, onFailure));
        }
        return answers;
    }

    private <T> T await(DataPlane cluster, CompletableFuture<T> future, Deadline deadline,
            BiFunction<DataPlane, String, T> onFailure) {
        try {
            return future.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return failed(cluster, "timed out after " + timeout.toMillis() + " ms (meshns.fanout-timeout)", onFailure);
        } catch (ExecutionException e) {
            return failed(cluster, KubeErrors.describe(e.getCause()), onFailure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(cluster, "interrupted", onFailure);
        }
    }

    private static <T> T failed(DataPlane cluster, String why, BiFunction<DataPlane, String, T> onFailure) {
        LOG.warnf("data-plane cluster %s failed: %s", cluster.name(), why);
        return onFailure.apply(cluster, why);
    }

    /**
     * Runs {@code work} for every item, at most {@code parallelism} at once, and waits for all.
     * {@code work} handles its own failures; one that escapes is rethrown after all have finished.
     */
    public <T> void forEach(Collection<T> items, int parallelism, Consumer<T> work) {
        Semaphore slots = new Semaphore(parallelism);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (T item : items) {
            slots.acquireUninterruptibly();
            running.add(CompletableFuture.runAsync(() -> {
                try {
                    work.accept(item);
                } finally {
                    slots.release();
                }
            }, workers));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
