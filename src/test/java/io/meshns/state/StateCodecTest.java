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
                .withLock("holder-1", T.plusSeconds(20));
        Map<String, String> data = StateCodec.encode(state);
        assertEquals("rev:canary", data.get("desired"));
        assertEquals(state, StateCodec.decodeNamespace(data));
    }

    @Test
    void aForeignEntryIsIgnoredNotFatal() {
        NamespaceState state = StateCodec.decodeNamespace(Map.of("desired", "enabled", "cluster.east", "not json"));
        assertEquals(Injection.ENABLED, state.desired());
        assertEquals(Map.of(), state.clusters());
    }

    @Test
    void clusterRecordSurvivesARoundTrip() {
        ClusterRecord cluster = new ClusterRecord("east", "https://east.example:6443", Map.of("region", "eu"), T);
        assertEquals(cluster, StateCodec.decodeCluster("east", StateCodec.encode(cluster)));
    }
}
