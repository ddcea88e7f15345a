package io.meshns.api.namespaces;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshns.testing.Mesh;
import io.meshns.testing.MeshServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What a new user does first, end to end over HTTP; run in-process here and against the packaged
 * jar by {@link UserJourneyIT}.
 */
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class UserJourneyTest {

    @Test
    void registerCreateEnableReconcileDelete() {
        call("registerCluster", "{\"name\": \"east\", \"server\": \"" + MeshServers.east.url() + "\", \"token\": \"t\"}")
                .statusCode(200).body("credentials", equalTo("token"));
        call("registerCluster", "{\"name\": \"west\", \"server\": \"" + MeshServers.west.url() + "\", \"token\": \"t\"}")
                .statusCode(200);
        call("listClusters", "{}").statusCode(200).body("items.name", hasItem("west"));

        call("createNamespace", "{\"name\": \"journey\", \"labels\": {\"team\": \"a\"}}").statusCode(200);
        Mesh.createNamespace(MeshServers.east.client(), "journey", Map.of("app", "x"));

        call("enableInjection", "{\"namespace\": \"journey\", \"revision\": \"1-24-0\"}").statusCode(200)
                .body("revision", equalTo("1-24-0"))
                .body("clusters.find { it.cluster == 'east' }.outcome", equalTo("applied"))
                .body("clusters.find { it.cluster == 'west' }.outcome", equalTo("absent"));
        assertEquals(Map.of("app", "x", "istio.io/rev", "1-24-0"), Mesh.labels(MeshServers.east.client(), "journey"));
        assertNull(Mesh.labels(MeshServers.west.client(), "journey"));

        Mesh.createNamespace(MeshServers.west.client(), "journey", Map.of());
        call("reconcile", "{}").statusCode(200)
                .body("results.find { it.namespace == 'journey' }.clusters.find { it.cluster == 'west' }.outcome",
                        equalTo("applied"));
        assertEquals(Map.of("istio.io/rev", "1-24-0"), Mesh.labels(MeshServers.west.client(), "journey"));

        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-type", "meshns.getNamespace")
                .header("ce-source", "/journey").header("ce-id", "1").body("{\"name\": \"journey\"}")
                .when().post("/").then().statusCode(200).header("ce-type", "meshns.getNamespace.result")
                .body("injection", equalTo("enabled"));

        fails("createNamespace", "{\"name\": true}", 400, "wrong-type");
        call("deleteNamespace", "{\"name\": \"journey\"}").statusCode(200).body("deleted", equalTo(true));
        assertNull(MeshServers.controlPlane.client().namespaces().withName("journey").get());
        assertEquals(Map.of("app", "x", "istio.io/rev", "1-24-0"), Mesh.labels(MeshServers.east.client(), "journey"),
                "deleting a mesh namespace never touches a data plane");
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
