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

    /** How long a worker may outlive its deadline: its request times out at the deadline itself. */
    private static final Duration STRAGGLER_GRACE = Duration.ofSeconds(2);

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
        return acrossClusters(clusters, Deadline.in(timeout), work, onFailure);
    }

    /**
     * The same, ending by {@code deadline} (at most the fan-out timeout; earlier when the caller's
     * own time, e.g. a lock's lease, ends first). When it returns, no request of {@code work} is
     * still on its way: each one times out at the deadline, and each worker is waited for.
     */
    public <T> Map<String, T> acrossClusters(List<DataPlane> clusters, Deadline deadline,
            BiFunction<DataPlane, Deadline, T> work, BiFunction<DataPlane, String, T> onFailure) {
        Deadline bounded = deadline.min(Deadline.in(timeout));
        return run(clusters, bounded, work, onFailure);
    }

    private <T> Map<String, T> run(List<DataPlane> clusters, Deadline deadline, BiFunction<DataPlane, Deadline, T> work,
            BiFunction<DataPlane, String, T> onFailure) {
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
        boolean late = false;
        try {
            try {
                return future.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // cancel() would not stop the worker: wait until its request, bounded by the same
                // deadline, has given up, so nothing of this call can land after the caller moves on.
                late = true;
                return future.get(STRAGGLER_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            LOG.errorf("a worker for cluster %s outlived its deadline by %d ms", cluster.name(), STRAGGLER_GRACE.toMillis());
            return failed(cluster, timedOut(), onFailure);
        } catch (ExecutionException e) {
            return failed(cluster, late || e.getCause() instanceof Deadline.Exceeded ? timedOut()
                    : KubeErrors.describe(e.getCause()), onFailure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(cluster, "interrupted", onFailure);
        }
    }

    private String timedOut() {
        return "timed out after " + timeout.toMillis() + " ms (meshns.fanout-timeout)";
    }

    private static <T> T failed(DataPlane cluster, String why, BiFunction<DataPlane, String, T> onFailure) {
        LOG.warnf("data-plane cluster %s failed: %s", cluster.name(), why);
        return onFailure.apply(cluster, why);
    }

    /** Starts {@code work} on a thread of its own, for requests to one cluster that need not wait for each other. */
    public <T> CompletableFuture<T> alongside(java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, workers);
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
