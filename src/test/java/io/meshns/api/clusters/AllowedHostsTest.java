package io.meshns.api.clusters;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With meshns.allowed-hosts set (as the demo sets it), a request addressed to any other host name
 * is refused before anything reads it: a web page on another name that resolves to loopback (DNS
 * rebinding) cannot drive the function. The control plane here cannot be reached, so a request
 * that gets past the check answers 400 (validation) or 503, never the check's 403.
 */
@QuarkusTest
@TestProfile(AllowedHostsTest.LoopbackNamesOnly.class)
class AllowedHostsTest {

    public static class LoopbackNamesOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("meshns.allowed-hosts", "localhost,127.0.0.1,[::1]",
                    "quarkus.kubernetes-client.api-server-url", "http://127.0.0.1:1");
        }
    }

    @Test
    void anotherHostNameIsRefusedForFunctionsAndPages() {
        given().header("Host", "rebound.example:8081").contentType("application/json").body("{\"name\": \"Bad\"}")
                .when().post("/createNamespace").then().statusCode(403)
                .header("X-Frame-Options", equalTo("DENY"))
                .body("error", equalTo("host-not-allowed"))
                .body("message", containsString("meshns.allowed-hosts"));
        given().header("Host", "rebound.example").when().get("/").then().statusCode(403)
                .body("error", equalTo("host-not-allowed"));
    }

    @Test
    void loopbackNamesWithOrWithoutAPortAreServed() {
        for (String host : new String[] {"localhost:8081", "127.0.0.1", "LOCALHOST", "[::1]:8081"}) {
            given().header("Host", host).contentType("application/json").body("{\"name\": \"Bad\"}")
                    .when().post("/createNamespace").then().statusCode(400).body("error", equalTo("invalid-name"));
        }
    }

    @Test
    void probesAnswerWhateverTheHost() {
        given().header("Host", "10.1.2.3:8080").when().get("/q/health/live").then().statusCode(200);
    }
}
