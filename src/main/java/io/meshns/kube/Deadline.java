package io.meshns.kube;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;

/**
 * A point in time after which a call sends nothing more; retries what is transient until then.
 * Read on one instance's monotonic clock only, so no two instances need to agree on the time.
 */
public final class Deadline {

    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 800;

    private final LongSupplier ticker;
    private final long endNanos;

    private Deadline(LongSupplier ticker, long endNanos) {
        this.ticker = ticker;
        this.endNanos = endNanos;
    }

    public static Deadline in(Duration duration) {
        return new Deadline(System::nanoTime, System.nanoTime() + duration.toNanos());
    }

    /** A deadline at {@code endNanos} of {@code ticker} (System.nanoTime, or a test's clock). */
    public static Deadline at(LongSupplier ticker, long endNanos) {
        return new Deadline(ticker, endNanos);
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - ticker.getAsLong()));
    }

    public boolean passed() {
        return endNanos - ticker.getAsLong() <= 0;
    }

    /** Whichever of the two comes first (both on the same clock). */
    public Deadline min(Deadline other) {
        return other.endNanos - endNanos < 0 ? other : this;
    }

    /** This deadline, less {@code reserve}: the time kept back for what must follow. */
    public Deadline minus(Duration reserve) {
        return new Deadline(ticker, endNanos - reserve.toNanos());
    }

    /**
     * {@code client}, for one request that must end by this deadline: it times out at the deadline
     * instead of the client's own timeout, so no request of ours is still on its way after it.
     * Throws {@link Exceeded} instead of starting a request once the deadline has passed.
     */
    public KubernetesClient bound(KubernetesClient client) {
        long millis = remaining().toMillis();
        if (millis <= 0) {
            throw new Exceeded();
        }
        // Shares the client's connections; only the request settings differ. meshns retries itself.
        return client.newClient(new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                .withRequestTimeout((int) Math.min(Integer.MAX_VALUE, millis)).withRequestRetryBackoffLimit(0).build())
                .adapt(KubernetesClient.class);
    }

    /**
     * Runs {@code attempt}; on a transient failure waits a little and tries again while time is left.
     * No attempt starts after the deadline. The last failure is rethrown.
     */
    public <T> T retry(Supplier<T> attempt) {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            if (passed()) {
                throw new Exceeded();
            }
            try {
                return attempt.get();
            } catch (RuntimeException failure) {
                if (!KubeErrors.isTransient(failure) || remaining().toMillis() <= backoff) {
                    throw failure;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /**
     * The timeout of one request sent now, in whole milliseconds rounded up, so that it gives up at
     * the deadline and not before. Throws {@link Exceeded} instead once the deadline has passed.
     */
    public long requestTimeoutMillis() {
        long nanos = endNanos - ticker.getAsLong();
        if (nanos <= 0) {
            throw new Exceeded();
        }
        return (nanos + 999_999) / 1_000_000;
    }

    /**
     * {@link #retry} without a thread waiting: runs {@code attempt} (which sends its requests and
     * returns at once); on a transient failure starts it again after a backoff, on {@code executor},
     * while time is left. No attempt starts after the deadline. The last failure is the result.
     */
    public <T> CompletableFuture<T> retryAsync(Supplier<CompletableFuture<T>> attempt, Executor executor) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attemptAsync(attempt, executor, FIRST_BACKOFF_MILLIS, result);
        return result;
    }

    private <T> void attemptAsync(Supplier<CompletableFuture<T>> attempt, Executor executor, long backoff,
            CompletableFuture<T> result) {
        CompletableFuture<T> started;
        try {
            if (passed()) {
                throw new Exceeded();
            }
            started = attempt.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        started.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable failure = unwrap(error);
            if (!KubeErrors.isTransient(failure) || remaining().toMillis() <= backoff) {
                result.completeExceptionally(failure);
                return;
            }
            Executor later = CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS, executor);
            later.execute(() -> attemptAsync(attempt, executor, Math.min(backoff * 2, MAX_BACKOFF_MILLIS), result));
        });
    }

    /** The failure inside a CompletionException, as the blocking call would have thrown it. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Nothing more was sent: the deadline had passed. */
    public static final class Exceeded extends RuntimeException {
        public Exceeded() {
            super("deadline passed before the request was sent", null, false, false);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
