package io.meshns.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshns.mesh.HistoryEntry;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;

/** The history kept in a namespace's state: newest first, 20 at most, and never more bytes than its budget. */
class HistoryCodecTest {

    private static HistoryEntry entry(int i, int clusters) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (int c = 0; c < clusters; c++) {
            outcomes.put("cluster-" + c, "applied");
        }
        return new HistoryEntry("2026-01-02T03:04:" + String.format("%02d", i % 60) + "Z", "admin", "Change" + i, outcomes);
    }

    private static NamespaceState withChanges(int changes, int clusters) {
        NamespaceState state = NamespaceState.EMPTY.withOutcomes(Injection.ENABLED, List.of(Outcome.applied("east")),
                java.time.Instant.EPOCH);
        for (int i = 0; i < changes; i++) {
            state = state.withHistory(entry(i, clusters));
        }
        return state;
    }

    @Test
    void theLastTwentyChangesAreKeptNewestFirstBesideTheState() {
        NamespaceState state = withChanges(25, 2);
        NamespaceState stored = StateCodec.decodeNamespace(StateCodec.encode(state));

        assertEquals(state, stored);
        assertEquals(20, stored.history().size());
        assertEquals("Change24", stored.history().get(0).change());
        assertEquals("Change5", stored.history().get(19).change());
        assertEquals(Injection.ENABLED, stored.desired());
    }

    @Test
    void onAMeshOfManyClustersTheOldestChangesGiveWayToTheByteBudget() {
        // 2,000 clusters: about 50 KB an entry, so two fit in 128 KiB.
        NamespaceState state = withChanges(20, 2_000);
        String json = StateCodec.encode(state).get(HistoryCodec.HISTORY);
        List<HistoryEntry> kept = HistoryCodec.decode(json);

        assertTrue(json.getBytes(StandardCharsets.UTF_8).length <= HistoryCodec.BUDGET, json.length() + " bytes");
        assertTrue(kept.size() > 1 && kept.size() < 20, kept.size() + " entries");
        assertEquals("Change19", kept.get(0).change());
        assertEquals(state.history().subList(0, kept.size()), kept);
    }

    @Test
    void aSingleChangeTooLargeForTheBudgetIsKeptWithTheClustersThatFit() {
        List<HistoryEntry> kept = HistoryCodec.decode(HistoryCodec.encode(List.of(entry(1, 200), entry(0, 2)), 2_000));

        assertEquals(1, kept.size());
        assertEquals("Change1", kept.get(0).change());
        Map<String, String> clusters = kept.get(0).clusters();
        assertTrue(clusters.size() > 10 && clusters.size() < 200, clusters.toString());
        assertEquals((200 - (clusters.size() - 1)) + " more clusters", clusters.get(HistoryCodec.MORE));
    }

    @Test
    void anEntryIsStoredWithItsClustersGroupedByOutcomeInAThirdFewerBytes() {
        Map<String, String> clusters = new LinkedHashMap<>();
        for (int c = 0; c < 20; c++) {
            clusters.put("cluster-" + c, c == 7 ? "failed" : c == 12 ? "absent" : "applied");
        }
        HistoryEntry entry = new HistoryEntry("2026-01-02T03:04:05Z", "admin", "InjectionEnabled", clusters);
        String stored = HistoryCodec.encode(List.of(entry), HistoryCodec.BUDGET);

        assertEquals(List.of(entry), HistoryCodec.decode(stored));
        assertTrue(stored.contains("\"outcomes\":{\"applied\":[\"cluster-0\","), stored);
        assertTrue(stored.contains("\"failed\":[\"cluster-7\"]"), stored);
        String shown = "[{\"time\":\"2026-01-02T03:04:05Z\",\"by\":\"admin\",\"change\":\"InjectionEnabled\",\"clusters\":"
                + clusters.entrySet().stream().map(c -> "\"" + c.getKey() + "\":\"" + c.getValue() + "\"")
                        .collect(java.util.stream.Collectors.joining(",", "{", "}")) + "}]";
        assertTrue(stored.length() * 100 / shown.length() <= 70, stored.length() + " against " + shown.length() + " bytes");
    }

    @Test
    void aHistoryStoredAsGetNamespaceShowsItIsReadToo() {
        String shown = "[{\"time\":\"2026-01-02T03:04:05Z\",\"by\":\"admin\",\"change\":\"InjectionEnabled\","
                + "\"clusters\":{\"east\":\"applied\",\"west\":\"failed\"}},"
                + "{\"time\":\"2026-01-02T03:04:04Z\",\"by\":\"admin\",\"change\":\"NamespaceCreated\",\"clusters\":{}}]";

        assertEquals(List.of(
                new HistoryEntry("2026-01-02T03:04:05Z", "admin", "InjectionEnabled", Map.of("east", "applied", "west", "failed")),
                new HistoryEntry("2026-01-02T03:04:04Z", "admin", "NamespaceCreated", Map.of())), HistoryCodec.decode(shown));
        assertEquals("2026-01-02T03:04:04Z", HistoryCodec.newestTimeOf(shown, "NamespaceCreated"));
    }

    @Test
    void aHandEditedHistoryIsLostButNothingElse() {
        assertEquals(List.of(), HistoryCodec.decode("[{\"time\":\"t\",\"outcomes\":{\"applied\":[{\"east\":1}]}}]"));
        assertEquals(List.of(), HistoryCodec.decode("[{\"time\":\"t\",\"clusters\":{\"east\":[\"applied\"]}}]"));
        assertEquals(List.of(), HistoryCodec.decode("[{\"time\":"));
        assertEquals(List.of(), HistoryCodec.decode("{\"time\":\"t\"}"));
    }

    @Test
    void aStateWithOnlyHistoryManagesNothing() {
        NamespaceState created = NamespaceState.EMPTY.withHistory(entry(0, 0));

        assertEquals(false, created.manages());
        assertEquals(false, created.isEmpty());
        assertEquals(created, StateCodec.decodeNamespace(StateCodec.encode(created)));
    }

    @Test
    void theLastRepairIsTheNewestRepairedEntryFoundWithoutDecodingTheRest() {
        NamespaceState state = NamespaceState.EMPTY
                .withHistory(new HistoryEntry("2026-01-01T10:00:00Z", "reconcile", HistoryEntry.REPAIRED, Map.of("east", "applied")))
                .withHistory(new HistoryEntry("2026-01-02T10:00:00Z", "admin", "InjectionEnabled", Map.of("east", "applied")))
                .withHistory(new HistoryEntry("2026-01-03T10:00:00Z", "reconcile", HistoryEntry.REPAIRED, Map.of("Repaired", "x")))
                .withHistory(entry(4, 3));
        Map<String, String> data = StateCodec.encode(state);
        assertEquals("2026-01-03T10:00:00Z", StateCodec.lastRepair(data));
        assertEquals("2026-01-03T10:00:00Z", HistoryEntry.newestOf(StateCodec.decodeNamespace(data).history(), HistoryEntry.REPAIRED));
        assertEquals(null, StateCodec.lastRepair(StateCodec.encode(withChanges(3, 2))), "no repair recorded");
        assertEquals(null, StateCodec.lastRepair(Map.of("history", "[{\"change\": \"Repaired\", \"time\": ")), "a hand edit");
        assertEquals(null, StateCodec.lastRepair(null));
    }

    @Test
    void theLatestOfSomeTimesPassesOverWhatDoesNotParse() {
        assertEquals("2026-01-03T10:00:00Z", HistoryEntry.latest(java.util.Arrays.asList("2026-01-01T10:00:00Z", null,
                "2026-01-03T10:00:00Z", "yesterday", "2026-01-02T23:59:59Z")));
        assertEquals(null, HistoryEntry.latest(List.of()));
    }
}
