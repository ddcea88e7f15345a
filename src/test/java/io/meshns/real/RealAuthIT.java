package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;
import io.meshns.testing.real.RealMesh;

/**
 * Callers are who the real TokenReview says and may do what the real RBAC (SubjectAccessReview)
 * says: the control plane's users and roles, nothing of meshns' own.
 */
@RealKubernetes
class RealAuthIT {

    private static RealMesh mesh;
    private static FunctionProcess function;

    @BeforeAll
    static void deploy() throws Exception {
        mesh = RealMesh.deploy();
        function = mesh.startFunction("auth", Map.of());
        KubernetesClient admin = mesh.controlPlane().admin();
        // carol may read namespaces and nothing else.
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("namespace-reader")
                .endMetadata().addNewRule().withApiGroups("").withResources("namespaces").withVerbs("get", "list").endRule()
                .build()).create();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("carol-reads-namespaces").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "namespace-reader")
                .addNewSubject().withKind("User").withName("carol").withApiGroup("rbac.authorization.k8s.io").endSubject()
                .build()).create();
        createNamespace(mesh.controlPlane(), "guarded", Map.of("team", "g"));
        createNamespace(mesh.east(), "guarded", Map.of());
        function.ok("registerCluster", mesh.registration("a-east", mesh.east()), mesh.controlPlane().token("admin"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (function != null) {
            function.ok("deregisterCluster", "{\"name\": \"a-east\"}", mesh.controlPlane().token("admin"));
            function.close();
            LogAssertions.assertNoSecret(function.log(), mesh.secrets());
        }
    }

    /** Every namespace and ConfigMap of the control plane and the data plane, by resourceVersion. */
    private static Map<String, String> versions() {
        Map<String, String> versions = new TreeMap<>();
        for (KubeApiServer server : List.of(mesh.controlPlane(), mesh.east())) {
            server.admin().namespaces().list().getItems().forEach(ns -> versions.put(server.name() + " ns/"
                    + ns.getMetadata().getName(), ns.getMetadata().getResourceVersion()));
            server.admin().configMaps().inAnyNamespace().list().getItems().forEach(cm -> versions.put(server.name() + " cm/"
                    + cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName(), cm.getMetadata().getResourceVersion()));
        }
        return versions;
    }

    @Test
    void noTokenIs401() throws Exception {
        Map<String, String> before = versions();
        FunctionProcess.Answer answer = function.call("enableInjection", "{\"namespace\": \"guarded\"}", null);
        assertEquals(401, answer.status(), answer.body().toString());
        assertEquals("unauthorized", answer.text("error"));
        assertEquals(before, versions());
    }

    @Test
    void aTokenTheControlPlaneRejectsIs401() throws Exception {
        Map<String, String> before = versions();
        // east's own admin token: real, but not the control plane's.
        FunctionProcess.Answer answer = function.call("enableInjection", "{\"namespace\": \"guarded\"}",
                mesh.east().token("admin"));
        assertEquals(401, answer.status(), answer.body().toString());
        assertTrue(answer.text("message").contains("does not accept"), answer.text("message"));
        assertEquals(before, versions());
    }

    @Test
    void aUserWithoutPatchIs403NamingItAndNothingChanges() throws Exception {
        Map<String, String> before = versions();
        FunctionProcess.Answer answer = function.call("enableInjection", "{\"namespace\": \"guarded\"}",
                mesh.controlPlane().token("carol"));
        assertEquals(403, answer.status(), answer.body().toString());
        assertEquals("forbidden", answer.text("error"));
        assertTrue(answer.text("message").contains("\"carol\" may not patch namespaces/guarded"), answer.text("message"));
        assertEquals(before, versions(), "no label, no state, no lock was written");
    }

    @Test
    void aUserWithGetMayRead() throws Exception {
        FunctionProcess.Answer answer = function.call("getNamespace", "{\"name\": \"guarded\"}",
                mesh.controlPlane().token("carol"));
        assertEquals(200, answer.status(), answer.body().toString());
        assertEquals("g", answer.body().path("labels").path("team").asText());
        FunctionProcess.Answer none = function.call("getNamespace", "{\"name\": \"guarded\"}", mesh.controlPlane().token("bob"));
        assertEquals(403, none.status(), none.body().toString());
        assertTrue(none.text("message").contains("get namespaces/guarded"), none.text("message"));
    }

    @Test
    void aServiceAccountTokenIsACallerToo() throws Exception {
        String robot = mesh.controlPlane().serviceAccountToken("default", "ci-robot");
        FunctionProcess.Answer answer = function.call("listNamespaces", "{}", robot);
        assertEquals(403, answer.status(), answer.body().toString());
        assertTrue(answer.text("message").contains("system:serviceaccount:default:ci-robot"), answer.text("message"));
        LogAssertions.assertNoSecret(function.log(), List.of(robot));
    }
}
