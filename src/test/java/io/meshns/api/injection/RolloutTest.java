package io.meshns.api.injection;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static io.meshns.testing.Mesh.createNamespace;
import static io.meshns.testing.Mesh.labels;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mesh.Injection;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.EastAndWest;
import io.meshns.testing.Mesh;
import io.meshns.testing.Snapshot;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * Cluster-by-cluster rollouts: "clusters" on the injection functions, each cluster keeping its own
 * setting through reconcile and resync until a mesh-wide call or its deregistration.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class RolloutTest extends EastAndWest {

    private String ns;

    @BeforeEach
    void namespaceEverywhere() {
        ns = mesh.freshNamespace("roll");
        createNamespace(controlPlane.getClient(), ns, Map.of("team", "a"));
        createNamespace(east.client(), ns, Map.of("team", "a"));
        createNamespace(west.client(), ns, Map.of("team", "a"));
        registerEastAndWest();
    }

    private KubernetesClient cp() {
        return controlPlane.getClient();
    }

    private Map<String, String> state() {
        ConfigMap state = cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get();
        return state == null ? Map.of() : state.getData();
    }

    private Map<String, String> wanted() {
        JsonPath got = mesh.call("getNamespace", "{\"name\": \"" + ns + "\"}");
        Map<String, String> wanted = new TreeMap<>();
        for (Map<String, Object> outcome : got.<Map<String, Object>> getList("clusters")) {
            wanted.put((String) outcome.get("cluster"), (String) outcome.get("wanted"));
        }
        return wanted;
    }

    private static String version(MockApiServer cluster, String namespace) {
        return cluster.client().namespaces().withName(namespace).get().getMetadata().getResourceVersion();
    }

    @Test
    void aCanaryInOneClusterStaysUntilTheMeshWideCall() {
        String westVersion = version(west, ns);

        JsonPath canary = call("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\"]}")
                .statusCode(200)
                .body("injection", equalTo("unset"))
                .body("clusters.size()", equalTo(1))
                .body("clusters[0].wanted", equalTo("enabled"))
                .extract().jsonPath();

        assertEquals(Map.of("east", "applied"), mesh.outcomes(canary));
        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(east.client(), ns));
        assertEquals(Map.of("team", "a"), labels(west.client(), ns));
        assertEquals(westVersion, version(west, ns), "west was not even patched");
        assertEquals(Map.of("team", "a"), labels(cp(), ns), "the control plane stays the mesh-wide default");
        assertEquals("enabled", state().get("setting.east"));
        assertEquals(Map.of("east", "enabled", "west", "unset"), wanted());

        JsonPath report = mesh.call("reconcile", "{}");
        assertEquals("unchanged", report.getString("results.find { it.namespace == '" + ns
                + "' }.clusters.find { it.cluster == 'east' }.outcome"));
        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(east.client(), ns));
        assertEquals(Map.of("team", "a"), labels(west.client(), ns));
        assertEquals(Map.of("east", "enabled", "west", "unset"), wanted());

        JsonPath everywhere = call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("injection", equalTo("enabled")).extract().jsonPath();
        assertEquals(Map.of("east", "unchanged", "west", "applied"), mesh.outcomes(everywhere));
        assertEquals("enabled", labels(west.client(), ns).get("istio-injection"));
        assertFalse(state().keySet().stream().anyMatch(key -> key.startsWith("setting.")), state().toString());
        assertEquals(Map.of("east", "enabled", "west", "enabled"), wanted());
    }

    @Test
    void getNamespaceListsEveryRegisteredClusterWithWhatItShouldHaveAfterARolloutToOne() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\"]}").statusCode(200);

        // West was not part of the rollout: it shows what it should have, and no outcome, as none is recorded.
        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200)
                .body("clusters.cluster", equalTo(List.of("east", "west")))
                .body("clusters.find { it.cluster == 'east' }.wanted", equalTo("enabled"))
                .body("clusters.find { it.cluster == 'east' }.outcome", equalTo("applied"))
                .body("clusters.find { it.cluster == 'west' }.wanted", equalTo("unset"))
                .body("clusters.find { it.cluster == 'west' }", not(hasKey("outcome")));
        call("listNamespaces", "{}").statusCode(200)
                .body("items.find { it.name == '" + ns + "' }.clusters.cluster", equalTo(List.of("east", "west")))
                .body("items.find { it.name == '" + ns + "' }.clusters.find { it.cluster == 'west' }.wanted",
                        equalTo("unset"));
    }

    @Test
    void aClustersOwnSettingSurvivesAHandEditAndReconcile() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"canary\", \"clusters\": [\"west\"]}")
                .statusCode(200);
        assertEquals(Map.of("team", "a", "istio.io/rev", "canary"), labels(west.client(), ns));
        assertEquals(Map.of("east", "enabled", "west", "rev:canary"), wanted());

        west.client().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio-injection", "enabled").endMetadata().build());
        east.client().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio.io/dataplane-mode", "ambient").endMetadata().build());

        JsonPath report = mesh.call("reconcile", "{\"namespace\": \"" + ns + "\"}");

        assertEquals("applied", report.getString("results[0].clusters.find { it.cluster == 'west' }.outcome"));
        assertEquals("applied", report.getString("results[0].clusters.find { it.cluster == 'east' }.outcome"));
        assertEquals(Map.of("team", "a", "istio.io/rev", "canary"), labels(west.client(), ns));
        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(east.client(), ns));
        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(cp(), ns));
        // A second reconcile finds both in sync and writes no state.
        String stateVersion = cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get()
                .getMetadata().getResourceVersion();
        call("reconcile", "{}").statusCode(200);
        assertEquals(stateVersion, cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get()
                .getMetadata().getResourceVersion());
    }

    @Test
    void everyModeRollsOutPerCluster() {
        call("enableAmbient", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\", \"west\"]}").statusCode(200);
        assertEquals(Map.of("east", "ambient", "west", "ambient"), wanted());
        call("disableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"west\"]}").statusCode(200);
        assertEquals(Map.of("team", "a", "istio.io/dataplane-mode", "ambient"), labels(east.client(), ns));
        assertEquals(Map.of("team", "a", "istio-injection", "disabled"), labels(west.client(), ns));
        call("removeInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\"]}").statusCode(200)
                .body("clusters[0].wanted", equalTo("unset"));
        assertEquals(Map.of("team", "a"), labels(east.client(), ns));
        assertEquals(Map.of("east", "unset", "west", "disabled"), wanted());
        assertEquals(Map.of("team", "a"), labels(cp(), ns));

        call("reconcile", "{}").statusCode(200);
        assertEquals(Map.of("team", "a"), labels(east.client(), ns));
        assertEquals(Map.of("team", "a", "istio-injection", "disabled"), labels(west.client(), ns));
    }

    @Test
    void aClusterRegisteredLaterGetsTheMeshWideDefault() {
        call("enableAmbient", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\"]}").statusCode(200);
        try (MockApiServer north = MockApiServer.start().withInjectors("default", "1-24-0", "canary")) {
            createNamespace(north.client(), ns, Map.of());

            Mesh.register("north", north.url());

            assertEquals(Map.of("istio.io/dataplane-mode", "ambient"), labels(north.client(), ns));
            assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(east.client(), ns));
            assertEquals(Map.of("east", "enabled", "north", "ambient", "west", "ambient"), wanted());
        }
    }

    @Test
    void deregisteringForgetsAClustersSettingsAndRegisteringAgainStartsFromTheDefault() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("disableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\"]}").statusCode(200);
        assertEquals("disabled", state().get("setting.east"));

        call("deregisterCluster", "{\"name\": \"east\"}").statusCode(200);
        assertFalse(state().containsKey("setting.east"), state().toString());

        mesh.register("east");
        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(east.client(), ns));
        assertEquals("enabled", wanted().get("east"));
    }

    @Test
    void aStaleSettingLeftBehindIsClearedWhenTheClusterRegistersAgain() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("deregisterCluster", "{\"name\": \"east\"}").statusCode(200);
        // As if forgetting had not finished at deregistration.
        cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns)
                .edit(cm -> { cm.getData().put("setting.east", "ambient"); return cm; });

        mesh.register("east");

        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(east.client(), ns));
        assertFalse(state().containsKey("setting.east"), state().toString());
    }

    @Test
    void mistakesInTheClusterListAreRefusedAndChangeNothing() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\"]}").statusCode(200);
        List<Snapshot> before = List.of(Snapshot.of(cp()), Snapshot.of(east.client()), Snapshot.of(west.client()));

        fails("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\", \"nowhere\"]}", 404,
                "cluster-not-found").body("message", containsString("\"nowhere\""));
        fails("enableAmbient", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"gone\", \"lost\"]}", 404,
                "cluster-not-found").body("message", containsString("[gone, lost]"));
        fails("disableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": []}", 400, "empty-clusters");
        fails("removeInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": \"east\"}", 400, "wrong-type");
        fails("removeInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [1]}", 400, "wrong-type");
        fails("enableAmbient", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"East_1\"]}", 400, "invalid-name");
        fails("enableAmbient", "{\"namespace\": \"no-such-ns\", \"clusters\": [\"east\"]}", 404, "namespace-not-found");
        fails("enableAmbient", "{\"namespace\": \"kube-system\", \"clusters\": [\"east\"]}", 403, "protected-namespace");

        assertEquals(before, List.of(Snapshot.of(cp()), Snapshot.of(east.client()), Snapshot.of(west.client())));
    }

    private static void labelEastAndWest() {
        call("updateCluster", "{\"name\": \"east\", \"labels\": {\"ring\": \"canary\", \"region\": \"eu\"}}").statusCode(200);
        call("updateCluster", "{\"name\": \"west\", \"labels\": {\"ring\": \"stable\", \"region\": \"us\"}}").statusCode(200);
    }

    @Test
    void aClusterSelectorActsExactlyAsNamingTheClustersItMatches() {
        labelEastAndWest();
        String westVersion = version(west, ns);

        JsonPath canary = call("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"ring=canary\"}")
                .statusCode(200)
                .body("injection", equalTo("unset"))
                .body("clusters[0].wanted", equalTo("enabled"))
                .extract().jsonPath();

        assertEquals(Map.of("east", "applied"), mesh.outcomes(canary));
        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(east.client(), ns));
        assertEquals(westVersion, version(west, ns), "west was not even patched");
        assertEquals(Map.of("team", "a"), labels(cp(), ns), "the control plane stays the mesh-wide default");
        assertEquals("enabled", state().get("setting.east"));
        assertEquals(Map.of("east", "enabled", "west", "unset"), wanted());

        JsonPath both = mesh.call("disableInjection", "{\"namespace\": \"" + ns
                + "\", \"clusterSelector\": \"region in (eu,us),!legacy,ring!=nightly\"}");
        assertEquals(Map.of("east", "applied", "west", "applied"), mesh.outcomes(both));
        assertEquals(Map.of("east", "disabled", "west", "disabled"), wanted());
        assertEquals(Map.of("team", "a"), labels(cp(), ns));
    }

    @Test
    void selectorMistakesAreRefusedAndChangeNothing() {
        labelEastAndWest();
        List<Snapshot> before = List.of(Snapshot.of(cp()), Snapshot.of(east.client()), Snapshot.of(west.client()));

        fails("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\"], \"clusterSelector\": \"ring=canary\"}",
                400, "clusters-and-selector");
        fails("enableAmbient", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"ring in (canary\"}", 400,
                "invalid-label-selector").body("message", containsString("clusterSelector"));
        fails("removeInjection", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"\"}", 400, "invalid-label-selector");
        fails("removeInjection", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": [\"ring=canary\"]}", 400, "wrong-type");
        fails("disableInjection", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"ring=nightly\"}", 404,
                "cluster-not-found").body("message", containsString("\"ring=nightly\""));
        fails("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"ring=nightly\", \"dryRun\": true}",
                404, "cluster-not-found");

        assertEquals(before, List.of(Snapshot.of(cp()), Snapshot.of(east.client()), Snapshot.of(west.client())));
    }

    /** Calls with and without "clusters" at once, as from many instances: each cluster ends at what its last call asked. */
    @Test
    void concurrentMeshWideAndPerClusterCallsLeaveEveryClusterAtItsRecordedSetting() throws Exception {
        String[] bodies = {
                "{\"namespace\": \"" + ns + "\"}",
                "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\"]}",
                "{\"namespace\": \"" + ns + "\", \"clusters\": [\"west\"]}",
                "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\", \"west\"]}" };
        String[] functions = { "enableInjection", "disableInjection", "removeInjection", "enableAmbient", "enableInjection" };
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String function = functions[i % functions.length];
                String body = bodies[(i / functions.length + i) % bodies.length];
                statuses.add(pool.submit(() -> call(function, body).extract().statusCode()));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(200, status.get());
            }
        } finally {
            pool.shutdown();
        }

        Map<String, String> state = state();
        assertFalse(state.containsKey("lock.holder"), "the lock was released");
        Injection meshWide = Injection.fromLabels(labels(cp(), ns));
        for (String cluster : List.of("east", "west")) {
            MockApiServer server = cluster.equals("east") ? east : west;
            Injection expected = state.containsKey("setting." + cluster) ? Injection.decode(state.get("setting." + cluster))
                    : meshWide;
            assertEquals(expected, Injection.fromLabels(labels(server.client(), ns)), cluster + " in " + state);
            assertEquals(expected.encode(), wanted().get(cluster), cluster);
            assertEquals("team", String.join(",", without(labels(server.client(), ns)).keySet()));
        }
        // Nothing left to repair (a namespace last removed mesh-wide is not reconciled at all).
        JsonPath report = mesh.call("reconcile", "{\"namespace\": \"" + ns + "\"}");
        if (report.getInt("namespaces") == 1) {
            assertEquals(List.of("unchanged", "unchanged"), report.getList("results[0].clusters.outcome"));
        }
    }

    private static Map<String, String> without(Map<String, String> labels) {
        Map<String, String> rest = new TreeMap<>(labels);
        Injection.KEYS.forEach(rest::remove);
        return rest;
    }
}
