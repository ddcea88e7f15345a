package io.meshns.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.meshns.config.CallBudget;
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.meshns.kube.Deadline;
import io.meshns.mesh.HistoryEntry;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;
import io.meshns.state.NamespaceState;
import io.meshns.state.NamespaceStates;

/**
 * Serializes injection changes to one namespace across all instances, so the control plane and
 * every data plane end with the same, last, change. The lock is a field of the namespace's state
 * ConfigMap written with its resourceVersion.
 * <p>
 * It is a lease, fenced by its holder id: the holder sends nothing after its lease ends (its
 * {@link Lease#deadline()} bounds every request, each of which times out at it), and records its
 * outcomes only while the ConfigMap still names it as holder. Another instance takes a lock its
 * holder never released only after seeing the same holder there for the whole lease plus a margin,
 * measured on its own monotonic clock: no two instances need to agree on the time.
 */
@ApplicationScoped
public class NamespaceLock {

    private static final Logger LOG = Logger.getLogger(NamespaceLock.class);
    private static final long FIRST_WAIT_MILLIS = 20;
    private static final long MAX_WAIT_MILLIS = 250;

    private final NamespaceStates store;
    private final Duration work;
    private final Duration ttl;
    private final LongSupplier ticker;
    private final LongConsumer sleeper;
    /** Per namespace: which holder this instance saw there, and since when (its own clock). */
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    private record Seen(String holder, long sinceNanos) {
    }

    @Inject
    public NamespaceLock(NamespaceStates store, CallBudget budget) {
        this(store, budget.work(), budget.leaseTtl(), System::nanoTime, NamespaceLock::sleep);
    }

    /** With a clock and a way to wait of the caller's choosing (tests run many instances' time). */
    NamespaceLock(NamespaceStates store, Duration work, Duration ttl, LongSupplier ticker, LongConsumer sleeper) {
        this.store = store;
        this.work = work;
        this.ttl = ttl;
        this.ticker = ticker;
        this.sleeper = sleeper;
    }

    /**
     * What a change made under the lock: recorded in the namespace's state as the lock is released.
     * {@code settings} updates the per-cluster settings in the same write, and {@code history} (null:
     * none) goes first in the namespace's history.
     */
    public record Change(Injection desired, Collection<Outcome> outcomes, UnaryOperator<NamespaceState> settings,
            HistoryEntry history) {

        public Change(Injection desired, Collection<Outcome> outcomes, UnaryOperator<NamespaceState> settings) {
            this(desired, outcomes, settings, null);
        }

        /** A change that leaves the per-cluster settings as they are. */
        public Change(Injection desired, Collection<Outcome> outcomes) {
            this(desired, outcomes, UnaryOperator.identity());
        }

        /** The same change, written down in the namespace's history as {@code entry}. */
        public Change withHistory(HistoryEntry entry) {
            return new Change(desired, outcomes, settings, entry);
        }
    }

    /**
     * The lock, held: every write of the holder must be sent by {@code deadline}. {@code state} is
     * the namespace's state as the lock was taken and {@code before} its resourceVersion (null: there
     * was none), so the holder can tell whether anything was recorded since it last read the state;
     * {@code wasFree}: nobody held the lock at {@code before} (false when an abandoned lock was taken over).
     */
    public record Lease(String holder, Deadline deadline, String before, NamespaceState state, boolean wasFree) {

        /**
         * True when the lock was written over {@code version} itself, and nobody held it there: nobody
         * wrote the state between this instance seeing it at that version and taking the lock, and
         * nobody was changing the namespace then. Every change takes and releases the lock with a
         * write of the state, so none ran in between either. A lock taken over from a holder that went
         * silent proves nothing: that holder may have labelled clusters after the version was seen.
         */
        public boolean takenOver(String version) {
            return wasFree && version != null && version.equals(before);
        }
    }

    /**
     * What work under the lock did: its {@code result} for the caller, and the {@code change} to
     * record as the lock is released (null: nothing).
     */
    public record Locked<T>(T result, Change change) {

