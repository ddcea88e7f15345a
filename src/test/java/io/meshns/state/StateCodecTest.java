package io.meshns.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;

class StateCodecTest {

    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void namespaceStateSurvivesARoundTrip() {
        NamespaceState state = NamespaceState.EMPTY
                .withOutcomes(Injection.revision("canary"),
                        List.of(Outcome.applied("east"), Outcome.failed("west", "unreachable: ConnectException")), T)
                .withLock("holder-1", java.time.Duration.ofSeconds(14));
        Map<String, String> data = StateCodec.encode(state);
        assertEquals("rev:canary", data.get("desired"));
        assertEquals(state, StateCodec.decodeNamespace(data));
    }

    @Test
    void perClusterSettingsSurviveARoundTripAndEachOutcomeIsRecordedForItsClustersSetting() {
        NamespaceState state = NamespaceState.EMPTY
                .withSetting(List.of("east"), Injection.AMBIENT)
                .withOutcomes(Injection.ENABLED, List.of(Outcome.applied("east"), Outcome.unchanged("west")), T);
        Map<String, String> data = StateCodec.encode(state);
        assertEquals("ambient", data.get("setting.east"));
        assertEquals(false, data.containsKey("setting.west"));
        NamespaceState decoded = StateCodec.decodeNamespace(data);
        assertEquals(state, decoded);
        assertEquals(Injection.AMBIENT, decoded.clusters().get("east").desired());
        assertEquals(Injection.ENABLED, decoded.clusters().get("west").desired());
        assertEquals(true, decoded.agreesWith(Injection.ENABLED, List.of(Outcome.unchanged("east"), Outcome.unchanged("west"))));
        assertEquals(false, decoded.withoutSetting("east")
                .agreesWith(Injection.ENABLED, List.of(Outcome.unchanged("east"))), "east should now follow the default");
        assertEquals(Map.of(), decoded.withoutSettings().settings());
    }

    @Test
    void aForeignEntryIsIgnoredNotFatal() {
        NamespaceState state = StateCodec.decodeNamespace(Map.of("desired", "enabled", "cluster.east", "not json",
                "setting.west", "bogus"));
        assertEquals(Injection.ENABLED, state.desired());
        assertEquals(Map.of(), state.clusters());
        assertEquals(Map.of(), state.settings());
    }

    @Test
    void theShortReadOfAStateJudgesManagedAsTheFullReadDoes() {
        List<Map<String, String>> states = List.of(
                Map.of(),
                // A namespace created without injection: its history alone does not make it managed.
                StateCodec.encode(NamespaceState.EMPTY.withHistory(new io.meshns.mesh.HistoryEntry(T.toString(), "alice",
                        "NamespaceCreated", Map.of()))),
                StateCodec.encode(NamespaceState.EMPTY.withDesired(Injection.UNSET)),
                StateCodec.encode(NamespaceState.EMPTY.withSetting(List.of("east"), Injection.DISABLED)),
                StateCodec.encode(NamespaceState.EMPTY.withLock("holder-1", java.time.Duration.ofSeconds(14))),
                Map.of("cluster.east", "{\"outcome\":\"absent\",\"time\":\"" + T + "\"}"),
                Map.of("cluster.east", "not json", "cluster.west", "{\"time\":\"" + T + "\"}"),
                Map.of("desired", "bogus", "setting.west", "bogus"));
        for (Map<String, String> data : states) {
            assertEquals(StateCodec.decodeNamespace(data).intent(), StateCodec.decodeIntent(data), data.toString());
        }
        assertEquals(List.of(false, false, true, true, true, true, false, false),
                states.stream().map(data -> StateCodec.decodeIntent(data).manages()).toList());
    }

    @Test
    void aRecordIsWrittenAsJacksonWritesTheSameFieldsAndReadBack() throws Exception {
        String awkward = "said \"no\" \\ then\n\ttab, \u0001 bell, caf\u00e9, \u2603 and </script>";
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("outcome", "failed");
        fields.put("message", awkward);
        fields.put("time", "2026-01-02T03:04:05Z");
        fields.put("desired", "rev:canary");
        assertEquals(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(fields),
                StateCodec.writeRecord("failed", awkward, "2026-01-02T03:04:05Z", "rev:canary"));
        assertEquals("{\"outcome\":\"applied\",\"time\":\"2026-01-02T03:04:05Z\"}",
                StateCodec.writeRecord("applied", null, "2026-01-02T03:04:05Z", null));

        NamespaceState state = NamespaceState.EMPTY.withOutcomes(Injection.ENABLED,
                List.of(Outcome.failed("east", awkward), Outcome.applied("west")), T);
        assertEquals(state, StateCodec.decodeNamespace(StateCodec.encode(state)));
    }

