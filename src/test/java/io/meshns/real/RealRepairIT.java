package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static io.meshns.testing.real.RealMesh.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.Outcomes;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;

/**
 * Intent is never lost, on real API servers: what a refusing data plane missed is repaired by the
 * next reconcile (removals too), state of a namespace that is really gone is removed, and a
 * deregistration that the control plane half refused can be retried to the end. Failures are made
 * with RBAC, as they happen to users.
 */
@RealKubernetes
class RealRepairIT extends FunctionCalledAsAdmin {

    @BeforeAll
    static void deploy() throws Exception {
        start("repair");
    }

    /** Before the function is stopped (FunctionCalledAsAdmin#stopFunction). */
    @AfterAll
    static void deregisterAll() throws Exception {
        if (function != null) {
            Answers.deregisterAll(function, admin);
        }
    }

    private static String outcome(JsonNode answer, String cluster) {
        return Outcomes.of(answer).get(cluster);
    }

    /**
     * Replaces the verbs of the data-plane agent's rule on namespaces, keeping its other rules (pods,
     * webhooks): the tests after this one meet the agent of deploy/data-plane-agent.yaml again.
     */
    private static void agentMay(KubeApiServer dataPlane, String... verbs) {
        dataPlane.admin().rbac().clusterRoles().withName("meshns-agent").edit(role -> {
            List<PolicyRule> rules = new java.util.ArrayList<>();
            for (PolicyRule rule : role.getRules()) {
                rules.add(rule.getResources().equals(List.of("namespaces"))
                        ? new PolicyRuleBuilder(rule).withVerbs(verbs).build() : rule);
            }
            role.setRules(rules);
            return role;
        });
    }

    @Test
    void aRemovalThatAClusterRefusedIsRepairedByTheNextReconcile() throws Exception {
        String ns = "removal";
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of("team", "r"));
        }
        ok("registerCluster", mesh.registration("r-east", mesh.east()));
        ok("registerCluster", mesh.registration("r-west", mesh.west()));
        ok("enableInjection", "{\"namespace\": \"removal\"}");
        assertEquals("enabled", labels(mesh.west(), ns).get("istio-injection"));

        agentMay(mesh.west(), "get", "list");
        try {
            JsonNode removed = ok("removeInjection", "{\"namespace\": \"removal\"}");
            assertEquals("applied", outcome(removed, "r-east"));
            assertEquals("failed", outcome(removed, "r-west"), removed.toString());
            assertEquals("enabled", labels(mesh.west(), ns).get("istio-injection"), "west missed the removal");
            // The control plane now has no injection label at all: only meshns' state says it is managed.
            assertEquals(Map.of("team", "r"), labels(mesh.controlPlane(), ns));
        } finally {
            agentMay(mesh.west(), "get", "list", "patch");
        }
        JsonNode repaired = ok("reconcile", "{}");
        JsonNode result = null;
        for (JsonNode r : repaired.path("results")) {
            if (r.path("namespace").asText().equals(ns)) {
                result = r;
            }
        }
        assertNotNull(result, "a namespace meshns manages with no label is reconciled: " + repaired);
        assertEquals("applied", outcome(result, "r-west"), result.toString());
        assertEquals(Map.of("team", "r"), labels(mesh.west(), ns), "the removal reached west");
        assertEquals(Map.of("team", "r"), labels(mesh.east(), ns));
        assertEquals("applied", outcome(ok("getNamespace", "{\"name\": \"removal\"}"), "r-west"));
    }

    @Test
    void theStateOfANamespaceThatIsReallyGoneIsRemovedByReconcile() throws Exception {
        String ns = "short-lived";
        createNamespace(mesh.controlPlane(), ns, Map.of());
        ok("enableInjection", "{\"namespace\": \"short-lived\"}");
        KubernetesClient cp = mesh.controlPlane().admin();
        assertNotNull(cp.configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get());

        // Deleted with kubectl. No namespace controller runs here, so finish what it would do:
        // the namespace is empty, so clearing its finalizer removes it.
        cp.namespaces().withName(ns).delete();
        var terminating = cp.namespaces().withName(ns).get();
        terminating.getSpec().setFinalizers(List.of());
        cp.namespaces().resource(terminating).subresource("finalize").update();
        assertNull(cp.namespaces().withName(ns).get());

        ok("reconcile", "{}");
        assertNull(cp.configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get(),
                "the state of a namespace that is gone is removed");
        JsonNode listed = ok("listNamespaces", "{}");
        assertTrue(!listed.toString().contains("\"" + ns + "\""), listed.toString());
    }

    @Test
    void aDeregistrationTheControlPlaneHalfRefusedCanBeRetriedToTheEnd() throws Exception {
        ok("registerCluster", mesh.registration("half", mesh.east()));
        KubernetesClient cp = mesh.controlPlane().admin();
        var role = cp.rbac().roles().inNamespace("meshns-system").withName("meshns-state").get();
        List<PolicyRule> granted = role.getRules();
        // meshns may no longer delete ConfigMaps: the Secret goes, the cluster's ConfigMap stays.
        cp.rbac().roles().inNamespace("meshns-system").withName("meshns-state").edit(r -> {
            r.setRules(List.of(
                    new PolicyRuleBuilder().withApiGroups("").withResources("secrets")
                            .withVerbs("get", "list", "create", "update", "patch", "delete").build(),
                    new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                            .withVerbs("get", "list", "create", "update", "patch").build()));
            return r;
        });
        FunctionProcess.Answer refused;
        try {
            refused = function.call("deregisterCluster", "{\"name\": \"half\"}", admin);
        } finally {
            cp.rbac().roles().inNamespace("meshns-system").withName("meshns-state").edit(r -> {
                r.setRules(granted);
                return r;
            });
        }
        assertNotEquals(200, refused.status(), refused.body().toString());
        assertTrue(cp.secrets().inNamespace("meshns-system").withLabel("meshns.io/cluster", "half").list().getItems()
                .isEmpty(), "the credentials went first");

        JsonNode retried = ok("deregisterCluster", "{\"name\": \"half\"}");
        assertEquals(true, retried.path("deregistered").asBoolean());
        assertTrue(cp.configMaps().inNamespace("meshns-system").withLabel("meshns.io/cluster", "half").list().getItems()
                .isEmpty());
        assertEquals(404, function.call("deregisterCluster", "{\"name\": \"half\"}", admin).status());
    }
}
