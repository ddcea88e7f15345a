package io.meshns.api.clusters;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mesh.UntrustedText;
import io.meshns.state.StateCodec;
import io.meshns.testing.Mesh;
import io.meshns.testing.MeshServers;
import io.meshns.testing.Outcomes;
import io.meshns.testing.Snapshot;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A data-plane cluster, or a caller, that means harm: what a cluster says reaches answers and state
 * cleaned and cut, and a credential that would break its header is refused before it is stored.
 */
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class HostileClustersTest {

    private static final String TOKEN = "stolen-if-shown-9f8e7d";
    private String ns;

    private static KubernetesClient cp() {
        return MeshServers.controlPlane.client();
    }

    @BeforeEach
    void mesh() {
        ns = MeshServers.namespaceEverywhere("hostile", Map.of());
    }

    @AfterEach
    void clean() {
        Mesh.deregisterAll();
    }

    @Test
    void aCredentialWithAControlCharacterIsRefusedAndNothingIsStored() {
        Snapshot before = Snapshot.of(cp());
        String server = MeshServers.east.url();
        fails("registerCluster", "{\"name\": \"east\", \"server\": \"" + server + "\", \"token\": \"" + TOKEN + "\\n\"}",
                400, "invalid-token").body("message", not(containsString(TOKEN)));
        fails("registerCluster", "{\"name\": \"east\", \"server\": \"" + server + "\", \"token\": \"" + TOKEN
                + "\\r\\nX-Forged: 1\"}", 400, "invalid-token");
        fails("registerCluster", "{\"name\": \"east\", \"server\": \"" + server + "\", \"token\": \"t\", "
                + "\"caCert\": \"not a pem at all\"}", 400, "invalid-ca-cert");
        String kubeconfig = "apiVersion: v1\\nkind: Config\\nclusters:\\n- name: c\\n  cluster:\\n    server: " + server
                + "\\nusers:\\n- name: u\\n  user:\\n    token: \\\"" + TOKEN + "\\\\r\\\\n\\\"\\ncontexts:\\n- name: x\\n  context:\\n"
                + "    cluster: c\\n    user: u\\ncurrent-context: x\\n";
        fails("registerCluster", "{\"name\": \"east\", \"server\": \"" + server + "\", \"kubeconfig\": \"" + kubeconfig + "\"}",
                400, "invalid-kubeconfig").body("message", not(containsString(TOKEN)));
        assertEquals(before, Snapshot.of(cp()));
    }

    @Test
    void aStoredTokenThatCannotBeSentFailsAtOnceAndIsQuotedNowhere() {
        Mesh.register("east", MeshServers.east.url());
        Mesh.register("west", MeshServers.west.url());
        // As a build that did not check credentials stored it, or a hand edit.
        Secret secret = cp().secrets().inNamespace("meshns-system").withLabel("meshns.io/cluster", "east").list().getItems().get(0);
        secret.setData(Map.of("token", Base64.getEncoder().encodeToString((TOKEN + "\r\n").getBytes(StandardCharsets.UTF_8))));
        cp().secrets().inNamespace("meshns-system").resource(secret).update();

        long start = System.nanoTime();
        JsonPath answer = call("enableInjection", "{\"namespace\": \"" + ns + "\", \"force\": true}").statusCode(200)
                .extract().jsonPath();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("failed", Outcomes.of(answer).get("east"));
        assertEquals("applied", Outcomes.of(answer).get("west"));
        assertTrue(millis < 1500, "a token no request can carry fails at once, not after the fan-out timeout: " + millis + " ms");
        assertFalse(answer.prettify().contains(TOKEN), answer.prettify());
        String everything = call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200).extract().asString()
                + call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().asString()
                + cp().configMaps().inNamespace("meshns-system").list().getItems().toString();
        assertFalse(everything.contains(TOKEN), everything);
    }

    @Test
    void aClusterAnsweringWithAMegabyteOfNoiseIsCutInTheAnswerAndTheState() {
        Mesh.register("east", MeshServers.east.url());
        Mesh.register("west", MeshServers.west.url());
        StringBuilder noise = new StringBuilder("denied\r\n12:00:00 INFO forged \u001b[2J");
        java.util.Random random = new java.util.Random(1);
        while (noise.length() < 1_200_000) {
            noise.append((char) random.nextInt(0x3000));
        }
        String status = new io.vertx.core.json.JsonObject().put("kind", "Status").put("apiVersion", "v1")
                .put("status", "Failure").put("reason", "BadRequest").put("code", 400).put("message", noise.toString()).encode();
        MeshServers.east.mock().expect().patch().withPath("/api/v1/namespaces/" + ns + "?fieldManager=meshns").andReturn(400, status).always();

        String answer = call("enableInjection", "{\"namespace\": \"" + ns + "\", \"force\": true}").statusCode(200)
                .extract().asString();
        String message = JsonPath.from(answer).getString("clusters.find { it.cluster == 'east' }.message");
        assertEquals("failed", JsonPath.from(answer).getString("clusters.find { it.cluster == 'east' }.outcome"));
        assertTrue(message.startsWith("rejected with HTTP 400: (BadRequest) denied 12:00:00 INFO forged"), message);
        assertTrue(message.getBytes(StandardCharsets.UTF_8).length <= UntrustedText.MAX_BYTES, message.length() + " chars");
        assertFalse(UntrustedText.hasControlCharacters(message));
        assertTrue(answer.length() < 8_000, answer.length() + " chars of answer");

        String namespace = call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200).extract().asString();
        assertTrue(namespace.length() < 8_000, namespace.length() + " chars of getNamespace");
        ConfigMap state = cp().configMaps().inNamespace("meshns-system").withLabel("meshns.io/namespace", ns).list()
                .getItems().get(0);
        int bytes = state.getData().entrySet().stream()
                .mapToInt(e -> (e.getKey() + e.getValue()).getBytes(StandardCharsets.UTF_8).length).sum();
        assertTrue(bytes <= StateCodec.BUDGET && bytes < 8_000, bytes + " bytes of state");
        assertNull(io.meshns.state.StateCodec.decodeNamespace(state.getData()).lockHolder(), "the lock is released");
    }
}
