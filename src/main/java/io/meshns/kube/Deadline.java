package io.meshns.kube;

import java.time.Duration;
import java.util.function.Supplier;

/** A point in time after which a call stops retrying; retries what is transient until then. */
public final class Deadline {

    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 800;

    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    public static Deadline in(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos());
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    /**
     * Runs {@code attempt}; on a transient failure waits a little and tries again while time is left.
     * The last failure is rethrown.
     */
    public <T> T retry(Supplier<T> attempt) {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
