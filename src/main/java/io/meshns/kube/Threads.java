package io.meshns.kube;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The thread pools meshns's beans run work on, made in one place and closed with the application.
 * Each is bounded, and its threads are named (a thread dump says whose they are) and daemon. Made
 * when first used, at run time, so building a native image starts no thread; threads start with work.
 * ({@link ClusterRequests} keeps its own pool: it serves static request helpers.)
 */
@ApplicationScoped
public class Threads implements AutoCloseable {

    /**
     * {@code FanOut.forEach}'s items block on locks and control-plane calls, each mostly waiting: 128 at
     * once (a migration's namespaces move in one wave up to that), then the caller runs one itself.
     */
    static final int FAN_OUT = 128;
    /** Events cost one control-plane round trip each and are sent after the answer: two senders keep up. */
    static final int EVENT_SENDERS = 2;
    /** Events waiting at most; when a control plane stops answering, further ones are dropped, not held. */
    public static final int EVENTS_QUEUED = 1_000;
    /** Reads a call starts beside its own (two or three per call) only wait: 64 at once, then the caller reads itself. */
    static final int SIDE_BY_SIDE = 64;
    private static final long IDLE_SECONDS = 30;

    private final ThreadPoolExecutor fanOut;
    private final ThreadPoolExecutor events;
    private final ThreadPoolExecutor sideBySide;

    public Threads() {
        // No queue: a thread is made only when none is idle; past the cap the caller runs the item.
        fanOut = pool("meshns-fanout", 0, FAN_OUT, new SynchronousQueue<>(), new ThreadPoolExecutor.CallerRunsPolicy());
        // A full queue rejects (RejectedExecutionException): the sender drops that Event and says so.
        events = pool("meshns-events", EVENT_SENDERS, EVENT_SENDERS, new ArrayBlockingQueue<>(EVENTS_QUEUED),
                new ThreadPoolExecutor.AbortPolicy());
        events.allowCoreThreadTimeOut(true);
        sideBySide = pool("meshns-side-by-side", 0, SIDE_BY_SIDE, new SynchronousQueue<>(),
                new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** For work that blocks, one item per thread: when all are busy, the caller runs the item itself. */
    public Executor fanOut() {
        return fanOut;
    }

    /** For Kubernetes Events sent in the background: refuses (RejectedExecutionException) when its queue is full. */
    public Executor events() {
        return events;
    }

    /** For reads that run beside a call's other work: when all are busy, the caller runs the read itself. */
    public Executor sideBySide() {
        return sideBySide;
    }

    @PreDestroy
    @Override
    public void close() {
        fanOut.shutdownNow();
        events.shutdownNow();
        sideBySide.shutdownNow();
    }

    private static ThreadPoolExecutor pool(String name, int core, int max, BlockingQueue<Runnable> queue,
            RejectedExecutionHandler whenFull) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(core, max, IDLE_SECONDS, TimeUnit.SECONDS, queue, threads, whenFull);
    }
}
