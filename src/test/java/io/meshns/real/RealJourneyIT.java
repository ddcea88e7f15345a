package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static io.meshns.testing.real.RealMesh.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.kube.KubeErrors;
import io.meshns.testing.Outcomes;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;

/**
 * A new user's journey on real kube-apiservers: meshns deployed with exactly function.yaml's rights,
 * data planes over TLS with agents that may only get, list and patch namespaces, callers checked
 * by the real TokenReview and SubjectAccessReview.
 */
@RealKubernetes
class RealJourneyIT extends FunctionCalledAsAdmin {

    @BeforeAll
    static void deploy() throws Exception {
        start("journey");
    }

    /** Each test registers its own clusters; none outlives it, even when it fails. */
    @AfterEach
    void deregisterAll() throws Exception {
        Answers.deregisterAll(function, admin);
    }

    private static String message(JsonNode answer, String cluster) {
        return Answers.outcome(answer, cluster).path("message").asText("");
    }

    @Test
    void registerCreateEnableReconcileDelete() throws Exception {
        JsonNode east = ok("registerCluster", mesh.registration("j-east", mesh.east()));
        assertEquals("token", east.path("credentials").asText());
        ok("registerCluster", mesh.registration("j-west", mesh.west()));
        JsonNode clusters = ok("listClusters", "{}");
        assertTrue(clusters.toString().contains("\"j-west\""), clusters.toString());
        assertTrue(!clusters.toString().contains(mesh.agentToken(mesh.east())), "no token in answers");

        ok("createNamespace", "{\"name\": \"journey\", \"labels\": {\"team\": \"a\"}}");
        assertEquals(Map.of("team", "a"), labels(mesh.controlPlane(), "journey"));
        createNamespace(mesh.east(), "journey", Map.of("app", "x"));

        JsonNode enabled = ok("enableInjection", "{\"namespace\": \"journey\", \"revision\": \"1-24-0\"}");
        assertEquals("1-24-0", enabled.path("revision").asText());
        assertEquals(Map.of("j-east", "applied", "j-west", "absent"), Outcomes.of(enabled));
        assertEquals(Map.of("app", "x", "istio.io/rev", "1-24-0"), labels(mesh.east(), "journey"));
        assertNull(labels(mesh.west(), "journey"), "nothing is created in a data plane");

        createNamespace(mesh.west(), "journey", Map.of());
        JsonNode repaired = ok("reconcile", "{\"namespace\": \"journey\"}");
        assertEquals(Map.of("j-east", "unchanged", "j-west", "applied"), Outcomes.of(repaired.path("results").get(0)));
        assertEquals(Map.of("istio.io/rev", "1-24-0"), labels(mesh.west(), "journey"));

        JsonNode read = ok("getNamespace", "{\"name\": \"journey\"}");
        assertEquals("enabled", read.path("injection").asText());
        assertEquals(Map.of("j-east", "unchanged", "j-west", "applied"), Outcomes.of(read));

        assertEquals(true, ok("deleteNamespace", "{\"name\": \"journey\"}").path("deleted").asBoolean());
        // No namespace controller runs here, so the namespace stays Terminating; a real cluster then removes it.
        var gone = mesh.controlPlane().admin().namespaces().withName("journey").get();
        assertTrue(gone == null || gone.getMetadata().getDeletionTimestamp() != null, "deleted in the control plane");
        assertEquals(Map.of("app", "x", "istio.io/rev", "1-24-0"), labels(mesh.east(), "journey"),
                "deleting a mesh namespace never touches a data plane");

    }

