package io.meshns.lambda;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.Credentials;
import io.meshns.mock.MockApiServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** enableAmbient as its own Lambda (QUARKUS_FUNQY_EXPORT=enableAmbient), with and without "clusters". */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(EnableAmbientLambdaTest.ExportEnableAmbient.class)
class EnableAmbientLambdaTest extends ExportedLambdaTest {

    public static class ExportEnableAmbient extends Export {
        public ExportEnableAmbient() {
            super("enableAmbient");
        }
    }

    @Test
    void anEventMovesTheNamespaceToAmbientInOneClusterThenEverywhere() {
        try (MockApiServer east = MockApiServer.start(); MockApiServer west = MockApiServer.start()) {
            for (KubernetesClient client : new KubernetesClient[] { controlPlane.getClient(), east.client(), west.client() }) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("lambda-ambient")
                        .addToLabels("istio-injection", "enabled").endMetadata().build()).create();
            }
            registry.register(new ClusterRegistry.Registration("east", east.url(), new Credentials("t", null, null), Map.of()));
            registry.register(new ClusterRegistry.Registration("west", west.url(), new Credentials("t", null, null), Map.of()));

            invoke("{\"namespace\": \"lambda-ambient\", \"clusters\": [\"east\"]}")
                    .body("injection", equalTo("enabled"))
                    .body("clusters.size()", equalTo(1))
                    .body("clusters[0].outcome", equalTo("applied"));
            assertEquals(Map.of("istio.io/dataplane-mode", "ambient"), labels(east.client()));
            assertEquals(Map.of("istio-injection", "enabled"), labels(west.client()));

            invoke("{\"namespace\": \"lambda-ambient\"}").body("injection", equalTo("ambient"));
            for (KubernetesClient client : new KubernetesClient[] { controlPlane.getClient(), east.client(), west.client() }) {
                assertEquals(Map.of("istio.io/dataplane-mode", "ambient"), labels(client));
            }
            registry.deregister("east");
            registry.deregister("west");
        }
    }

    private static io.restassured.response.ValidatableResponse invoke(String event) {
        return given().contentType("application/json").accept("application/json").body(event)
                .when().post("http://localhost:" + EVENT_SERVER_PORT).then().statusCode(200);
    }

    private static Map<String, String> labels(KubernetesClient client) {
        return client.namespaces().withName("lambda-ambient").get().getMetadata().getLabels();
    }
}