    @Test
    void aRecordIsReadWhenItIsAFlatObjectAndIgnoredOtherwise() {
        Map<String, String> data = new java.util.HashMap<>();
        data.put("cluster.flat", "{\"outcome\":\"failed\",\"message\":null,\"time\":\"2026-01-02T03:04:05Z\",\"tries\":3}");
        data.put("cluster.nested", "{\"outcome\":\"applied\",\"extra\":{\"a\":\"b\"}}");
        data.put("cluster.list", "{\"outcome\":\"applied\",\"extra\":[1]}");
        data.put("cluster.trailing", "{\"outcome\":\"applied\"} {}");
        data.put("cluster.array", "[\"applied\"]");
        data.put("cluster.cut", "{\"outcome\":\"applied\"");
        NamespaceState state = StateCodec.decodeNamespace(data);
        assertEquals(List.of("flat"), List.copyOf(state.clusters().keySet()));
        assertEquals(Outcome.Result.FAILED, state.clusters().get("flat").outcome());
        assertEquals(null, state.clusters().get("flat").message());
        assertEquals(T, state.clusters().get("flat").time());
    }

    @Test
    void anUnknownOutcomeWordIsReportedNotThrown() {
        NamespaceState state = StateCodec.decodeNamespace(Map.of("desired", "sideways",
                "cluster.east", "{\"outcome\":\"exploded\",\"time\":\"2026-01-02T03:04:05Z\"}"));
        assertEquals(null, state.desired());
        Outcome east = state.clusters().get("east").toOutcome("east");
        assertEquals(Outcome.Result.FAILED, east.outcome());
        org.junit.jupiter.api.Assertions.assertTrue(east.message().contains("exploded"), east.message());
    }

    @Test
    void clusterRecordSurvivesARoundTrip() {
        ClusterRecord cluster = new ClusterRecord("east", "https://east.example:6443", Map.of("region", "eu"), T);
        assertEquals(cluster, StateCodec.decodeCluster("east", StateCodec.encode(cluster)));
    }

    /** A state as meshns writes it: every cluster's record, a setting each, a lock and a full history. */
    private static NamespaceState stateOf(int clusters, String message) {
        Map<String, NamespaceState.ClusterRecord> records = new java.util.TreeMap<>();
        Map<String, Injection> settings = new java.util.TreeMap<>();
        Map<String, String> words = new java.util.LinkedHashMap<>();
        for (int i = 0; i < clusters; i++) {
            String name = "cluster-" + i;
            records.put(name, new NamespaceState.ClusterRecord(Outcome.Result.FAILED, message + " " + i, T, Injection.revision("canary")));
            settings.put(name, Injection.revision("canary"));
            words.put(name, "failed");
        }
        List<io.meshns.mesh.HistoryEntry> history = new java.util.ArrayList<>();
        for (int i = 0; i < NamespaceState.HISTORY_KEPT; i++) {
            history.add(new io.meshns.mesh.HistoryEntry(T.plusSeconds(i).toString(), "system:serviceaccount:ops:deployer",
                    "InjectionEnabled", words));
        }
        return new NamespaceState(Injection.ENABLED, records, "holder-1", java.time.Duration.ofSeconds(14), settings, history);
    }

    private static int bytes(Map<String, String> data) {
        return data.entrySet().stream().mapToInt(e -> (e.getKey() + e.getValue())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
    }

    @Test
    void aThousandClustersAnsweringAtLengthStayWithinTheStateBudget() {
        NamespaceState state = stateOf(1000, "denied: \"quoted\" \\ " + "w".repeat(2000));
        Map<String, String> data = StateCodec.encode(state);
        assertTrue(bytes(data) <= StateCodec.BUDGET, bytes(data) + " bytes");
        NamespaceState decoded = StateCodec.decodeNamespace(data);
        assertEquals(1000, decoded.clusters().size());
        assertEquals(1000, decoded.settings().size());
        assertEquals("holder-1", decoded.lockHolder());
        decoded.clusters().values().forEach(record -> assertTrue(record.message() != null
                && record.message().startsWith("denied: \"quoted\"") && record.message().endsWith("…"), record.message()));
        assertTrue(!decoded.history().isEmpty(), "the newest change is still in the history");
    }

    @Test
    void fortyClustersWithThirtyKilobyteMessagesFit() {
        NamespaceState state = stateOf(40, "x".repeat(30_000));
        Map<String, String> data = StateCodec.encode(state);
        assertTrue(bytes(data) <= StateCodec.BUDGET, bytes(data) + " bytes");
        StateCodec.decodeNamespace(data).clusters().values().forEach(record -> assertTrue(
                record.message().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 1024));
    }

    @Test
    void aStateWellWithinTheBudgetIsWrittenWhole() {
        NamespaceState state = stateOf(20, "refused: meshns' credentials lack permission there (403)");
        NamespaceState decoded = StateCodec.decodeNamespace(StateCodec.encode(state));
        assertEquals(state, decoded);
    }
}
