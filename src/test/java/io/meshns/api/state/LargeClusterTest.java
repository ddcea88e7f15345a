package io.meshns.api.state;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Mesh.createNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.meshns.testing.ManyClusters;
import io.meshns.testing.Mesh;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * A data-plane cluster with many namespaces, read in pages of 10. By a reconcile: all its pages, even
 * when they take longer in all than the fan-out timeout (2 s in tests), as long as each page comes
 * within it; a cluster that stops answering still fails after the fan-out timeout. By describeMesh:
 * all its pages, the mesh's namespaces among them.
 */
@QuarkusTest
@TestProfile(LargeClusterTest.SmallPages.class)
@WithKubernetesTestServer(crud = true)
class LargeClusterTest {

    public static class SmallPages implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("meshns.list-page-size", "10", "meshns.describe-page-size", "10");
        }
    }

    /** Namespaces of the cluster that are not the mesh's; they sort before the mesh's, which come on the last page. */
    private static final int OTHERS = 300;
    private static final int PAGES = (OTHERS + 2 + 9) / 10;
    private static final Duration PAGE_LATENCY = Duration.ofMillis(100);

    static ManyClusters cluster;

    @KubernetesTestServer
    KubernetesServer controlPlane;

    @BeforeAll
    static void startCluster() {
        Map<String, Map<String, String>> seed = new LinkedHashMap<>();
        for (int i = 0; i < OTHERS; i++) {
            seed.put(String.format(Locale.ROOT, "app-%03d", i), Map.of("team", "other"));
        }
        seed.put("mesh-drifted", Map.of("istio-injection", "enabled"));
        seed.put("mesh-in-sync", Map.of("istio-injection", "enabled"));
        cluster = ManyClusters.start(1, Duration.ZERO, seed);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void deregister() {
        cluster.latency(Duration.ZERO);
        Mesh.deregisterAll();
    }

    @Test
    void everyPageIsReadThoughAllTakeLongerThanTheFanOutTimeout() {
        meshNamespace("mesh-drifted", Map.of("istio-injection", "enabled"));
        meshNamespace("mesh-in-sync", Map.of("istio-injection", "enabled"));
        Mesh.register("large", cluster.url(0));
        // Registering brought the cluster up to date: it drifts afterwards.
        cluster.setLabels(0, "mesh-drifted", Map.of("istio-injection", "disabled"));
        cluster.latency(PAGE_LATENCY);
        long lists = cluster.requests(ManyClusters.Kind.LIST);

        long start = System.nanoTime();
        JsonPath report = call("reconcile", "{}").statusCode(200).extract().jsonPath();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(PAGES, cluster.requests(ManyClusters.Kind.LIST) - lists, "one LIST per page");
        assertTrue(took.compareTo(Duration.ofSeconds(2)) > 0, "the pages took " + took.toMillis()
                + " ms, not more than the fan-out timeout: this test shows nothing");
        assertEquals("applied", outcome(report, "mesh-drifted"), report.prettify());
        assertEquals("unchanged", outcome(report, "mesh-in-sync"), report.prettify());
        assertEquals("enabled", cluster.labels(0, "mesh-drifted").get("istio-injection"));
    }

    @Test
    void aClusterThatStopsAnsweringFailsAfterTheFanOutTimeout() {
        meshNamespace("mesh-silent", Map.of("istio-injection", "enabled"));
        Mesh.register("large", cluster.url(0));
        cluster.latency(Duration.ofSeconds(30));

        long start = System.nanoTime();
        JsonPath report = call("reconcile", "{\"namespace\": \"mesh-silent\"}").statusCode(200).extract().jsonPath();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("failed", outcome(report, "mesh-silent"), report.prettify());
        assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, "a silent cluster held the reconcile " + took.toMillis() + " ms");
    }

    @Test
    void describeMeshReadsEveryPage() {
        meshNamespace("mesh-in-sync", Map.of("istio-injection", "enabled"));
        Mesh.register("large", cluster.url(0));
        long lists = cluster.requests(ManyClusters.Kind.LIST);

        JsonPath mesh = call("describeMesh", "{}").statusCode(200).extract().jsonPath();

        assertEquals(PAGES, cluster.requests(ManyClusters.Kind.LIST) - lists, "one LIST per page: " + mesh.prettify());
        List<Map<String, Object>> rows = mesh.getList("namespaces");
        Map<String, Object> row = rows.stream().filter(r -> "mesh-in-sync".equals(r.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(mesh.prettify()));
        assertEquals("in-sync", state(row), mesh.prettify());
    }

    /** A namespace of the mesh in the control plane, made by the first test that needs it. */
    private void meshNamespace(String name, Map<String, String> labels) {
        if (controlPlane.getClient().namespaces().withName(name).get() == null) {
            createNamespace(controlPlane.getClient(), name, labels);
        }
    }

    @SuppressWarnings("unchecked")
    private static String state(Map<String, Object> row) {
        return ((List<Map<String, Object>>) row.get("clusters")).stream().filter(c -> "large".equals(c.get("cluster")))
                .map(c -> (String) c.get("state")).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static String outcome(JsonPath report, String namespace) {
        List<Map<String, Object>> results = report.getList("results");
        Map<String, Object> result = results.stream().filter(r -> namespace.equals(r.get("namespace"))).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + namespace + ": " + report.prettify()));
        List<Map<String, Object>> clusters = (List<Map<String, Object>>) result.get("clusters");
        return clusters.stream().filter(c -> "large".equals(c.get("cluster"))).map(c -> (String) c.get("outcome")).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome in cluster large: " + report.prettify()));
    }
}
