package io.meshns.api.clusters;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.Credentials;
import io.meshns.cluster.DataPlaneClients;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Events;
import io.meshns.testing.Mesh;
import io.meshns.testing.MeshServers;
import io.meshns.testing.Outcomes;
import io.meshns.testing.Snapshot;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * updateCluster: a cluster's labels, server or credentials changed in place, what is new tried
 * against the cluster first, every per-cluster setting and outcome kept; and the settings that
 * deregisterCluster drops, in its answer. Over HTTP against CRUD API servers whose control plane
 * knows dryRun=All.
 */
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class UpdateClusterTest {

    private String ns;

    private static KubernetesClient cp() {
        return MeshServers.controlPlane.client();
    }

    @BeforeEach
    void mesh() {
        ns = MeshServers.namespaceEverywhere("upd", Map.of("team", "a"));
        Mesh.register("east", MeshServers.east.url());
        Mesh.register("west", MeshServers.west.url());
    }

    @AfterEach
    void clean() {
        Mesh.deregisterAll();
    }

    private Map<String, String> state() {
        return cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get().getData();
    }

    private static Secret secret(String cluster) {
        return cp().secrets().inNamespace("meshns-system").withName("cluster-" + cluster).get();
    }

    private static Map<String, String> secretData(String cluster) {
        Map<String, String> plain = new TreeMap<>();
        secret(cluster).getData().forEach((key, value) -> plain.put(key,
                new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
        return plain;
    }

    @Test
    void newLabelsKeepThePerClusterSettingsAndRecordedOutcomes() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"west\"]}").statusCode(200);
        call("disableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\"]}").statusCode(200);
        Map<String, String> stateBefore = state();
        assertEquals("enabled", stateBefore.get("setting.west"));
        assertTrue(stateBefore.containsKey("cluster.west"), stateBefore.toString());
        Map<String, String> credentialsBefore = secretData("west");
        String registered = call("listClusters", "{}").statusCode(200).extract().jsonPath()
                .getString("items.find { it.name == 'west' }.registered");

        call("updateCluster", "{\"name\": \"west\", \"labels\": {\"ring\": \"canary\", \"region\": \"eu\"}}").statusCode(200)
                .body("name", equalTo("west"))
                .body("server", equalTo(MeshServers.west.url()))
                .body("labels", equalTo(Map.of("ring", "canary", "region", "eu")))
                .body("credentials", equalTo("token"))
                .body("registered", equalTo(registered))
                .body("dryRun", nullValue());

        assertEquals(stateBefore, state(), "the namespace's state is not touched");
        assertEquals(credentialsBefore, secretData("west"), "no credentials given: the stored ones stay");
        JsonPath clusters = call("listClusters", "{}").statusCode(200).extract().jsonPath();
        assertEquals(Map.of("ring", "canary", "region", "eu"), clusters.getMap("items.find { it.name == 'west' }.labels"));
        assertEquals(Map.of(), clusters.getMap("items.find { it.name == 'east' }.labels"));
        JsonPath namespace = call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        assertEquals("enabled", namespace.getString("clusters.find { it.cluster == 'west' }.wanted"));
        assertEquals("applied", namespace.getString("clusters.find { it.cluster == 'west' }.outcome"));
        assertEquals("disabled", namespace.getString("clusters.find { it.cluster == 'east' }.wanted"));
        // The labels select the cluster at once; its setting still holds there after a reconcile.
        call("reconcile", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        assertEquals("enabled", Mesh.labels(MeshServers.west.client(), ns).get("istio-injection"));
        assertEquals("enabled", state().get("setting.west"));

        Events.settled();
        assertTrue(cp().v1().events().inNamespace("meshns-system").list().getItems().stream()
                .anyMatch(e -> "ClusterUpdated".equals(e.getReason()) && "cluster-west".equals(e.getInvolvedObject().getName())),
                "the update is in the cluster's history");
    }

    /** Credentials are replaced as a whole: a kubeconfig registered, a token given, the token alone is stored and used. */
    @Test
    void aRotatedTokenIsWhatTheNextCallPresents() throws Exception {
        try (MockApiServer north = MockApiServer.start().withInjectors("default")) {
            Mesh.createNamespace(north.client(), ns, Map.of());
            String kubeconfig = String.join("\n", "apiVersion: v1", "kind: Config", "current-context: north",
                    "clusters: [{name: north, cluster: {server: '" + north.url() + "'}}]",
                    "users: [{name: meshns, user: {token: first-token}}]",
                    "contexts: [{name: north, context: {cluster: north, user: meshns}}]");
            call("registerCluster", "{\"name\": \"north\", \"server\": \"" + north.url() + "\", \"kubeconfig\": "
                    + io.vertx.core.json.Json.encode(kubeconfig) + "}").statusCode(200);
            call("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"north\"]}").statusCode(200);
            // The cluster's admin issues a new token and revokes the first.
            north.acceptingOnlyToken("second-token");

            call("updateCluster", "{\"name\": \"north\", \"token\": \"second-token\"}").statusCode(200)
                    .body("credentials", equalTo("token"))
                    .body("server", equalTo(north.url()))
                    .body(not(containsString("second-token")));

            assertEquals(Map.of("token", "second-token"), secretData("north"), "the kubeconfig went with the new token");
            assertEquals("enabled", state().get("setting.north"));
            drain(north);
            JsonPath changed = call("disableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"north\"]}")
                    .statusCode(200).extract().jsonPath();
            assertEquals(Map.of("north", "applied"), Outcomes.of(changed));
            assertEquals("disabled", Mesh.labels(north.client(), ns).get("istio-injection"));
            List<String> authorizations = drain(north);
            assertFalse(authorizations.isEmpty());
            assertEquals(List.of("Bearer second-token"), authorizations.stream().distinct().toList());
        }
    }

    /**
     * Another instance (our own registry and store, on the same control plane) rotates the token: this
     * instance, whose client of the cluster still has the old one, presents the new one on its next call.
     */
    @Test
    void aTokenRotatedThroughAnotherInstanceIsWhatTheNextCallHerePresents() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (MockApiServer north = MockApiServer.start().withInjectors("default")) {
            Mesh.createNamespace(north.client(), ns, Map.of());
            call("registerCluster", "{\"name\": \"north\", \"server\": \"" + north.url() + "\", \"token\": \"first-token\"}")
                    .statusCode(200);
            call("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"north\"]}").statusCode(200);
            var config = io.meshns.testing.TestConfig.withFanoutTimeout(java.time.Duration.ofSeconds(2));
            ClusterRegistry otherInstance = new ClusterRegistry(new io.meshns.state.ClusterStore(cp(), new io.meshns.state.StateNamespace(cp(), config)),
                    new DataPlaneClients(config, vertx, new io.fabric8.kubernetes.client.utils.KubernetesSerialization()), config);
            north.acceptingOnlyToken("second-token");

            otherInstance.update(new ClusterRegistry.Update("north", null, new Credentials("second-token", null, null), null),
                    false);

            drain(north);
            JsonPath changed = call("disableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"north\"]}")
                    .statusCode(200).extract().jsonPath();
            assertEquals(Map.of("north", "applied"), Outcomes.of(changed), changed.prettify());
            assertEquals(List.of("Bearer second-token"), drain(north).stream().distinct().toList());
        } finally {
            vertx.close();
        }
    }

    @Test
    void aTokenTheClusterRefusesIs400NamingItsAnswerAndChangesNothing() throws Exception {
        try (MockApiServer north = MockApiServer.start().withInjectors("default")) {
            call("registerCluster", "{\"name\": \"north\", \"server\": \"" + north.url() + "\", \"token\": \"good-token\"}")
                    .statusCode(200);
            north.acceptingOnlyToken("good-token");
            String secretVersion = secret("north").getMetadata().getResourceVersion();
            Snapshot before = Snapshot.of(cp());

            fails("updateCluster", "{\"name\": \"north\", \"token\": \"revoked-token\", \"labels\": {\"ring\": \"b\"}}", 400,
                    "credentials-refused")
                    .body("message", containsString("401"))
                    .body("message", containsString("north"))
                    .body(not(containsString("revoked-token")));
            fails("updateCluster", "{\"name\": \"north\", \"token\": \"revoked-token\", \"dryRun\": true}", 400,
                    "credentials-refused");

            assertEquals(before, Snapshot.of(cp()));
            assertEquals(secretVersion, secret("north").getMetadata().getResourceVersion());
            assertEquals(Map.of("token", "good-token"), secretData("north"));
        }
    }

    @Test
    void aServerThatCannotBeReachedIs502AndChangesNothing() {
        Snapshot before = Snapshot.of(cp());

        fails("updateCluster", "{\"name\": \"west\", \"server\": \"http://127.0.0.1:1\"}", 502, "cluster-unreachable")
                .body("message", containsString("unreachable"));

        assertEquals(before, Snapshot.of(cp()));
        call("listClusters", "{}").statusCode(200).body("items.find { it.name == 'west' }.server",
                equalTo(MeshServers.west.url()));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"name\": \"nowhere\", \"labels\": {\"a\": \"b\"}}|404|cluster-not-found",
            "{\"name\": \"nowhere\", \"token\": \"t\", \"dryRun\": true}|404|cluster-not-found",
            "{\"labels\": {\"a\": \"b\"}}|400|missing-field",
            "{\"name\": \"west\", \"caCert\": \"not a certificate\"}|400|invalid-ca-cert",
            "{\"name\": \"west\", \"caCert\": \"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"}|400|invalid-ca-cert",
            "{\"name\": \"west\", \"kubeconfig\": \"::: not yaml\"}|400|invalid-kubeconfig",
            "{\"name\": \"west\", \"token\": \"t\\n\"}|400|invalid-token",
            "{\"name\": \"west\", \"server\": \"ftp://west.example\"}|400|invalid-server",
            "{\"name\": \"west\", \"labels\": {\"a b\": \"c\"}}|400|invalid-label",
            "{\"name\": \"west\", \"password\": \"p\"}|400|unknown-field" })
    void badUpdatesAreRefusedAndChangeNothing(String body, int status, String error) {
        Snapshot before = Snapshot.of(cp());
        fails("updateCluster", body, status, error);
        assertEquals(before, Snapshot.of(cp()));
    }

    @Test
    void aDryRunChecksEverythingAndWritesNothing() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"west\"]}").statusCode(200);
        Snapshot before = Snapshot.of(cp());
        Map<String, String> versions = new TreeMap<>();
        cp().configMaps().inNamespace("meshns-system").list().getItems()
                .forEach(cm -> versions.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion()));
        String secretVersion = secret("west").getMetadata().getResourceVersion();

        call("updateCluster", "{\"name\": \"west\", \"token\": \"next-token\", \"labels\": {\"ring\": \"canary\"}, "
                + "\"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true))
                .body("labels", equalTo(Map.of("ring", "canary")))
                .body("credentials", equalTo("token"));

        assertEquals(before, Snapshot.of(cp()), "a dry run writes no ConfigMap, Secret or Event");
        Map<String, String> after = new TreeMap<>();
        cp().configMaps().inNamespace("meshns-system").list().getItems()
                .forEach(cm -> after.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion()));
        assertEquals(versions, after);
        assertEquals(secretVersion, secret("west").getMetadata().getResourceVersion());
        assertEquals(Map.of("token", "test-token"), secretData("west"));
    }

    @Test
    void deregisteringAnswersTheSettingsItForgetsInItsDryRunToo() {
        String other = ns + "-b";
        for (KubernetesClient client : List.of(cp(), MeshServers.east.client(), MeshServers.west.client())) {
            Mesh.createNamespace(client, other, Map.of());
        }
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"west\"]}").statusCode(200);
        call("enableInjection", "{\"namespace\": \"" + other + "\", \"revision\": \"canary\", \"clusters\": [\"west\"]}")
                .statusCode(200);
        call("enableInjection", "{\"namespace\": \"" + other + "\", \"clusters\": [\"east\"]}").statusCode(200);
        List<Map<String, String>> westSettings = List.of(Map.of("namespace", ns, "wanted", "enabled"),
                Map.of("namespace", other, "wanted", "rev:canary"));
        Snapshot before = Snapshot.of(cp());

        JsonPath preview = call("deregisterCluster", "{\"name\": \"west\", \"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true)).extract().jsonPath();
        assertEquals(westSettings, preview.getList("forgets"));
        assertEquals(before, Snapshot.of(cp()));

        JsonPath done = call("deregisterCluster", "{\"name\": \"west\"}").statusCode(200)
                .body("deregistered", equalTo(true)).body("dryRun", nullValue()).extract().jsonPath();
        assertEquals(westSettings, done.getList("forgets"));
        assertFalse(state().containsKey("setting.west"), state().toString());
        assertEquals("enabled", cp().configMaps().inNamespace("meshns-system").withName("namespace-" + other).get()
                .getData().get("setting.east"), "another cluster's setting stays");

        call("deregisterCluster", "{\"name\": \"east\"}").statusCode(200)
                .body("forgets", equalTo(List.of(Map.of("namespace", other, "wanted", "enabled"))));
    }

    /** The Authorization headers of meshns' requests to a data plane since the last drain (not the test's own). */
    private static List<String> drain(MockApiServer server) throws InterruptedException {
        List<String> authorizations = new java.util.ArrayList<>();
        RecordedRequest request;
        while ((request = server.mock().takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            if (!("Bearer " + server.ownToken()).equals(request.getHeader("Authorization"))) {
                authorizations.add(String.valueOf(request.getHeader("Authorization")));
            }
        }
        return authorizations;
    }
}
