package io.meshns.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.meshns.config.MeshConfig;
import io.meshns.kube.Deadline;
import io.meshns.kube.KubeErrors;
import io.meshns.kube.Threads;

/**
 * Runs one piece of work against every data-plane cluster at once and waits for all of them, each
 * bounded by {@code meshns.fanout-timeout}: the call costs about as much as the slowest cluster.
 * A cluster that fails or runs out of time gives {@code onFailure}'s answer; it never fails the call.
 * <p>
 * The work for a cluster sends its requests and returns a future at once: no thread waits for a
 * cluster's answers (they arrive on the shared Vert.x event loops, and what follows them runs on a
 * pool sized to the CPUs), so a fan-out to a thousand clusters holds the calling thread only.
 */
@ApplicationScoped
public class FanOut {

    private static final Logger LOG = Logger.getLogger(FanOut.class);

    /** How long a cluster's work may outlive its deadline: its requests time out at the deadline itself. */
    private static final Duration STRAGGLER_GRACE = Duration.ofSeconds(2);
    private final Duration timeout;
    /** For {@link #forEach}, whose items block: capped, and run by the caller when all are busy. */
    private final Executor workers;

    public FanOut(MeshConfig config, Threads threads) {
        this.timeout = config.fanoutTimeout();
        this.workers = threads.fanOut();
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Starts {@code work} for each cluster at once and returns the answers in the clusters' order.
     * {@code onFailure} turns a cluster's failure (an exception, or the deadline) into its answer.
     */
    public <T> Map<String, T> acrossClusters(List<DataPlane> clusters,
            BiFunction<DataPlane, Deadline, CompletableFuture<T>> work, BiFunction<DataPlane, String, T> onFailure) {
        return acrossClusters(clusters, Deadline.in(timeout), work, onFailure);
    }

    /**
     * The same, ending by {@code deadline} (at most the fan-out timeout; earlier when the caller's
     * own time, e.g. a lock's lease, ends first). When it returns, no request of {@code work} is
     * still on its way: each one times out at the deadline, and each cluster's work is waited for.
     */
    public <T> Map<String, T> acrossClusters(List<DataPlane> clusters, Deadline deadline,
            BiFunction<DataPlane, Deadline, CompletableFuture<T>> work, BiFunction<DataPlane, String, T> onFailure) {
        return run(clusters, deadline.min(Deadline.in(timeout)), work, onFailure, timedOut());
    }

    /**
     * The same for work of many requests one after another (a LIST, page by page), which may take
     * until {@code deadline}: the work bounds each of its requests by {@link #requestDeadline}, so a
     * cluster that stops answering still fails after the fan-out timeout, and a large one that keeps
     * answering is not cut off by it.
     */
    public <T> Map<String, T> acrossClustersPaged(List<DataPlane> clusters, Deadline deadline,
            BiFunction<DataPlane, Deadline, CompletableFuture<T>> work, BiFunction<DataPlane, String, T> onFailure) {
        return run(clusters, deadline, work, onFailure, "timed out (a page may take " + timeout.toMillis()
                + " ms, meshns.fanout-timeout; all pages, what meshns.call-timeout leaves)");
    }

    /** The deadline of one request of work started by {@link #acrossClustersPaged}: the fan-out timeout, within the work's. */
    public Deadline requestDeadline(Deadline work) {
        return work.min(Deadline.in(timeout));
    }

    private <T> Map<String, T> run(List<DataPlane> clusters, Deadline bounded,
            BiFunction<DataPlane, Deadline, CompletableFuture<T>> work, BiFunction<DataPlane, String, T> onFailure,
            String timedOut) {
        Map<String, CompletableFuture<Settled<T>>> running = new LinkedHashMap<>();
        for (DataPlane cluster : clusters) {
            running.put(cluster.name(), start(cluster, bounded, work).handle(
                    (value, failure) -> new Settled<>(value, failure == null ? null : Deadline.unwrap(failure), bounded.passed())));
        }
        awaitAll(running.values(), bounded);
        Map<String, T> answers = new LinkedHashMap<>();
        for (DataPlane cluster : clusters) {
            answers.put(cluster.name(), answer(cluster, running.get(cluster.name()), onFailure, timedOut));
        }
        return answers;
    }

    /** How a cluster's work ended; {@code late}: after the deadline (its requests gave up then). */
    private record Settled<T>(T value, Throwable failure, boolean late) {
    }

    private static <T> CompletableFuture<T> start(DataPlane cluster, Deadline deadline,
            BiFunction<DataPlane, Deadline, CompletableFuture<T>> work) {
        if (cluster.problem() != null) {
            return CompletableFuture.failedFuture(new IllegalStateException(cluster.problem()));
        }
        // A guess of the clusters (ClusterRegistry.lastListed) may hold a client deregistration or new
        // credentials closed since: it would fail every retry until the deadline, so it is not tried.
        if (cluster.client() != null && cluster.client().getHttpClient().isClosed()) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "its client was closed: the cluster was deregistered or its credentials replaced"));
        }
        try {
            return work.apply(cluster, deadline);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Waits until every cluster's work has ended, or the deadline; then, for work still running,
     * a little longer: its requests give up at the deadline, so nothing of this call can land after
     * the caller moves on.
     */
    private static void awaitAll(Collection<? extends CompletableFuture<?>> running, Deadline deadline) {
        CompletableFuture<Void> all = CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
        try {
            all.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            try {
                all.get(STRAGGLER_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException late) {
                LOG.errorf("cluster work outlived its deadline by %d ms", STRAGGLER_GRACE.toMillis());
            } catch (ExecutionException failed) {
                // each cluster's failure is read below
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        } catch (ExecutionException e) {
            // each cluster's failure is read below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T answer(DataPlane cluster, CompletableFuture<Settled<T>> future,
            BiFunction<DataPlane, String, T> onFailure, String timedOut) {
        Settled<T> settled = future.getNow(null);
        if (settled == null) {
            return failed(cluster, timedOut, onFailure);
        }
        if (settled.failure() == null) {
            return settled.value();
        }
        // A request that gave up at the deadline timed out, whatever the error it gave up with.
        return failed(cluster, settled.late() || settled.failure() instanceof Deadline.Exceeded ? timedOut
                : KubeErrors.describe(settled.failure()), onFailure);
    }

    private String timedOut() {
        return "timed out after " + timeout.toMillis() + " ms (meshns.fanout-timeout)";
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
}
