package io.meshns.lambda;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.Credentials;
import io.meshns.mock.MockApiServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The same functions built for AWS Lambda (-Dbinding=lambda), invoked as Lambda invokes them: an
 * event posted to the extension's mock event server. A Lambda
 * deployment serves one function, chosen with QUARKUS_FUNQY_EXPORT.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(LambdaInvocationTest.ExportEnableInjection.class)
class LambdaInvocationTest extends ExportedLambdaTest {

    public static class ExportEnableInjection extends Export {
        public ExportEnableInjection() {
            super("enableInjection");
        }
    }

    @Test
    void anEventEnablesInjectionAcrossTheMesh() {
        try (MockApiServer dataPlane = MockApiServer.start().withInjectors("default", "1-24-0", "canary")) {
            for (var client : new io.fabric8.kubernetes.client.KubernetesClient[] { controlPlane.getClient(), dataPlane.client() }) {
                client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                        .withName("lambda-shop").endMetadata().build()).create();
            }
            // This Lambda exports one function; the cluster is registered through the registry itself.
            registry.register(new ClusterRegistry.Registration("east", dataPlane.url(),
                    new Credentials("token", null, null), Map.of()));

            given().contentType("application/json").accept("application/json")
                    .body("{\"namespace\": \"lambda-shop\"}")
                    .when().post("http://localhost:" + EVENT_SERVER_PORT)
                    .then().statusCode(200)
                    .body("injection", equalTo("enabled"))
                    .body("clusters[0].cluster", equalTo("east"))
                    .body("clusters[0].outcome", equalTo("applied"));

            assertEquals("enabled", dataPlane.client().namespaces().withName("lambda-shop").get().getMetadata().getLabels()
                    .get("istio-injection"));
        }
    }

    @Test
    void aCallersMistakeIsAFunctionErrorThatSaysWhatWasWrong() {
        given().contentType("application/json").accept("application/json")
                .body("{\"namespace\": \"Not_Valid\"}")
                .when().post("http://localhost:" + EVENT_SERVER_PORT)
                .then().statusCode(500)
                .body(containsString("RFC 1123"));
    }
}