    @Test
    void namespacesWithoutAnyLabelAreLabelledEverywhere() throws Exception {
        String ns = "bare";
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of());
            assertEquals(Map.of(), labels(server, ns), "Kubernetes 1.20 gives a namespace no label");
        }
        ok("registerCluster", mesh.registration("b-east", mesh.east()));
        ok("registerCluster", mesh.registration("b-west", mesh.west()));
        String[][] steps = {
                { "enableInjection", "{\"namespace\": \"bare\"}", "istio-injection", "enabled" },
                { "enableInjection", "{\"namespace\": \"bare\", \"revision\": \"canary\"}", "istio.io/rev", "canary" },
                { "disableInjection", "{\"namespace\": \"bare\"}", "istio-injection", "disabled" },
                { "removeInjection", "{\"namespace\": \"bare\"}", null, null },
                { "enableInjection", "{\"namespace\": \"bare\"}", "istio-injection", "enabled" } };
        for (String[] step : steps) {
            JsonNode answer = ok(step[0], step[1]);
            Map<String, String> wanted = step[2] == null ? Map.of() : Map.of(step[2], step[3]);
            assertEquals(Map.of("b-east", "applied", "b-west", "applied"), Outcomes.of(answer), step[1] + " " + answer);
            for (KubeApiServer server : mesh.servers().all()) {
                assertEquals(wanted, labels(server, ns), step[0] + " " + step[1] + " in " + server.name());
            }
        }

        // Someone removes every label in a data plane: the next reconcile puts meshns' back.
        mesh.west().admin().namespaces().withName(ns).edit(n -> {
            n.getMetadata().setLabels(null);
            return n;
        });
        assertEquals(Map.of(), labels(mesh.west(), ns));
        JsonNode repaired = ok("reconcile", "{\"namespace\": \"bare\"}");
        assertEquals(Map.of("b-east", "unchanged", "b-west", "applied"), Outcomes.of(repaired.path("results").get(0)));
        assertEquals(Map.of("istio-injection", "enabled"), labels(mesh.west(), ns));

    }

    @Test
    void aWrongCaIsAFailedOutcomeThatSaysItIsACertificateProblem() throws Exception {
        createNamespace(mesh.controlPlane(), "tls", Map.of());
        createNamespace(mesh.east(), "tls", Map.of());
        // east's address, west's CA: the server certificate cannot be verified.
        ok("registerCluster", mesh.registration("wrong-ca", mesh.east(), mesh.west().caCert()));
        JsonNode answer = ok("enableInjection", "{\"namespace\": \"tls\"}");
        assertEquals(Map.of("wrong-ca", "failed"), Outcomes.of(answer));
        String message = message(answer, "wrong-ca");
        assertTrue(message.contains("certificate") && message.contains("caCert"), message);
        assertEquals(Map.of(), labels(mesh.east(), "tls"));
    }

    @Test
    void aDataPlaneThatRefusesSaysWhyInTheServersWords() throws Exception {
        createNamespace(mesh.controlPlane(), "refused", Map.of());
        createNamespace(mesh.east(), "refused", Map.of());
        // bob is a user east knows, with no rights at all there.
        String registration = "{\"name\": \"no-rights\", \"server\": \"" + mesh.east().url() + "\", \"token\": \""
                + mesh.east().token("bob") + "\", \"caCert\": " + new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(mesh.east().caCert()) + "}";
        ok("registerCluster", registration);
        JsonNode answer = ok("enableInjection", "{\"namespace\": \"refused\"}");
        assertEquals(Map.of("no-rights", "failed"), Outcomes.of(answer));
        String message = message(answer, "no-rights");
        assertTrue(message.contains("User \"bob\" cannot get resource \"namespaces\""), message);
    }

    /** The mock ignores set-based selectors; a real server applies them, and so must meshns' answers. */
    @Test
    void setBasedLabelSelectorsSelectOnARealServer() throws Exception {
        createNamespace(mesh.controlPlane(), "sel-a", Map.of("tier", "front"));
        createNamespace(mesh.controlPlane(), "sel-b", Map.of("tier", "back"));
        createNamespace(mesh.controlPlane(), "sel-c", Map.of("tier", "batch", "legacy", "yes"));
        String[][] cases = {
                { "tier in (front,back)", "[sel-a, sel-b]" },
                { "tier notin (front,back),tier", "[sel-c]" },
                { "tier,!legacy", "[sel-a, sel-b]" },
                { "tier=back", "[sel-b]" } };
        for (String[] selector : cases) {
            JsonNode answer = ok("listNamespaces", "{\"labelSelector\": \"" + selector[0] + "\"}");
            java.util.List<String> names = new java.util.ArrayList<>();
            answer.path("items").forEach(item -> names.add(item.path("name").asText()));
            names.sort(null);
            assertEquals(selector[1], names.toString(), selector[0]);
        }
    }

    @Test
    void aRealUnprocessableEntityIsDescribedWithTheFieldAndTheRule() {
        KubernetesClientException refused = null;
        try {
            createNamespace(mesh.controlPlane(), "invalid-label", Map.of("istio.io/rev", "-x-"));
        } catch (KubernetesClientException e) {
            refused = e;
        }
        assertNotNull(refused, "the server refuses a label value that starts with '-'");
        String described = KubeErrors.describe(refused);
        assertTrue(described.startsWith("rejected with HTTP 422: (Invalid) Namespace \"invalid-label\" is invalid: "
                + "metadata.labels: Invalid value: \"-x-\""), described);
    }
}
