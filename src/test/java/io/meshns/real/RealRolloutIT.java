package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static io.meshns.testing.real.RealMesh.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshns.mesh.Injection;
import io.meshns.testing.Events;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.Mesh;
import io.meshns.testing.Outcomes;
import io.meshns.testing.Snapshot;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;

/**
 * Ambient mode and cluster-by-cluster rollouts on real kube-apiservers, with function.yaml's rights:
 * the label patches, the settings in the state ConfigMap and the refusals meet a real server.
 */
@RealKubernetes
class RealRolloutIT extends FunctionCalledAsAdmin {

    private static int counter;

    @BeforeAll
    static void deploy() throws Exception {
        start("rollout");
        meshUnderTest.register("r-east", "east");
        meshUnderTest.register("r-west", "west");
    }

    /** Before the function is stopped (FunctionCalledAsAdmin#stopFunction). */
    @AfterAll
    static void deregister() throws Exception {
        if (function != null) {
            for (String cluster : List.of("r-east", "r-west")) {
                function.call("deregisterCluster", "{\"name\": \"" + cluster + "\"}", admin);
            }
        }
    }

    private static Map<String, String> wanted(String ns) throws Exception {
        Map<String, String> wanted = new TreeMap<>();
        ok("getNamespace", "{\"name\": \"" + ns + "\"}").path("clusters")
                .forEach(o -> wanted.put(o.path("cluster").asText(), o.path("wanted").asText()));
        return wanted;
    }

    private static Map<String, String> with(Map<String, String> labels, Map<String, String> more) {
        Map<String, String> all = new TreeMap<>(labels);
        all.putAll(more);
        return all;
    }

    @Test
    void everyMixOfLabelsEndsInEachModeEverywhere() throws Exception {
        String[][] modes = {
                { "enableInjection", "", "istio-injection", "enabled" },
                { "enableInjection", ", \"revision\": \"canary\"", "istio.io/rev", "canary" },
                { "disableInjection", "", "istio-injection", "disabled" },
                { "removeInjection", "", null, null },
                { "enableAmbient", "", "istio.io/dataplane-mode", "ambient" } };
        for (String[] mode : modes) {
            Map<String, String> modeLabel = mode[2] == null ? Map.of() : Map.of(mode[2], mode[3]);
            for (Map<String, String> mix : Mesh.everyLabelMix()) {
                String ns = "r12-mix-" + counter++;
                for (KubeApiServer server : mesh.servers().all()) {
                    createNamespace(server, ns, mix);
                }

                JsonNode answer = ok(mode[0], "{\"namespace\": \"" + ns + "\"" + mode[1] + "}");

                String outcome = with(Map.of("team", "a"), modeLabel).equals(mix) ? "unchanged" : "applied";
                assertEquals(Map.of("r-east", outcome, "r-west", outcome), Outcomes.of(answer), mode[0] + " from " + mix);
                for (KubeApiServer server : mesh.servers().all()) {
                    assertEquals(with(Map.of("team", "a"), modeLabel), labels(server, ns),
                            mode[0] + mode[1] + " from " + mix + " in " + server.name());
                }
            }
        }
    }

