package io.meshns.testing;

import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.history.ChangeHistory;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;

/**
 * meshns sends its Events in the background, after a call answered: a test that looks for them, or
 * compares a server before and after a call, first waits for those of earlier calls.
 */
public final class Events {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private Events() {
    }

    /**
     * Waits until the function running in this JVM (a @QuarkusTest) has sent every Event handed
     * over so far. Nothing to wait for when no function runs here.
     */
    public static void settled() {
        ArcContainer container = Arc.container();
        if (container != null && container.isRunning() && !container.instance(ChangeHistory.class).get().settle(WAIT)) {
            throw new AssertionError("meshns still had Events to send after " + WAIT);
        }
    }

    /**
     * For a function in another process: waits until no new Event has reached {@code client} for
     * {@code quiet}, at most 10 s. Its Events leave within milliseconds of each answer.
     */
    public static void settledIn(KubernetesClient client, Duration quiet) {
        long end = System.nanoTime() + WAIT.toNanos();
        int seen = count(client);
        long since = System.nanoTime();
        while (System.nanoTime() < end) {
            sleep(50);
            int now = count(client);
            if (now != seen) {
                seen = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= quiet.toNanos()) {
                return;
            }
        }
        throw new AssertionError("Events kept arriving for " + WAIT);
    }

    /** Reads Events with {@code read} until {@code done} says they are all there, at most 10 s; the last read. */
    public static <T> List<T> await(java.util.function.Supplier<List<T>> read, java.util.function.Predicate<List<T>> done) {
        long end = System.nanoTime() + WAIT.toNanos();
        List<T> found = read.get();
        while (!done.test(found) && System.nanoTime() < end) {
            sleep(50);
            found = read.get();
        }
        return found;
    }

    private static int count(KubernetesClient client) {
        return client.v1().events().inAnyNamespace().list().getItems().size();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
