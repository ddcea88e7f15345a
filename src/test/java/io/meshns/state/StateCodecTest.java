package io.meshns.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