    @Test
    void aCanaryInOneClusterSurvivesAHandEditAndReconcileUntilTheMeshWideCall() throws Exception {
        String ns = "r12-canary";
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of());
        }
        String westVersion = mesh.west().admin().namespaces().withName(ns).get().getMetadata().getResourceVersion();

        JsonNode canary = ok("enableAmbient", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"r-east\"]}");

        assertEquals(Map.of("r-east", "applied"), Outcomes.of(canary));
        assertEquals("unset", canary.path("injection").asText());
        assertEquals(Map.of("istio.io/dataplane-mode", "ambient"), labels(mesh.east(), ns));
        assertEquals(westVersion, mesh.west().admin().namespaces().withName(ns).get().getMetadata().getResourceVersion(),
                "west is not touched");
        assertEquals(Map.of(), labels(mesh.controlPlane(), ns));

        mesh.east().admin().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio-injection", "enabled").endMetadata().build());
        JsonNode repaired = ok("reconcile", "{\"namespace\": \"" + ns + "\"}");
        assertEquals(Map.of("r-east", "applied", "r-west", "unchanged"), Outcomes.of(repaired.path("results").get(0)));
        assertEquals(Map.of("istio.io/dataplane-mode", "ambient"), labels(mesh.east(), ns));
        assertEquals(Map.of(), labels(mesh.west(), ns));
        assertEquals(Map.of("r-east", "ambient", "r-west", "unset"), wanted(ns));

        JsonNode everywhere = ok("enableInjection", "{\"namespace\": \"" + ns + "\"}");
        assertEquals(Map.of("r-east", "applied", "r-west", "applied"), Outcomes.of(everywhere));
        for (KubeApiServer server : mesh.servers().all()) {
            assertEquals(Map.of("istio-injection", "enabled"), labels(server, ns), server.name());
        }
        var state = mesh.controlPlane().admin().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get();
        assertFalse(state.getData().keySet().stream().anyMatch(key -> key.startsWith("setting.")), state.getData().toString());
    }

    @Test
    void deregisteringForgetsTheSettingsAndRegisteringAgainStartsFromTheDefault() throws Exception {
        String ns = "r12-rejoin";
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of("team", "a"));
        }
        ok("enableInjection", "{\"namespace\": \"" + ns + "\"}");
        ok("disableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"r-west\"]}");
        assertEquals(Map.of("team", "a", "istio-injection", "disabled"), labels(mesh.west(), ns));

        ok("deregisterCluster", "{\"name\": \"r-west\"}");
        var state = mesh.controlPlane().admin().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get();
        assertFalse(state.getData().containsKey("setting.r-west"), state.getData().toString());

        JsonNode again = ok("registerCluster", mesh.registration("r-west", mesh.west()));
        assertEquals("done", again.path("resync").asText());
        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(mesh.west(), ns));
    }

    /** Two instances, as two pods of the Knative service; some calls name clusters, some do not. */
    @Test
    void mixedCallsThroughTwoInstancesLeaveEachClusterAtItsLastSetting() throws Exception {
        String ns = "r12-contended";
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of("team", "a"));
        }
        String[] calls = { "enableInjection|", "enableAmbient|, \"clusters\": [\"r-east\"]",
                "disableInjection|, \"clusters\": [\"r-west\"]", "enableAmbient|",
                "enableInjection|, \"revision\": \"canary\", \"clusters\": [\"r-east\", \"r-west\"]",
                "removeInjection|, \"clusters\": [\"r-east\"]", "disableInjection|" };
        try (FunctionProcess second = mesh.startFunction("rollout-2", Map.of())) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<FunctionProcess.Answer>> answers = new ArrayList<>();
                for (int i = 0; i < 21; i++) {
                    String[] call = calls[i % calls.length].split("\\|", -1);
                    FunctionProcess instance = i % 2 == 0 ? function : second;
                    answers.add(pool.submit(() -> instance.call(call[0], "{\"namespace\": \"" + ns + "\"" + call[1] + "}", admin)));
                }
                for (Future<FunctionProcess.Answer> answer : answers) {
                    assertEquals(200, answer.get().status(), answer.get().body().toString());
                }
            } finally {
                pool.shutdown();
            }
            LogAssertions.assertNoSecret(second.log(), mesh.secrets());
        }

        Map<String, String> state = mesh.controlPlane().admin().configMaps().inNamespace("meshns-system")
                .withName("namespace-" + ns).get().getData();
        assertFalse(state.containsKey("lock.holder"), "the lock was released");
        Injection meshWide = Injection.fromLabels(labels(mesh.controlPlane(), ns));
        Map<String, String> wanted = wanted(ns);
        for (KubeApiServer dataPlane : List.of(mesh.east(), mesh.west())) {
            String cluster = "r-" + dataPlane.name();
            String setting = state.get("setting." + cluster);
            Injection expected = setting == null ? meshWide : Injection.decode(setting);
            assertEquals(expected, Injection.fromLabels(labels(dataPlane, ns)), cluster + " with " + state);
            assertEquals(expected.encode(), wanted.get(cluster), cluster);
            assertEquals("a", labels(dataPlane, ns).get("team"), "other labels stay");
        }
    }

    @Test
    void aClusterSelectorRollsOutToTheClustersWhoseLabelsMatch() throws Exception {
        String ns = "r12-selected";
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of());
        }
        ok("updateCluster", "{\"name\": \"r-east\", \"labels\": {\"ring\": \"canary\"}}");
        String westVersion = mesh.west().admin().namespaces().withName(ns).get().getMetadata().getResourceVersion();

        FunctionProcess.Answer none = function.call("enableInjection",
                "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"ring in (nightly)\"}", admin);
        assertEquals(404, none.status(), none.body().toString());
        assertTrue(none.text("message").contains("\"ring in (nightly)\""), none.text("message"));

        JsonNode canary = ok("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"ring=canary\"}");

        assertEquals(Map.of("r-east", "applied"), Outcomes.of(canary));
        assertEquals(Map.of("istio-injection", "enabled"), labels(mesh.east(), ns));
        assertEquals(westVersion, mesh.west().admin().namespaces().withName(ns).get().getMetadata().getResourceVersion(),
                "west is not touched");
        assertEquals(Map.of(), labels(mesh.controlPlane(), ns));
        assertEquals(Map.of("r-east", "enabled", "r-west", "unset"), wanted(ns));
    }

    /** The fields of {@code object} that the manager meshns owns, as the API server records them (JSON). */
    private static String ownedByMeshns(io.fabric8.kubernetes.api.model.HasMetadata object) {
        StringBuilder owned = new StringBuilder();
        object.getMetadata().getManagedFields().stream().filter(f -> "meshns".equals(f.getManager()))
                .forEach(f -> owned.append(io.fabric8.kubernetes.client.utils.Serialization.asJson(f.getFieldsV1())));
        return owned.toString();
    }

    @Test
    void managedFieldsNameMeshnsAsTheOwnerOfTheLabelsAndStateItWrites() throws Exception {
        String ns = "r12-managed";
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of("team", "a"));
        }

        ok("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"canary\"}");

        for (KubeApiServer server : mesh.servers().all()) {
            var namespace = server.admin().namespaces().withName(ns).get();
            String owned = ownedByMeshns(namespace);
            assertTrue(owned.contains("\"f:istio.io/rev\""), server.name() + ": " + namespace.getMetadata().getManagedFields());
            assertFalse(owned.contains("\"f:team\""), "meshns does not own what it did not set: " + owned);
        }
        var state = mesh.controlPlane().admin().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get();
        assertTrue(ownedByMeshns(state).contains("\"f:data\""), state.getMetadata().getManagedFields().toString());
        var cluster = mesh.controlPlane().admin().configMaps().inNamespace("meshns-system")
                .withLabel("meshns.io/cluster", "r-east").list().getItems().get(0);
        assertTrue(ownedByMeshns(cluster).contains("\"f:data\""), cluster.getMetadata().getManagedFields().toString());
    }

    @Test
    void aBadClusterListIsRefusedAndChangesNothing() throws Exception {
        String ns = "r12-refused";
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of());
        }
        Events.settledIn(mesh.controlPlane().admin(), java.time.Duration.ofMillis(300));
        List<Snapshot> before = mesh.servers().all().stream().map(s -> Snapshot.of(s.admin())).toList();

        FunctionProcess.Answer unknown = function.call("enableAmbient",
                "{\"namespace\": \"" + ns + "\", \"clusters\": [\"r-east\", \"nowhere\"]}", admin);
        assertEquals(404, unknown.status(), unknown.body().toString());
        assertEquals("cluster-not-found", unknown.text("error"));
        assertTrue(unknown.text("message").contains("\"nowhere\""), unknown.text("message"));
        FunctionProcess.Answer empty = function.call("enableInjection",
                "{\"namespace\": \"" + ns + "\", \"clusters\": []}", admin);
        assertEquals(400, empty.status(), empty.body().toString());
        assertEquals("empty-clusters", empty.text("error"));

        assertEquals(before, mesh.servers().all().stream().map(s -> Snapshot.of(s.admin())).toList());
    }
}
