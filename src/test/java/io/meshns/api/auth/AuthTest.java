package io.meshns.api.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.AuthorizingControlPlane;
import io.meshns.testing.Mesh;
import io.meshns.testing.Snapshot;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** Callers are who the control plane says, and may do what its RBAC says: nothing more. */
@QuarkusTest
@QuarkusTestResource(value = AuthorizingControlPlane.class, restrictToAnnotatedClass = true)
class AuthTest {

    static final String ALICE = "alice-token";
    static final String BOB = "bob-token";
    static final String ADMIN = "admin-token";

    private MockApiServer dataPlane;

    private static KubernetesClient cp() {
        return AuthorizingControlPlane.server.client();
    }

    private static ValidatableResponse call(String token, String function, String body) {
        var request = given().contentType("application/json").body(body);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.when().post("/" + function).then();
    }

    @BeforeEach
    void users() {
        AuthorizingControlPlane.TOKENS.clear();
        AuthorizingControlPlane.GRANTS.clear();
        AuthorizingControlPlane.TOKENS.putAll(Map.of(ALICE, "alice", BOB, "bob", ADMIN, "admin"));
        AuthorizingControlPlane.GRANTS.add("admin create secrets -n meshns-system");
        AuthorizingControlPlane.GRANTS.add("admin delete secrets -n meshns-system");
        AuthorizingControlPlane.GRANTS.add("admin list configmaps -n meshns-system");
        AuthorizingControlPlane.GRANTS.add("alice patch namespaces/team-a");
        AuthorizingControlPlane.GRANTS.add("alice get namespaces/team-a");
        dataPlane = MockApiServer.start().withInjectors("default", "1-24-0", "canary");
        for (String ns : new String[] { "team-a", "team-b" }) {
            if (cp().namespaces().withName(ns).get() != null) {
                cp().namespaces().withName(ns).edit(n -> new io.fabric8.kubernetes.api.model.NamespaceBuilder(n)
                        .editMetadata().withLabels(Map.of()).endMetadata().build());
            } else {
                Mesh.createNamespace(cp(), ns, Map.of());
            }
            Mesh.createNamespace(dataPlane.client(), ns, Map.of());
        }
        call(ADMIN, "registerCluster", "{\"name\": \"dp\", \"server\": \"" + dataPlane.url() + "\", \"token\": \"t\"}")
                .statusCode(200);
    }

    @AfterEach
    void cleanUp() {
        call(ADMIN, "deregisterCluster", "{\"name\": \"dp\"}").statusCode(200);
        dataPlane.close();
    }

    @Test
    void noTokenIs401AndChangesNothing() {
        Snapshot before = Snapshot.of(cp());
        call(null, "enableInjection", "{\"namespace\": \"team-a\"}").statusCode(401)
                .body("error", equalTo("unauthorized")).body("message", containsString("Bearer"));
        call(null, "listNamespaces", "{}").statusCode(401);
        assertEquals(before, Snapshot.of(cp()));
        assertEquals(Map.of(), Mesh.labels(dataPlane.client(), "team-a"));
    }

    @Test
    void aBadTokenIs401AndChangesNothing() {
        Snapshot before = Snapshot.of(cp());
        call("forged", "enableInjection", "{\"namespace\": \"team-a\"}").statusCode(401)
                .body("error", equalTo("unauthorized")).body("message", containsString("does not accept"));
        assertEquals(before, Snapshot.of(cp()));
        assertEquals(Map.of(), Mesh.labels(dataPlane.client(), "team-a"));
    }

    @Test
    void aValidTokenWithoutRightsIs403NamingThePermission() {
        Snapshot before = Snapshot.of(cp());
        call(BOB, "enableInjection", "{\"namespace\": \"team-a\"}").statusCode(403)
                .body("error", equalTo("forbidden"))
                .body("message", containsString("\"bob\" may not patch namespaces/team-a"));
        call(BOB, "createNamespace", "{\"name\": \"bobs\"}").statusCode(403)
                .body("message", containsString("create namespaces/bobs"));
        call(BOB, "registerCluster", "{\"name\": \"x\", \"server\": \"https://x.example\"}").statusCode(403)
                .body("message", containsString("create secrets -n meshns-system"));
        assertEquals(before, Snapshot.of(cp()));
        assertEquals(Map.of(), Mesh.labels(dataPlane.client(), "team-a"));
    }

    @Test
    void restartingWorkloadsTakesTheRightToPatchDeploymentsInThatNamespace() {
        Snapshot before = Snapshot.of(cp());
        // alice may patch and read the namespace itself: a viewer of its workloads, not one who may restart them.
        call(ALICE, "restartWorkloads", "{\"namespace\": \"team-a\"}").statusCode(403)
                .body("error", equalTo("forbidden"))
                .body("message", containsString("patch deployments.apps -n team-a"));
        call(ALICE, "restartWorkloads", "{\"namespace\": \"team-a\", \"dryRun\": true}").statusCode(403);
        assertEquals(before, Snapshot.of(cp()));

        AuthorizingControlPlane.GRANTS.add("alice patch deployments -n team-a");
        call(ALICE, "restartWorkloads", "{\"namespace\": \"team-a\"}").statusCode(200)
                .body("clusters[0].outcome", equalTo("unchanged"));
        call(ALICE, "restartWorkloads", "{\"namespace\": \"team-b\"}").statusCode(403)
                .body("message", containsString("patch deployments.apps -n team-b"));
    }

