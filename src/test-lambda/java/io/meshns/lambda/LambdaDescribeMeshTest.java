package io.meshns.lambda;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import jakarta.inject.Inject;

import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.Credentials;
import io.meshns.mock.MockApiServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** describeMesh as its own Lambda (QUARKUS_FUNQY_EXPORT=describeMesh), invoked with an event. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(LambdaDescribeMeshTest.ExportDescribeMesh.class)
class LambdaDescribeMeshTest {

    public static class ExportDescribeMesh implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "describeMesh",
                    "quarkus.lambda.mock-event-server.test-port", String.valueOf(LambdaInvocationTest.EVENT_SERVER_PORT));
        }
    }

    @KubernetesTestServer
    KubernetesServer controlPlane;

    @Inject
    ClusterRegistry registry;

    @Test
    void anEventDescribesTheMeshLive() {
        try (MockApiServer dataPlane = MockApiServer.start()) {
            for (var client : new io.fabric8.kubernetes.client.KubernetesClient[] { controlPlane.getClient(), dataPlane.client() }) {
                client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                        .withName("lambda-mesh").addToLabels("istio-injection", "enabled").endMetadata().build()).create();
            }
            registry.register(new ClusterRegistry.Registration("east", dataPlane.url(),
                    new Credentials("token", null, null), Map.of()));

            given().contentType("application/json").accept("application/json")
                    .body("{\"namespace\": \"lambda-mesh\", \"pods\": true}")
                    .when().post("http://localhost:" + LambdaInvocationTest.EVENT_SERVER_PORT)
                    .then().statusCode(200)
                    .body("clusters[0]", equalTo("east"))
                    .body("namespaces[0].clusters[0].state", equalTo("in-sync"))
                    .body("namespaces[0].clusters[0].restart.pods", equalTo(0));
        }
    }
}
