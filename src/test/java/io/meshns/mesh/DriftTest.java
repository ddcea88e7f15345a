package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.meshns.mesh.Drift.Finding;

class DriftTest {

    /** What reconcile wants of each namespace it manages. */
    private static final Map<String, Injection> WANTED = new LinkedHashMap<>();
    /** What one cluster has: the managed namespaces, and some meshns does not manage. */
    private static final Map<String, Map<String, String>> ACTUAL = Map.ofEntries(
            Map.entry("right", Map.of("istio-injection", "enabled", "team", "x")),
            Map.entry("wrong-value", Map.of("istio-injection", "disabled")),
            Map.entry("extra-rev", Map.of("istio-injection", "enabled", "istio.io/rev", "old")),
            Map.entry("rev-right", Map.of("istio.io/rev", "canary")),
            Map.entry("rev-wrong", Map.of("istio.io/rev", "stable")),
            Map.entry("disabled-missing", Map.of()),
            Map.entry("ambient-right", Map.of("istio.io/dataplane-mode", "ambient", "team", "x")),
            Map.entry("ambient-with-sidecar", Map.of("istio.io/dataplane-mode", "ambient", "istio.io/rev", "old")),
            Map.entry("enabled-left-ambient", Map.of("istio-injection", "enabled", "istio.io/dataplane-mode", "ambient")),
            Map.entry("not-a-mesh-namespace", Map.of("istio-injection", "enabled")),
            Map.entry("not-a-mesh-namespace-unlabelled", Map.of("team", "x")));

    static {
        WANTED.put("absent", Injection.ENABLED);
        WANTED.put("right", Injection.ENABLED);
        WANTED.put("wrong-value", Injection.ENABLED);
        WANTED.put("extra-rev", Injection.ENABLED);
        WANTED.put("rev-right", Injection.revision("canary"));
        WANTED.put("rev-wrong", Injection.revision("canary"));
        WANTED.put("disabled-missing", Injection.DISABLED);
        WANTED.put("ambient-right", Injection.AMBIENT);
        WANTED.put("ambient-with-sidecar", Injection.AMBIENT);
        WANTED.put("enabled-left-ambient", Injection.ENABLED);
    }

    @Test
    void findsAbsentInSyncAndDriftedNamespaces() {
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
        assertEquals(expected, Drift.of(WANTED, ACTUAL));
    }

    @Test
    void describeMeshCallsACellDriftedExactlyWhereReconcileWouldPatchIt() {
        Map<String, Finding> findings = Drift.of(WANTED, ACTUAL);
        TreeSet<String> everyNamespace = new TreeSet<>(WANTED.keySet());
        everyNamespace.addAll(ACTUAL.keySet());
        for (String namespace : everyNamespace) {
            boolean managed = WANTED.containsKey(namespace);
            // A namespace meshns does not manage wants nothing mesh-wide, and has no setting of its own.
            ClusterState cell = ClusterState.of(managed, WANTED.getOrDefault(namespace, Injection.UNSET), ACTUAL.get(namespace));
            assertEquals(findings.get(namespace) == Finding.DRIFTED, cell == ClusterState.DRIFTED, namespace + ": " + cell);
        }
    }
}
