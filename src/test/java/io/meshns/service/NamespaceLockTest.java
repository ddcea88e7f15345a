package io.meshns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.meshns.error.MeshException;
import io.meshns.kube.Deadline;
import io.meshns.mesh.HistoryEntry;
import io.meshns.mesh.Injection;
import io.meshns.service.NamespaceLock.Locked;
import io.meshns.mesh.Outcome;
import io.meshns.mock.MockApiServer;
import io.meshns.state.NamespaceState;
import io.meshns.state.NamespaceStates;
import io.meshns.state.StateNamespace;
import io.meshns.testing.TestConfig;

/**
 * The namespace lock between instances: two NamespaceLocks over one control plane are two
 * instances, each with a clock of its own that the test moves (waiting for a lock advances it).
 */
class NamespaceLockTest {

    private static final Duration WORK = Duration.ofSeconds(4);
    private static final Duration TTL = Duration.ofSeconds(9);

    private final MockApiServer controlPlane = MockApiServer.start();
    private final NamespaceStates store = new NamespaceStates(controlPlane.client(),
            new StateNamespace(controlPlane.client(), TestConfig.withFanoutTimeout(Duration.ofSeconds(2))));

    @AfterEach
    void stop() {
        controlPlane.close();
    }

    /** An instance whose clock moves only when it waits, or when the test says so. */
    private static final class Instance {
        final AtomicLong nanos = new AtomicLong();
        final NamespaceLock lock;

        Instance(NamespaceStates store, long start) {
            nanos.set(start);
            lock = new NamespaceLock(store, WORK, TTL, nanos::get, millis -> nanos.addAndGet(millis * 1_000_000));
        }

        Deadline in(Duration duration) {
            return Deadline.at(nanos::get, nanos.get() + duration.toNanos());
        }
    }

    private NamespaceState state(String ns) {
        return store.namespaceState(ns).orElse(NamespaceState.EMPTY);
    }

    @Test
    void aHolderThatLostTheLockRecordsNothingOverTheNextHolder() throws Exception {
        Instance a = new Instance(store, 0);
        Instance b = new Instance(store, 123_456_789_000L);
        CountDownLatch aHolds = new CountDownLatch(1);
        CountDownLatch bDone = new CountDownLatch(1);
        NamespaceLock.Lease[] aLease = { null };

        CompletableFuture<?> slowA = CompletableFuture.runAsync(() -> a.lock.run("shop", Deadline.in(Duration.ofSeconds(5)),
                lease -> {
                    aLease[0] = lease;
                    aHolds.countDown();
                    await(bDone);
                    return Locked.recording(null, new NamespaceLock.Change(Injection.ENABLED, List.of(Outcome.applied("east")))
                            .withHistory(new HistoryEntry("2026-01-01T00:00:00Z", "a", "InjectionEnabled", Map.of("east", "applied"))));
                }));
        aHolds.await();
        // B waits, on its own clock, until it has seen A hold the lock for longer than its lease.
        b.lock.run("shop", b.in(Duration.ofMinutes(1)),
                lease -> Locked.recording(null, new NamespaceLock.Change(Injection.DISABLED, List.of(Outcome.unchanged("east")))
                        .withHistory(new HistoryEntry("2026-01-01T00:00:09Z", "b", "InjectionDisabled", Map.of("east", "unchanged")))));
        a.nanos.addAndGet(TTL.toNanos()); // A was that slow too, by its own clock
        assertTrue(aLease[0].deadline().passed(), "A may send nothing more");
        bDone.countDown();
        slowA.join();

        NamespaceState after = state("shop");
        assertEquals(Injection.DISABLED, after.desired(), "A's late release wrote A's intent over B's");
        assertEquals(Outcome.Result.UNCHANGED, after.clusters().get("east").outcome());
        assertNull(after.lockHolder());
        // What A did is still told, after B's change (it was recorded last), with no outcome of its own.
        assertEquals(List.of("a", "b"), after.history().stream().map(HistoryEntry::by).toList());
    }

    /** The lock of an earlier version carries the holder's wall-clock expiry; this one an hour ahead. */
    @Test
    void aLockFromAnInstanceWhoseClockIsAnHourAheadStillExpires() {
        controlPlane.client().configMaps().inNamespace("meshns-system").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("namespace-shop").addToLabels("meshns.io/namespace", "shop").endMetadata()
                .addToData("lock.holder", "dead-instance")
                .addToData("lock.expires", Instant.now().plus(Duration.ofHours(1)).toString()).build()).create();
        Instance b = new Instance(store, 0);

        b.lock.run("shop", b.in(Duration.ofMinutes(1)), lease -> Locked.recording(null, new NamespaceLock.Change(Injection.DISABLED, List.of())));

        assertEquals(Injection.DISABLED, state("shop").desired());
        assertTrue(b.nanos.get() > TTL.toNanos(), "B waited a whole lease first");
    }

    @Test
    void aLiveHolderIsWaitedForOnlyUntilTheCallersDeadline() {
        Instance a = new Instance(store, 0);
        Instance b = new Instance(store, 0);
        a.lock.run("shop", a.in(Duration.ofSeconds(1)), lease -> {
            MeshException busy = assertThrows(MeshException.class,
                    () -> b.lock.run("shop", b.in(Duration.ofSeconds(3)), l -> null));
            assertEquals("namespace-busy", busy.code());
            assertTrue(b.nanos.get() <= Duration.ofSeconds(3).toNanos(), "B gave up by its deadline");
            return null;
        });
        assertNull(state("shop").lockHolder());
    }

    @Test
    void aStateWithNothingLeftInItIsDeletedOnRelease() {
        Instance a = new Instance(store, 0);
        a.lock.run("gone", a.in(Duration.ofSeconds(1)), lease -> null);
        assertTrue(store.namespaceState("gone").isEmpty());
    }

    @Test
    void aLockTakenFromAFreeStateProvesNothingHappenedSinceThatVersion() {
        store.updateNamespaceState("shop", state -> state.withDesired(Injection.ENABLED));
        String seen = version("shop");
        NamespaceLock.Lease lease = leaseTaken("shop", Duration.ofSeconds(1));
        assertEquals(seen, lease.before());
        assertTrue(lease.takenOver(seen));
    }

    @Test
    void aLockTakenOverFromASilentHolderDoesNotVouchForWhatWasReadWhileItHeldIt() {
        // Another instance holds the lock: it may be labelling clusters while this one reads them.
        store.updateNamespaceState("shop", state -> state.withDesired(Injection.ENABLED).withLock("silent-holder", TTL));
        String seenWhileHeld = version("shop");
        NamespaceLock.Lease lease = leaseTaken("shop", Duration.ofSeconds(30));
        assertEquals(seenWhileHeld, lease.before(), "the lock was written over the very version seen");
        assertTrue(!lease.takenOver(seenWhileHeld), "a read made while another held the lock must be made again");
        assertNull(state("shop").lockHolder());
    }

    /** The lease a new instance gets for {@code ns}, waiting for it at most {@code patience} of its own time. */
    private NamespaceLock.Lease leaseTaken(String ns, Duration patience) {
        Instance instance = new Instance(store, 0);
        NamespaceLock.Lease[] taken = {null};
        instance.lock.run(ns, instance.in(patience), lease -> {
            taken[0] = lease;
            return null;
        });
        return taken[0];
    }

    private String version(String ns) {
        return controlPlane.client().configMaps().inNamespace("meshns-system").withLabel(NamespaceStates.NAMESPACE_LABEL, ns)
                .list().getItems().get(0).getMetadata().getResourceVersion();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
