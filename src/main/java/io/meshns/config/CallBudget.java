package io.meshns.config;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;

/**
 * How a call's time is shared out, from meshns.fanout-timeout and meshns.call-timeout, so that
 * every call ends within the platform's request timeout. Checked once at start-up.
 */
@ApplicationScoped
public class CallBudget {

    /** Beyond its holder's working time, what others wait before taking a lock nobody released. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(5);
    /** Kept back at the end of a call: reads before the lock, the record-and-release write, the answer. */
    static final Duration RESERVE = Duration.ofSeconds(5);
    /** The least a change may wait for a lock held by another change. */
    static final Duration LEAST_LOCK_WAIT = Duration.ofSeconds(5);

    private final Duration fanout;
    private final Duration call;

    @Inject
    public CallBudget(MeshConfig config) {
        this(config.fanoutTimeout(), config.callTimeout());
    }

    public CallBudget(Duration fanout, Duration call) {
        this.fanout = fanout;
        this.call = call;
    }

    void check(@Observes StartupEvent started) {
        String problem = problem();
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    /** Why these settings cannot work, or null. Pure. */
    public String problem() {
        Duration least = work().plus(RESERVE).plus(LEAST_LOCK_WAIT);
        if (call.compareTo(least) < 0) {
            return "meshns.call-timeout=" + call.toSeconds() + "s is too short for meshns.fanout-timeout="
                    + fanout.toMillis() + "ms: a change needs 2 x fanout-timeout + " + RESERVE.plus(LEAST_LOCK_WAIT).toSeconds()
                    + " s (" + least.toSeconds() + " s); raise call-timeout (below the platform's request timeout) or lower fanout-timeout";
        }
        return null;
    }

    public Duration fanout() {
        return fanout;
    }

    public Duration call() {
        return call;
    }

    /** What the holder of a namespace's lock may spend: the control-plane label, then the fan-out. */
    public Duration work() {
        return fanout.plus(fanout);
    }

    /** How long others wait, on their own clock, before taking a lock its holder never released. */
    public Duration leaseTtl() {
        return work().plus(LEASE_MARGIN);
    }

    /** Until when a change that started with {@code call} left may wait for its namespace's lock. */
    public io.meshns.kube.Deadline lockWait(io.meshns.kube.Deadline call) {
        return call.minus(work().plus(RESERVE));
    }

    /** Time a call keeps back at its end. */
    public Duration reserve() {
        return RESERVE;
    }
}