        public static <T> Locked<T> recording(T result, Change change) {
            return new Locked<>(result, change);
        }

        /** Work that changed nothing: the lock goes with nothing recorded. */
        public static <T> Locked<T> nothing(T result) {
            return new Locked<>(result, null);
        }
    }

    /**
     * Runs {@code work} holding the namespace's lock, then records the change it returns (nothing
     * when it returns null or fails) and releases the lock, in one write; a holder that lost the lock
     * meanwhile records no outcome, only its history entry (what it did, after what came since).
     * Waits for the lock until {@code waitUntil}, then answers 409 namespace-busy.
     */
    public <T> Locked<T> run(String namespace, Deadline waitUntil, Function<Lease, Locked<T>> work) {
        Lease lease = acquire(namespace, waitUntil);
        Locked<T> done = null;
        try {
            done = work.apply(lease);
            return done;
        } finally {
            release(namespace, lease, done == null ? null : done.change());
        }
    }

    /**
     * Records {@code recorded} (null: nothing) and releases the lock in one write. Should the API
     * server refuse that write (a state it finds invalid or too large), the lock is released alone:
     * the next change of the namespace need not wait out the lease, and the caller still gets the
     * outcomes its change earned; the next reconcile records them again.
     */
    private void release(String namespace, Lease lease, Change recorded) {
        Instant now = Instant.now();
        try {
            // Never re-creates a state deleted meanwhile (with its namespace).
            store.updateExistingNamespaceState(namespace, state -> {
                NamespaceState after = state;
                // Otherwise someone else holds it now (or held it): what we saw is older than what they did.
                if (lease.holder().equals(state.lockHolder())) {
                    after = (recorded == null ? state
                            : recorded.settings().apply(state).withOutcomes(recorded.desired(), recorded.outcomes(), now))
                            .withoutLock();
                }
                return recorded == null || recorded.history() == null ? after : after.withHistory(recorded.history());
            });
        } catch (MeshException refused) {
            if (refused.status() == 503) {
                throw refused;
            }
            LOG.warnf("namespace %s: the control plane refused its state (%s); the lock is released without it",
                    namespace, refused.getMessage());
            store.updateExistingNamespaceState(namespace,
                    state -> lease.holder().equals(state.lockHolder()) ? state.withoutLock() : state);
        }
    }

    private Lease acquire(String namespace, Deadline waitUntil) {
        String holder = UUID.randomUUID().toString();
        long wait = FIRST_WAIT_MILLIS;
        while (true) {
            // The lease is counted from before the write is sent: it cannot end later for us than for others.
            long sent = ticker.getAsLong();
            boolean[] wasFree = {false};
            NamespaceStates.Stored taken = store.applyToNamespaceState(namespace, current -> {
                wasFree[0] = current.lockHolder() == null;
                return wasFree[0] || abandoned(namespace, current) ? current.withLock(holder, ttl) : current;
            });
            if (holder.equals(taken.state().lockHolder())) {
                seen.remove(namespace);
                return new Lease(holder, Deadline.at(ticker, sent + work.toNanos()), taken.version(), taken.state(),
                        wasFree[0]);
            }
            if (waitUntil.remaining().toMillis() < wait) {
                throw ErrorCode.NAMESPACE_BUSY.error("another change to namespace \"" + namespace
                        + "\" is still running; try again");
            }
            sleeper.accept(wait);
            wait = Math.min(wait * 2, MAX_WAIT_MILLIS);
        }
    }

    /** True once this instance has seen the same holder for longer than its lease, on its own clock. */
    private boolean abandoned(String namespace, NamespaceState state) {
        long now = ticker.getAsLong();
        Seen since = seen.compute(namespace, (ns, old) -> old != null && old.holder().equals(state.lockHolder()) ? old
                : new Seen(state.lockHolder(), now));
        Duration lease = state.lockLease() != null ? state.lockLease() : ttl;
        return now - since.sinceNanos() > lease.toNanos();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a namespace lock", e);
        }
    }
}
