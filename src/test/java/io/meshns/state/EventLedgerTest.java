package io.meshns.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.meshns.error.MeshException;
import io.meshns.kube.Deadline;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Requests;
import io.meshns.testing.TestConfig;

/** The event ledger against a CRUD API server: what it keeps, and for whom. */
class EventLedgerTest {

    private final MockApiServer controlPlane = MockApiServer.start();
    private final TestConfig config = TestConfig.withFanoutTimeout(Duration.ofSeconds(2));
    private final StateNamespace stateNamespace = new StateNamespace(controlPlane.client(), config);
    private final EventLedger ledger = new EventLedger(controlPlane.client(), stateNamespace);

    @AfterEach
    void stop() {
        controlPlane.close();
    }

    private EventLedger.Claim claim(String id, String function, String input) {
        return ledger.claim("/broker", id, function, input, Deadline.in(Duration.ofSeconds(1)), Duration.ofSeconds(50));
    }

    private void record(String id, String function, String answer) {
        ledger.complete((EventLedger.Claimed) claim(id, function, "{}"), answer, Deadline.in(Duration.ofSeconds(1)));
    }

    private String answerFor(String id, String function) {
        return assertInstanceOf(EventLedger.Answered.class, claim(id, function, "{}")).answer();
    }

    /** A registerCluster answer for ~12,000 namespaces must not wipe the answers recorded beside it. */
    @Test
    void aHugeAnswerDropsNoOtherEntry() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            ids.add("e-" + i);
        }
        for (String id : ids.subList(0, 50)) {
            record(id, "enableInjection", "{\"name\":\"" + id + "\"}");
        }
        String huge = "{\"namespaces\":[" + "{\"namespace\":\"ns-0000\",\"outcome\":\"applied\"},".repeat(12000) + "{}]}";
        record(ids.get(50), "registerCluster", huge);

        for (String id : ids.subList(0, 50)) {
            assertEquals("{\"name\":\"" + id + "\"}", answerFor(id, "enableInjection"));
        }
        assertEquals(huge, answerFor(ids.get(50), "registerCluster"));
    }

    /** The ledger keeps its entries where every other state object is, labelled as meshns' like them. */
    @Test
    void aClaimMakesTheStateNamespaceAndItsEntryIsLabelledAsEveryStateObject() {
        assertFalse(stateNamespace.exists());
        EventLedger.Claimed claimed = assertInstanceOf(EventLedger.Claimed.class, claim("first", "enableInjection", "{}"));

        assertTrue(stateNamespace.exists());
        var entry = controlPlane.client().configMaps().inNamespace("meshns-system").withName(claimed.name()).get();
        assertEquals(java.util.Map.of(EventLedger.LEDGER_LABEL, "event", StateNamespace.MANAGED_BY, "meshns"),
                entry.getMetadata().getLabels());
        assertEquals("enableInjection", entry.getData().get("function"));
    }

    @Test
    void aSecondClaimWhileTheFirstRunsWaitsThenSaysSo() {
        assertInstanceOf(EventLedger.Claimed.class, claim("busy-1", "enableInjection", "{}"));
        MeshException inProgress = org.junit.jupiter.api.Assertions.assertThrows(MeshException.class,
                () -> claim("busy-1", "enableInjection", "{}"));
        assertEquals(503, inProgress.status());
        assertEquals("event-in-progress", inProgress.code());
    }

    /**
     * Pruning lists the ledger in pages (limit, continue) of metadata only, however many entries
     * there are, and deletes the entries created longer than the retention ago, and no other.
     */
    @Test
    void pruningPagesThroughTheLedgerAndDeletesOnlyEntriesPastRetention() throws InterruptedException {
        controlPlane.withPagedLists();
        for (int i = 0; i < 15; i++) {
            record("old-" + i, "enableInjection", "{}");
        }
        var configMaps = controlPlane.client().configMaps().inNamespace("meshns-system");
        configMaps.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("namespace-shop")
                .addToLabels(NamespaceStates.NAMESPACE_LABEL, "shop").endMetadata().build()).create();
        Instant lastOld = creationOf("old-14");
        // Creation times are whole seconds: the fresh entries come in a later second than the old ones.
        while (!Instant.now().isAfter(lastOld.plusSeconds(1))) {
            Thread.sleep(50);
        }
        for (int i = 0; i < 10; i++) {
            record("fresh-" + i, "enableInjection", "{}");
        }
        Instant firstFresh = creationOf("fresh-0");
        Requests.drain(controlPlane.mock());

        // Another instance, at a time when the fresh entries have just reached the retention: it prunes on its first claim.
        new EventLedger(controlPlane.client(), new StateNamespace(controlPlane.client(), config), System::nanoTime,
                () -> firstFresh.plus(EventLedger.RETENTION), 10)
                .claim("/broker", "new", "enableInjection", "{}", Deadline.in(Duration.ofSeconds(5)), Duration.ofSeconds(50));

        List<String> lists = new ArrayList<>();
        RecordedRequest request;
        while ((request = controlPlane.mock().takeRequest(20, TimeUnit.MILLISECONDS)) != null) {
            if (request.getMethod().equals("GET") && request.getPath().startsWith("/api/v1/namespaces/meshns-system/configmaps?")) {
                lists.add(request.getPath() + " Accept: " + request.getHeader("Accept"));
            }
        }
        assertEquals(3, lists.size(), lists.toString());
        assertTrue(lists.stream().allMatch(r -> r.contains("Accept: application/json;as=PartialObjectMetadataList;")),
                lists.toString());
        assertTrue(lists.stream().allMatch(r -> r.contains("labelSelector=meshns.io%2Fledger") && r.contains("limit=10")),
                lists.toString());
        assertTrue(lists.stream().skip(1).allMatch(r -> r.contains("continue=")), lists.toString());
        List<String> left = ledgerEntries().stream().map(e -> e.getMetadata().getName()).sorted().toList();
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fresh.add(EventLedger.entryName("/broker", "fresh-" + i));
        }
        fresh.add(EventLedger.entryName("/broker", "new"));
        assertEquals(fresh.stream().sorted().toList(), left);
        assertTrue(configMaps.withName("namespace-shop").get() != null, "a ConfigMap of the state namespace that is no ledger entry stays");
    }

    private List<io.fabric8.kubernetes.api.model.ConfigMap> ledgerEntries() {
        return controlPlane.client().configMaps().inNamespace("meshns-system").withLabel(EventLedger.LEDGER_LABEL).list()
                .getItems();
    }

    private Instant creationOf(String id) {
        return Instant.parse(controlPlane.client().configMaps().inNamespace("meshns-system")
                .withName(EventLedger.entryName("/broker", id)).get().getMetadata().getCreationTimestamp());
    }

    /**
     * A handler not heard of for a whole call is taken over by another instance; when it comes back
     * and fails (or finishes), the event is no longer its own: it neither gives up nor answers for
     * the new handler's claim, which would let the event run a third time or answer it wrongly.
     */
    @Test
    void aClaimTakenOverIsNeitherGivenUpNorAnsweredByItsFormerHandler() {
        Duration call = Duration.ofSeconds(50);
        AtomicLong clock = new AtomicLong();
        EventLedger otherInstance = new EventLedger(controlPlane.client(),
                new StateNamespace(controlPlane.client(), config), clock::get);
        EventLedger.Claimed first = assertInstanceOf(EventLedger.Claimed.class, claim("silent-1", "enableInjection", "{}"));
        MeshException waiting = assertThrows(MeshException.class, () -> otherInstance.claim("/broker", "silent-1",
                "enableInjection", "{}", Deadline.in(Duration.ZERO), call));
        assertEquals(503, waiting.status());
        clock.addAndGet(call.toNanos() + 1);
        EventLedger.Claimed second = assertInstanceOf(EventLedger.Claimed.class, otherInstance.claim("/broker", "silent-1",
                "enableInjection", "{}", Deadline.in(Duration.ZERO), call));
        assertTrue(second.takenOver());
        assertEquals(first.firstClaimed(), second.firstClaimed());

        ledger.abandon(first, true);
        ledger.abandon(first, false);
        ledger.complete(first, "{\"by\":\"first\"}", Deadline.in(Duration.ofSeconds(1)));
        var entry = controlPlane.client().configMaps().inNamespace("meshns-system")
                .withName(EventLedger.entryName("/broker", "silent-1")).get();
        assertEquals(second.claimant(), entry == null ? null : entry.getData().get("claimant"));

        otherInstance.complete(second, "{\"by\":\"second\"}", Deadline.in(Duration.ofSeconds(1)));
        assertEquals("{\"by\":\"second\"}", answerFor("silent-1", "enableInjection"));
    }

    @Test
    void aClaimGivenUpAfterACallersMistakeIsClaimedAfresh() {
        ledger.abandon((EventLedger.Claimed) claim("failed-1", "enableInjection", "{}"), false);
        assertFalse(assertInstanceOf(EventLedger.Claimed.class, claim("failed-1", "enableInjection", "{}")).takenOver());
    }

    /**
     * A call that failed after it may have done some of its work (a 5xx) leaves its event to the next
     * delivery at once, which knows that it takes over and since when the event was claimed, so that
     * it can tell the work done already from a real conflict.
     */
    @Test
    void aClaimGivenUpAfterItMayHaveActedIsTakenOverAtOnceKnowingWhenItWasFirstClaimed() {
        EventLedger.Claimed first = assertInstanceOf(EventLedger.Claimed.class, claim("half-1", "createNamespace", "{}"));
        assertFalse(first.takenOver());
        assertEquals(Instant.parse(controlPlane.client().configMaps().inNamespace("meshns-system")
                .withName(EventLedger.entryName("/broker", "half-1")).get().getMetadata().getCreationTimestamp()),
                first.firstClaimed());

        ledger.abandon(first, true);

        EventLedger.Claimed again = assertInstanceOf(EventLedger.Claimed.class, ledger.claim("/broker", "half-1",
                "createNamespace", "{}", Deadline.in(Duration.ZERO), Duration.ofSeconds(50)));
        assertTrue(again.takenOver());
        assertEquals(first.firstClaimed(), again.firstClaimed());
    }
}
