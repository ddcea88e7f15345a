package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.FunctionYaml;
import io.meshns.testing.real.RealKubernetes;
import io.meshns.testing.real.RealMesh;

/**
 * The PingSource's identity, as function.yaml grants it, on real kube-apiservers: the OIDC token
 * Knative Eventing sends with each scheduled event (its ServiceAccount, the audience function.yaml
 * names) may run reconcile, and may not do what needs any other right.
 */
@RealKubernetes
class RealEventIdentityIT {

    private static final String STATE_NAMESPACE = "meshns-system";

    private static RealMesh mesh;
    private static FunctionProcess function;
    private static String account;
    private static String ping;
    private static String admin;
    private static final List<String> TOKENS = new ArrayList<>();

    @BeforeAll
    static void deploy() throws Exception {
        mesh = RealMesh.deploy();
        String audience = FunctionYaml.containerEnv("MESHNS_AUTH_AUDIENCES");
        HasMetadata pingSource = FunctionYaml.objects().stream().filter(o -> o.getKind().equals("PingSource")).findFirst()
                .orElseThrow();
        // What Knative makes when authentication-oidc is enabled: the ServiceAccount, and a token of it
        // for the audience the PingSource's sink names.
        account = FunctionYaml.oidcServiceAccount(pingSource);
        ping = mesh.controlPlane().serviceAccountToken(STATE_NAMESPACE, account, audience);
        // A cluster admin with a token for that audience too (static tokens are for the API server's own).
        mesh.controlPlane().admin().rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("event-identity-admin").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                .addNewSubject().withKind("ServiceAccount").withName("event-identity-admin").withNamespace("default").endSubject()
                .build()).create();
        admin = mesh.controlPlane().serviceAccountToken("default", "event-identity-admin", audience);
        TOKENS.addAll(List.of(ping, admin));
        function = mesh.startFunction("event-identity", Map.of("MESHNS_AUTH_AUDIENCES", audience));

        function.ok("registerCluster", mesh.registration("ping-east", mesh.east()), admin);
        createNamespace(mesh.controlPlane(), "pinged", Map.of("istio-injection", "enabled"));
        createNamespace(mesh.east(), "pinged", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (function != null) {
            function.ok("deregisterCluster", "{\"name\": \"ping-east\"}", admin);
            function.close();
            List<String> secrets = new ArrayList<>(mesh.secrets());
            secrets.addAll(TOKENS);
            LogAssertions.assertNoSecret(function.log(), secrets);
        }
    }

    /** Someone removes the label in the data plane by hand: what a reconcile repairs. */
    private static void driftEast() {
        mesh.east().admin().namespaces().withName("pinged").edit(ns -> {
            if (ns.getMetadata().getLabels() != null) {
                ns.getMetadata().getLabels().remove("istio-injection");
            }
            return ns;
        });
        assertNull(RealMesh.labels(mesh.east(), "pinged").get("istio-injection"));
    }

    @Test
    void itMayReconcile() throws Exception {
        driftEast();
        FunctionProcess.Answer answer = function.call("reconcile", "{\"namespace\": \"pinged\"}", ping);
        assertEquals(200, answer.status(), answer.body().toString());
        assertEquals("applied", Answers.outcome(answer.body().path("results").get(0), "ping-east").path("outcome").asText(),
                answer.body().toString());
        assertEquals("enabled", RealMesh.labels(mesh.east(), "pinged").get("istio-injection"));
    }

    /** The event the PingSource really sends: every namespace, with the same right. */
    @Test
    void itsScheduledEventReconcilesEverything() throws Exception {
        driftEast();
        FunctionProcess.Answer answer = function.event("dev.knative.sources.ping",
                "/apis/v1/namespaces/meshns-system/pingsources/meshns-reconcile", "ping-" + System.nanoTime(), "{}", ping);
        assertEquals(200, answer.status(), answer.body().toString());
        assertTrue(answer.body().path("namespaces").asInt() >= 1, answer.body().toString());
        assertEquals("enabled", RealMesh.labels(mesh.east(), "pinged").get("istio-injection"));
    }

    @Test
    void itMayDoNothingThatNeedsAnotherRight() throws Exception {
        Map<String, String> calls = Map.of(
                "createNamespace", "{\"name\": \"ping-made\"}",
                "deleteNamespace", "{\"name\": \"pinged\"}",
                "getNamespace", "{\"name\": \"pinged\"}",
                "listNamespaces", "{}",
                "describeMesh", "{}",
                "registerCluster", mesh.registration("ping-west", mesh.west()),
                "deregisterCluster", "{\"name\": \"ping-east\"}",
                "listClusters", "{}");
        for (Map.Entry<String, String> call : calls.entrySet()) {
            FunctionProcess.Answer answer = function.call(call.getKey(), call.getValue(), ping);
            assertEquals(403, answer.status(), call.getKey() + ": " + answer.body());
            assertEquals("forbidden", answer.text("error"), call.getKey());
            assertTrue(answer.text("message").contains("system:serviceaccount:" + STATE_NAMESPACE + ":" + account),
                    answer.text("message"));
        }
        assertNull(mesh.controlPlane().admin().namespaces().withName("ping-made").get());
        assertNotNull(mesh.controlPlane().admin().namespaces().withName("pinged").get());
        List<String> clusters = new ArrayList<>();
        function.ok("listClusters", "{}", admin).body().path("items").forEach(c -> clusters.add(c.path("name").asText()));
        assertTrue(clusters.contains("ping-east") && !clusters.contains("ping-west"), clusters.toString());
    }

    /** Its right (create reconciles.meshns.io) asks for repairs, never for a change of what is wanted. */
    @Test
    void itMayNotChangeInjection() throws Exception {
        for (String change : List.of("enableInjection", "disableInjection", "removeInjection", "enableAmbient")) {
            FunctionProcess.Answer answer = function.call(change, "{\"namespace\": \"pinged\"}", ping);
            assertEquals(403, answer.status(), change + ": " + answer.body());
        }
        assertEquals("enabled", RealMesh.labels(mesh.controlPlane(), "pinged").get("istio-injection"));
    }

    /** meshns takes only tokens issued for its audience: one of the same account for another is refused. */
    @Test
    void aTokenForAnotherAudienceIs401() throws Exception {
        String elsewhere = mesh.controlPlane().serviceAccountToken(STATE_NAMESPACE, account,
                "eventing.knative.dev/broker/meshns-system/default");
        TOKENS.add(elsewhere);
        FunctionProcess.Answer answer = function.call("reconcile", "{\"namespace\": \"pinged\"}", elsewhere);
        assertEquals(401, answer.status(), answer.body().toString());
        FunctionProcess.Answer staticToken = function.call("reconcile", "{\"namespace\": \"pinged\"}",
                mesh.controlPlane().token("admin"));
        assertEquals(401, staticToken.status(), staticToken.body().toString());
    }
}
