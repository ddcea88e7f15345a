package io.meshns.api.state;

import static io.meshns.testing.Api.fails;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A control plane that cannot be reached is a 503, not a 500, and says so. */
@QuarkusTest
@TestProfile(UnreachableControlPlaneTest.ClosedPort.class)
class UnreachableControlPlaneTest {

    public static class ClosedPort implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 1 on loopback: nothing listens, the connection is refused at once.
            return Map.of("quarkus.kubernetes-client.api-server-url", "http://127.0.0.1:1");
        }
    }

    @Test
    void everyFunctionAnswers503() {
        fails("getNamespace", "{\"name\": \"shop\"}", 503, "control-plane-unavailable")
                .body("message", containsString("could not be reached"));
        fails("createNamespace", "{\"name\": \"shop\"}", 503, "control-plane-unavailable");
        fails("listNamespaces", "{}", 503, "control-plane-unavailable");
        fails("enableInjection", "{\"namespace\": \"shop\"}", 503, "control-plane-unavailable");
        fails("listClusters", "{}", 503, "control-plane-unavailable");
    }

    @Test
    void notReadyButAlive() {
        io.restassured.RestAssured.get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'control-plane' }.status", org.hamcrest.Matchers.equalTo("DOWN"));
        io.restassured.RestAssured.get("/q/health/live").then().statusCode(200);
    }

    @Test
    void validationStillComesFirst() {
        fails("createNamespace", "{\"name\": \"Bad\"}", 400, "invalid-name");
    }
}
