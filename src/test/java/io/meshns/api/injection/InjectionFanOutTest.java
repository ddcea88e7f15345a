package io.meshns.api.injection;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Mesh.createNamespace;
import static io.meshns.testing.Mesh.labels;
import io.meshns.testing.Outcomes;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.HangingServer;
import io.meshns.testing.Mesh;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * One control plane and three data planes (the namespace in east and west, not in north), plus a
 * stopped cluster and one that never answers. Every assertion reads the API servers themselves.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class InjectionFanOutTest {

    /** meshns.fanout-timeout in the test profile. */
    private static final long DEADLINE_MILLIS = 2000;

    static MockApiServer east;
    static MockApiServer west;
    static MockApiServer north;
    static String stoppedUrl;
    static HangingServer hanging;

    @KubernetesTestServer
    KubernetesServer controlPlane;

    private int counter;
    private String ns;

    @BeforeAll
    static void startDataPlanes() throws Exception {
        east = MockApiServer.start().withInjectors("default", "1-24-0", "canary");
        west = MockApiServer.start().withInjectors("default", "1-24-0", "canary");
        north = MockApiServer.start().withInjectors("default", "1-24-0", "canary");
        MockApiServer stopped = MockApiServer.start();
        stoppedUrl = stopped.url();
        stopped.close();
        hanging = new HangingServer();
    }

    @AfterAll
    static void stopDataPlanes() throws Exception {
        east.close();
        west.close();
        north.close();
        hanging.close();
    }

    @BeforeEach
    void newNamespaceInEastAndWest() {
        ns = "shop-" + System.nanoTime() % 1_000_000 + "-" + counter++;
        createNamespace(controlPlane.getClient(), ns, Map.of("team", "storefront"));
        createNamespace(east.client(), ns, Map.of("team", "storefront", "istio-injection", "disabled"));
        createNamespace(west.client(), ns, Map.of("istio.io/rev", "old"));
        Mesh.register("east", east.url());
        Mesh.register("west", west.url());
        Mesh.register("north", north.url());
    }

    @AfterEach
    void deregister() {
        Mesh.deregisterAll();
    }

    @Test
    void enableLabelsEveryDataPlaneThatHasTheNamespaceAndNothingElse() {
        JsonPath answer = call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("name", equalTo(ns))
                .body("injection", equalTo("enabled"))
                .body("labels.istio-injection", equalTo("enabled"))
                .extract().jsonPath();

        assertEquals(Map.of("east", "applied", "west", "applied", "north", "absent"), Outcomes.of(answer));
        assertEquals(Map.of("team", "storefront", "istio-injection", "enabled"), labels(controlPlane.getClient(), ns));
        assertEquals(Map.of("team", "storefront", "istio-injection", "enabled"), labels(east.client(), ns));
        // istio.io/rev must go, or Istio would keep the old revision.
        assertEquals(Map.of("istio-injection", "enabled"), labels(west.client(), ns));
        assertNull(labels(north.client(), ns), "nothing is created in a cluster without the namespace");
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("meshns_cluster_outcomes_total{cluster=\"north\",outcome=\"absent\"}"), metrics);
        assertTrue(metrics.contains("meshns_calls_total{function=\"enableInjection\",status=\"200\"}"), metrics);
        assertEquals("team-a", east.client().namespaces().withName(ns).get().getMetadata().getAnnotations().get("owner"));
    }

    @Test
    void revisionDisableAndRemoveEndWithTheContractsLabels() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"1-24-0\"}").statusCode(200)
                .body("injection", equalTo("enabled")).body("revision", equalTo("1-24-0"));
        for (KubernetesClient client : new KubernetesClient[] { controlPlane.getClient(), east.client(), west.client() }) {
            assertEquals("1-24-0", labels(client, ns).get("istio.io/rev"));
            assertNull(labels(client, ns).get("istio-injection"));
        }

        call("disableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("injection", equalTo("disabled")).body("revision", equalTo(null));
        for (KubernetesClient client : new KubernetesClient[] { controlPlane.getClient(), east.client(), west.client() }) {
            assertEquals("disabled", labels(client, ns).get("istio-injection"));
            assertNull(labels(client, ns).get("istio.io/rev"));
        }

        call("removeInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).body("injection", equalTo("unset"));
        assertEquals(Map.of("team", "storefront"), labels(controlPlane.getClient(), ns));
        assertEquals(Map.of("team", "storefront"), labels(east.client(), ns));
        assertEquals(Map.of(), labels(west.client(), ns));
        assertNull(labels(north.client(), ns));
    }

    @Test
    void aSecondIdenticalCallChangesNothing() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        String eastVersion = east.client().namespaces().withName(ns).get().getMetadata().getResourceVersion();

        JsonPath again = call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();

        assertEquals(Map.of("east", "unchanged", "west", "unchanged", "north", "absent"), Outcomes.of(again));
        assertEquals(eastVersion, east.client().namespaces().withName(ns).get().getMetadata().getResourceVersion());
    }

    @Test
    void stoppedAndSilentClustersFailWithinTheDeadlineInParallel() {
        Mesh.register("stopped", stoppedUrl);
        Mesh.register("silent", hanging.url());

        long start = System.nanoTime();
        JsonPath answer = call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(Map.of("east", "applied", "west", "applied", "north", "absent", "stopped", "failed",
                "silent", "failed"), Outcomes.of(answer));
        assertTrue(answer.getString("clusters.find { it.cluster == 'stopped' }.message").contains("unreachable"),
                answer.prettify());
        assertTrue(answer.getString("clusters.find { it.cluster == 'silent' }.message").contains("timed out"),
                answer.prettify());
        // Both bad clusters together cost one deadline, not two; nor fabric8's ~19 s of retries.
        assertTrue(millis < DEADLINE_MILLIS + 1500, "took " + millis + " ms");
        assertEquals("enabled", labels(east.client(), ns).get("istio-injection"));
    }

    @Test
    void aTransientServerErrorIsRetriedNotReported() {
        east.mock().expect().get().withPath("/api/v1/namespaces/" + ns).andReturn(503, "{}").once();
        west.mock().expect().get().withPath("/api/v1/namespaces/" + ns).andReturn(429, "{}").once();

        JsonPath answer = call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();

        assertEquals("applied", Outcomes.of(answer).get("east"));
        assertEquals("applied", Outcomes.of(answer).get("west"));
        assertEquals("enabled", labels(east.client(), ns).get("istio-injection"));
    }

    @Test
    void aDroppedConnectionIsRetriedNotReported() throws Exception {
        try (MockApiServer south = MockApiServer.start().withInjectors("default", "1-24-0", "canary");
                var proxy = new io.meshns.testing.DroppingProxy(south.port(), 1)) {
            createNamespace(south.client(), ns, Map.of());
            Mesh.register("south", proxy.url());

            JsonPath answer = call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();

            assertEquals(1, proxy.dropped(), "the proxy dropped a connection");
            assertEquals("applied", Outcomes.of(answer).get("south"), answer.prettify());
            assertEquals("enabled", labels(south.client(), ns).get("istio-injection"));
        }
    }

    @Test
    void aRejectionIsReportedAsFailedWithTheReason() {
        east.mock().expect().get().withPath("/api/v1/namespaces/" + ns).andReturn(403,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"namespaces is forbidden\",\"code\":403}")
                .always();

        JsonPath answer = call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();

        assertEquals("failed", Outcomes.of(answer).get("east"));
        assertTrue(answer.getString("clusters.find { it.cluster == 'east' }.message").contains("403"), answer.prettify());
        assertEquals("applied", Outcomes.of(answer).get("west"));
    }

    @Test
    void outcomesAreRecordedAndShownByGetAndList() {
        Mesh.register("stopped", stoppedUrl);
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);

        JsonPath got = call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        assertEquals(Map.of("east", "applied", "west", "applied", "north", "absent", "stopped", "failed"), Outcomes.of(got));
        call("listNamespaces", "{}").statusCode(200)
                .body("items.find { it.name == '" + ns + "' }.clusters.size()", equalTo(4));

        var state = controlPlane.getClient().configMaps().inNamespace("meshns-system")
                .withLabel("meshns.io/namespace", ns).list().getItems();
        assertEquals(1, state.size());
        String east = state.get(0).getData().get("cluster.east");
        assertTrue(east.contains("\"outcome\":\"applied\"") && east.contains("\"desired\":\"enabled\"")
                && east.contains("\"time\""), east);
        assertTrue(state.get(0).getData().get("cluster.stopped").contains("\"message\""));
    }

    @Test
    void aClusterRegisteredAgainDoesNotInheritTheOldOnesOutcomes() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("removeInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200)
                .body("clusters.find { it.cluster == 'east' }.outcome", equalTo("applied"));

        call("deregisterCluster", "{\"name\": \"east\"}").statusCode(200);
        Mesh.register("east", north.url());

        // Registering brought the new east up to date at once (the namespace is managed: meshns changed it).
        JsonPath got = call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        assertEquals(Map.of("east", "absent", "west", "applied", "north", "absent"), Outcomes.of(got),
                "the new east shows its own outcome, not the old east's");
    }

    @Test
    void injectionCallsRejectMistakesAndChangeNothing() {
        io.meshns.testing.Api.fails("enableInjection", "{\"namespace\": \"no-such-ns\"}", 404, "namespace-not-found");
        io.meshns.testing.Api.fails("enableInjection", "{\"namespace\": \"kube-system\"}", 403, "protected-namespace");
        io.meshns.testing.Api.fails("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"\"}", 400,
                "invalid-revision");
        io.meshns.testing.Api.fails("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": 3}", 400, "wrong-type");
        io.meshns.testing.Api.fails("disableInjection", "{\"name\": \"" + ns + "\"}", 400, "unknown-field")
                .body("message", containsString("namespace"));
        assertEquals(Map.of("team", "storefront", "istio-injection", "disabled"), labels(east.client(), ns));
        assertEquals(Map.of("team", "storefront"), labels(controlPlane.getClient(), ns));
    }
}
