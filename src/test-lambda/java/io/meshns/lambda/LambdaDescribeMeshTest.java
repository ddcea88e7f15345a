package io.meshns.lambda;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.Credentials;
import io.meshns.mock.MockApiServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** describeMesh as its own Lambda (QUARKUS_FUNQY_EXPORT=describeMesh), invoked with an event. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(LambdaDescribeMeshTest.ExportDescribeMesh.class)
class LambdaDescribeMeshTest extends ExportedLambdaTest {

    public static class ExportDescribeMesh extends Export {
        public ExportDescribeMesh() {
            super("describeMesh");
        }
    }

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
                    .when().post("http://localhost:" + EVENT_SERVER_PORT)
                    .then().statusCode(200)
                    .body("clusters[0]", equalTo("east"))
                    .body("namespaces[0].clusters[0].state", equalTo("in-sync"))
                    .body("namespaces[0].clusters[0].restart.pods", equalTo(0));
        }
    }
}
