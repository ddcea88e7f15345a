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
        wanted.put("ambient-right", Injection.AMBIENT);
        wanted.put("ambient-with-sidecar", Injection.AMBIENT);
        wanted.put("enabled-left-ambient", Injection.ENABLED);

        Map<String, Map<String, String>> actual = Map.of(
                "right", Map.of("istio-injection", "enabled", "team", "x"),
                "wrong-value", Map.of("istio-injection", "disabled"),
                "extra-rev", Map.of("istio-injection", "enabled", "istio.io/rev", "old"),
                "rev-right", Map.of("istio.io/rev", "canary"),
                "rev-wrong", Map.of("istio.io/rev", "stable"),
                "disabled-missing", Map.of(),
                "ambient-right", Map.of("istio.io/dataplane-mode", "ambient", "team", "x"),
                "ambient-with-sidecar", Map.of("istio.io/dataplane-mode", "ambient", "istio.io/rev", "old"),
                "enabled-left-ambient", Map.of("istio-injection", "enabled", "istio.io/dataplane-mode", "ambient"),
                "not-a-mesh-namespace", Map.of("istio-injection", "enabled"));

        Map<String, Finding> expected = new LinkedHashMap<>();
        expected.put("absent", Finding.ABSENT);
        expected.put("right", Finding.IN_SYNC);
        expected.put("wrong-value", Finding.DRIFTED);
        expected.put("extra-rev", Finding.DRIFTED);
        expected.put("rev-right", Finding.IN_SYNC);
        expected.put("rev-wrong", Finding.DRIFTED);
        expected.put("disabled-missing", Finding.DRIFTED);
        expected.put("ambient-right", Finding.IN_SYNC);
        // A sidecar label left behind would keep injecting sidecars into an ambient namespace.
        expected.put("ambient-with-sidecar", Finding.DRIFTED);
        // A dataplane-mode label left behind is drift too: a namespace is in exactly one mode.
        expected.put("enabled-left-ambient", Finding.DRIFTED);
        assertEquals(expected, Drift.of(wanted, actual));
    }
}