    @Test
    void rightsForOneNamespaceAreNotRightsForAnother() {
        call(ALICE, "enableInjection", "{\"namespace\": \"team-a\"}").statusCode(200)
                .body("clusters[0].outcome", equalTo("applied"));
        assertEquals("enabled", Mesh.labels(dataPlane.client(), "team-a").get("istio-injection"));

        Snapshot before = Snapshot.of(cp());
        call(ALICE, "enableInjection", "{\"namespace\": \"team-b\"}").statusCode(403)
                .body("message", containsString("patch namespaces/team-b"));
        assertEquals(before, Snapshot.of(cp()));
        assertEquals(Map.of(), Mesh.labels(dataPlane.client(), "team-b"));
    }

    @Test
    void withdrawnRightsStopWorkingAfterTheCacheTime() throws Exception {
        call(ALICE, "getNamespace", "{\"name\": \"team-a\"}").statusCode(200);
        AuthorizingControlPlane.GRANTS.remove("alice get namespaces/team-a");
        AuthorizingControlPlane.GRANTS.remove("alice patch namespaces/team-a");

        Thread.sleep(1500); // meshns.auth.cache-ttl is 1s here
        call(ALICE, "getNamespace", "{\"name\": \"team-a\"}").statusCode(403);
        call(ALICE, "disableInjection", "{\"namespace\": \"team-a\"}").statusCode(403);
        assertEquals(Map.of(), Mesh.labels(dataPlane.client(), "team-a"));
    }

    @Test
    void aRevokedTokenStopsWorkingAfterTheCacheTime() throws Exception {
        call(ALICE, "getNamespace", "{\"name\": \"team-a\"}").statusCode(200);
        AuthorizingControlPlane.TOKENS.remove(ALICE);
        Thread.sleep(1500);
        call(ALICE, "getNamespace", "{\"name\": \"team-a\"}").statusCode(401);
    }

    @Test
    void aBurstOfCallsReviewsTheTokenOnce() throws Exception {
        io.meshns.testing.Requests.drain(AuthorizingControlPlane.server);
        for (int i = 0; i < 5; i++) {
            call(ALICE, "getNamespace", "{\"name\": \"team-a\"}").statusCode(200);
        }
        var requests = io.meshns.testing.Requests.drain(AuthorizingControlPlane.server);
        long tokenReviews = requests.stream().filter(r -> r.contains("tokenreviews")).count();
        long accessReviews = requests.stream().filter(r -> r.contains("subjectaccessreviews")).count();
        assertEquals(true, tokenReviews <= 1, requests.toString());
        assertEquals(true, accessReviews <= 1, requests.toString());
    }

    @Test
    void aDecisionForOneUidOrExtraIsNotReusedForAnother() {
        // The same user name through other credentials: another uid, or a token limited by an extra scope.
        AuthorizingControlPlane.TOKENS.put("alice-other-uid-token", "alice uid=uid-impostor");
        AuthorizingControlPlane.TOKENS.put("alice-scoped-token", "alice extra=scopes:read-only");
        call(ALICE, "enableInjection", "{\"namespace\": \"team-a\"}").statusCode(200);

        call("alice-other-uid-token", "disableInjection", "{\"namespace\": \"team-a\"}").statusCode(403);
        call("alice-scoped-token", "disableInjection", "{\"namespace\": \"team-a\"}").statusCode(403);
        assertEquals("enabled", Mesh.labels(dataPlane.client(), "team-a").get("istio-injection"));
    }

    @Test
    void describeRevisionsIsForWhoMayListNamespacesAndWritesNothing() {
        AuthorizingControlPlane.TOKENS.put("viewer-token", "viewer");
        AuthorizingControlPlane.GRANTS.add("viewer list namespaces");
        Snapshot before = Snapshot.of(cp());
        call("viewer-token", "describeRevisions", "{}").statusCode(200)
                .body("revisions.revision", equalTo(java.util.List.of("1-24-0", "canary", "default")))
                .body("revisions[0].clusters[0].cluster", equalTo("dp"));
        call(BOB, "describeRevisions", "{}").statusCode(403)
                .body("error", equalTo("forbidden")).body("message", containsString("\"bob\" may not list namespaces"));
        call(ALICE, "describeRevisions", "{}").statusCode(403);
        assertEquals(before, Snapshot.of(cp()));
    }

    @Test
    void healthNeedsNoToken() {
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
