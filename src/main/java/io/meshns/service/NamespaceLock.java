package io.meshns.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshns.config.MeshConfig;
import io.meshns.error.MeshException;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;
import io.meshns.state.NamespaceState;
import io.meshns.state.StateStore;

/**
 * Serializes injection changes to one namespace across all instances, so the control plane and
 * every data plane end with the same, last, change. The lock is a field of the namespace's state
 * ConfigMap written with its resourceVersion; it expires on its own if its holder dies.
 */
@ApplicationScoped
public class NamespaceLock {

    private static final long FIRST_WAIT_MILLIS = 20;
    private static final long MAX_WAIT_MILLIS = 250;

    private final StateStore store;
    private final Duration ttl;

    public NamespaceLock(StateStore store, MeshConfig config) {
        this.store = store;
        // Long enough for the control-plane patch and a fan-out, each bounded by the fan-out timeout.
        this.ttl = config.fanoutTimeout().multipliedBy(2).plusSeconds(10);
    }

    /**
     * What a change made under the lock: recorded in the namespace's state as the lock is released.
     * {@code settings} updates the per-cluster settings in the same write.
     */
    public record Change(Injection desired, Collection<Outcome> outcomes, UnaryOperator<NamespaceState> settings) {

        /** A change that leaves the per-cluster settings as they are. */
        public Change(Injection desired, Collection<Outcome> outcomes) {
            this(desired, outcomes, UnaryOperator.identity());
        }
    }

    /**
     * Runs {@code change} holding the namespace's lock, then records what it returns (nothing when
     * it returns null or fails) and releases the lock, in one write.
     */
    public Change run(String namespace, Supplier<Change> change) {
        String holder = acquire(namespace);
        Change[] done = { null };
        try {
            done[0] = change.get();
            return done[0];
        } finally {
            Instant now = Instant.now();
            store.updateNamespaceState(namespace, state -> released(
                    done[0] == null ? state
                            : done[0].settings().apply(state).withOutcomes(done[0].desired(), done[0].outcomes(), now),
                    holder));
        }
    }

    /** Waits until this caller holds the lock of {@code namespace}; returns the holder id to release with. */
    private String acquire(String namespace) {
        String holder = UUID.randomUUID().toString();
        Instant giveUp = Instant.now().plus(ttl).plus(ttl);
        long wait = FIRST_WAIT_MILLIS;
        while (true) {
            Instant now = Instant.now();
            NamespaceState state = store.updateNamespaceState(namespace,
                    current -> current.lockedAt(now) ? current : current.withLock(holder, now.plus(ttl)));
            if (holder.equals(state.lockHolder())) {
                return holder;
            }
            if (now.isAfter(giveUp)) {
                throw MeshException.conflict("namespace-busy", "another change to namespace \"" + namespace
                        + "\" has been running for over " + ttl.multipliedBy(2).toSeconds() + " s; try again");
            }
            sleep(wait);
            wait = Math.min(wait * 2, MAX_WAIT_MILLIS);
        }
    }

    /** The state change that releases the lock, when {@code holder} still holds it. */
    private static NamespaceState released(NamespaceState state, String holder) {
        return holder.equals(state.lockHolder()) ? state.withoutLock() : state;
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
