package io.meshns.kube;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;

/**
 * Hands a data-plane request's deadline to Vert.x alone. fabric8 puts a second timer of its own
 * around every request that carries a timeout, and cancels it when the answer comes: two
 * exceptions with their stack traces and a lock on one shared scheduler per request, 8,000 of each
 * per change over 1,000 clusters. {@link ClusterRequests} sends its requests without a timeout, and
 * this interceptor, which fabric8 runs past that timer, gives each one its timeout for Vert.x.
 */
public final class RequestDeadlines implements Interceptor {

    /** The name the interceptor is installed under in each data-plane client. */
    public static final String NAME = "meshns-deadline";

    private static final ThreadLocal<Long> SENDING = new ThreadLocal<>();

    private final long fallbackMillis;
    private final String userAgent;

    /** {@code fallback}: for a request sent again by fabric8 itself (e.g. after a token refresh), outside {@link #sending}. */
    public RequestDeadlines(Duration fallback) {
        this(fallback, null);
    }

    /**
     * The same, also setting each request's User-Agent (null: none), for a client without fabric8's
     * header interceptor, which would otherwise set it: one interceptor fewer for fabric8 to run.
     */
    public RequestDeadlines(Duration fallback, String userAgent) {
        this.fallbackMillis = Math.max(1, fallback.toMillis());
        this.userAgent = userAgent;
    }

    /**
     * Sends, on this thread, requests that time out after {@code timeoutMillis}: fabric8 runs a
     * request's first attempt, interceptors included, on the thread that sends it.
     */
    static <T> T sending(long timeoutMillis, Supplier<T> send) {
        SENDING.set(timeoutMillis);
        try {
            return send.get();
        } finally {
            SENDING.remove();
        }
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if (userAgent != null && !userAgent.isEmpty()) {
            builder.setHeader("User-Agent", userAgent);
        }
        // Requests of fabric8's own DSL carry their timeout already, and keep it.
        if (request instanceof StandardHttpRequest standard && standard.getTimeout() == null
                && builder instanceof HttpRequest.Builder timed) {
            Long millis = SENDING.get();
            timed.timeout(millis != null ? millis : fallbackMillis, TimeUnit.MILLISECONDS);
        }
    }
}
