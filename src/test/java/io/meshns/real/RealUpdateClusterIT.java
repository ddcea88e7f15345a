package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static io.meshns.testing.real.RealMesh.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;

/**
 * updateCluster on real kube-apiservers over TLS: a token rotated in place keeps the cluster's own
 * settings and is what meshns presents from then on; a token the cluster refuses changes nothing.
 */
@RealKubernetes
class RealUpdateClusterIT extends FunctionCalledAsAdmin {

    /** Tokens made here, beside those of the mesh: none may reach the function's log either. */
    private static final List<String> TOKENS = new ArrayList<>();

    @BeforeAll
    static void deploy() throws Exception {
        start("update-cluster");
    }

    @AfterAll
    static void deregisterAll() throws Exception {
        if (function != null) {
            Answers.deregisterAll(function, admin);
            LogAssertions.assertNoSecret(function.log(), TOKENS);
        }
    }

    private static String configMapVersion(String cluster) {
        return mesh.controlPlane().admin().configMaps().inNamespace("meshns-system").withName("cluster-" + cluster).get()
                .getMetadata().getResourceVersion();
    }

    private static io.fabric8.kubernetes.api.model.Secret secret(String cluster) {
        return mesh.controlPlane().admin().secrets().inNamespace("meshns-system").withName("cluster-" + cluster).get();
    }

    private static String storedToken(String cluster) {
        return new String(Base64.getDecoder().decode(secret(cluster).getData().get("token")), StandardCharsets.UTF_8);
    }

    /** A token of a service account of its own in {@code dataPlane}, with the agent's rights there. */
    private static String throwawayAgentToken(KubeApiServer dataPlane, String account) {
        dataPlane.admin().rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName(account).endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "meshns-agent")
                .addNewSubject().withKind("ServiceAccount").withName(account).withNamespace("kube-system").endSubject()
                .build()).create();
        String token = dataPlane.serviceAccountToken("kube-system", account);
        TOKENS.add(token);
        return token;
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    @Test
    void updateClusterRotatesATokenWithoutLosingAPerClusterSetting() throws Exception {
        String ns = "u-rotate";
        createNamespace(mesh.controlPlane(), ns, Map.of());
        createNamespace(mesh.east(), ns, Map.of("team", "a"));
        String oldToken = throwawayAgentToken(mesh.east(), "u-agent-old");
        ok("registerCluster", mesh.registrationWith("u-east", mesh.east(), mesh.east().caCert(), oldToken));
        ok("enableInjection", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"u-east\"]}");
        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(mesh.east(), ns));
        String versionBefore = configMapVersion("u-east");
        String newToken = mesh.agentToken(mesh.east());
        assertNotEquals(oldToken, newToken);

        JsonNode updated = ok("updateCluster", "{\"name\": \"u-east\", \"token\": \"" + newToken + "\", \"caCert\": "
                + quoted(mesh.east().caCert()) + "}");

        assertEquals("token", updated.path("credentials").asText());
        assertEquals(mesh.east().url(), updated.path("server").asText());
        assertFalse(updated.toString().contains(newToken));
        assertEquals(newToken, storedToken("u-east"));
        assertNotEquals(versionBefore, configMapVersion("u-east"),
                "the cluster's ConfigMap changes with its credentials, so every instance reads the new Secret");
        JsonNode namespace = ok("getNamespace", "{\"name\": \"" + ns + "\"}");
        assertEquals("enabled", Answers.outcome(namespace, "u-east").path("wanted").asText());
        assertEquals("applied", Answers.outcome(namespace, "u-east").path("outcome").asText());

        // The old token stops working: only the new one can repair the namespace now.
        mesh.east().admin().serviceAccounts().inNamespace("kube-system").withName("u-agent-old").delete();
        mesh.east().admin().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio-injection", "disabled").endMetadata().build());
        JsonNode repaired = ok("reconcile", "{\"namespace\": \"" + ns + "\"}");
        assertEquals("applied", Answers.outcome(repaired.path("results").get(0), "u-east").path("outcome").asText(),
                repaired.toString());
        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(mesh.east(), ns));
        assertEquals("enabled", Answers.outcome(ok("getNamespace", "{\"name\": \"" + ns + "\"}"), "u-east").path("wanted")
                .asText());
    }

    @Test
    void aTokenTheClusterRefusesIs400AndNothingChanges() throws Exception {
        ok("registerCluster", mesh.registration("u-west", mesh.west()));
        JsonNode clustersBefore = ok("listClusters", "{}");
        String secretVersion = secret("u-west").getMetadata().getResourceVersion();
        String configMapVersion = configMapVersion("u-west");
        String unknown = "u-" + java.util.UUID.randomUUID();
        TOKENS.add(unknown);
        // A token the cluster does not know (401), and one of a user without rights there (403).
        for (String[] refused : new String[][] { { unknown, "401" }, { mesh.west().token("carol"), "403" } }) {
            FunctionProcess.Answer answer = function.call("updateCluster", "{\"name\": \"u-west\", \"token\": \"" + refused[0]
                    + "\", \"caCert\": " + quoted(mesh.west().caCert()) + ", \"labels\": {\"ring\": \"b\"}}", admin);

            assertEquals(400, answer.status(), answer.body().toString());
            assertEquals("credentials-refused", answer.text("error"));
            assertTrue(answer.text("message").contains(refused[1]), answer.text("message"));
            assertFalse(answer.body().toString().contains(refused[0]), "the token is echoed");
        }

        assertEquals(clustersBefore, ok("listClusters", "{}"));
        assertEquals(secretVersion, secret("u-west").getMetadata().getResourceVersion());
        assertEquals(configMapVersion, configMapVersion("u-west"));
        assertEquals(mesh.agentToken(mesh.west()), storedToken("u-west"));
    }
}
