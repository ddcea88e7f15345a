package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshns.mesh.Drift.Finding;

class DriftTest {

    @Test
    void findsAbsentInSyncAndDriftedNamespaces() {
        Map<String, Injection> wanted = new LinkedHashMap<>();
        wanted.put("absent", Injection.ENABLED);
        wanted.put("right", Injection.ENABLED);
        wanted.put("wrong-value", Injection.ENABLED);
        wanted.put("extra-rev", Injection.ENABLED);
        wanted.put("rev-right", Injection.revision("canary"));
        wanted.put("rev-wrong", Injection.revision("canary"));
        wanted.put("disabled-missing", Injection.DISABLED);

        Map<String, Map<String, String>> actual = Map.of(
                "right", Map.of("istio-injection", "enabled", "team", "x"),
                "wrong-value", Map.of("istio-injection", "disabled"),
                "extra-rev", Map.of("istio-injection", "enabled", "istio.io/rev", "old"),
                "rev-right", Map.of("istio.io/rev", "canary"),
                "rev-wrong", Map.of("istio.io/rev", "stable"),
                "disabled-missing", Map.of(),
                "not-a-mesh-namespace", Map.of("istio-injection", "enabled"));

        Map<String, Finding> expected = new LinkedHashMap<>();
        expected.put("absent", Finding.ABSENT);
        expected.put("right", Finding.IN_SYNC);
        expected.put("wrong-value", Finding.DRIFTED);
        expected.put("extra-rev", Finding.DRIFTED);
        expected.put("rev-right", Finding.IN_SYNC);
        expected.put("rev-wrong", Finding.DRIFTED);
        expected.put("disabled-missing", Finding.DRIFTED);
        assertEquals(expected, Drift.of(wanted, actual));
    }
}
