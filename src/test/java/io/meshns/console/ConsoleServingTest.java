package io.meshns.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.meshns.testing.MeshServers;
import io.meshns.testing.Snapshot;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** GET / is the console, from the same port; every other GET still changes and reveals nothing. */
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class ConsoleServingTest {

    @Test
    void theRootIsThePageWithItsSecurityHeaders() {
        given().when().get("/").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .body(containsString("<script type=\"module\" src=\"console/main.js\"></script>"))
                .header("Content-Security-Policy", equalTo(Console.CONTENT_SECURITY_POLICY))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("X-Frame-Options", equalTo("DENY"))
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Referrer-Policy", equalTo("no-referrer"));
    }

    @Test
    void theAssetsAreServedWithTheirTypes() {
        Set<String> scripts = ConsoleFiles.scripts();
        assertTrue(scripts.containsAll(List.of("/console/main.js", "/console/api.js", "/console/outcomes.js")),
                "the entry module and the modules it imports: " + scripts);
        for (String script : scripts) {
            // A module script is refused by the browser unless it is served as JavaScript.
            given().when().get(script).then().statusCode(200)
                    .contentType(startsWith("text/javascript"))
                    .header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Content-Security-Policy", equalTo(Console.CONTENT_SECURITY_POLICY));
        }
        given().when().get("/console/app.css").then().statusCode(200).contentType(startsWith("text/css"));
        given().when().head("/").then().statusCode(200);
    }

    @Test
    void aMissingAssetIsAJson404() {
        given().when().get("/console/nothing.js").then().statusCode(404).contentType("application/json")
                .body("error", equalTo("not-found"));
    }

    @Test
    void anOversizedBodyIsA413WithTheSecurityHeaders() {
        byte[] body = new byte[11 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        given().contentType("application/json").body(body).when().post("/listClusters").then().statusCode(413)
                .contentType("application/json")
                .body("error", equalTo("payload-too-large"))
                .body("message", containsString("MiB"))
                .header("Content-Security-Policy", equalTo(Console.CONTENT_SECURITY_POLICY))
                .header("X-Frame-Options", equalTo("DENY"))
                .header("X-Content-Type-Options", equalTo("nosniff"));
    }

    @Test
    void aFunctionIsNeverCalledWithGet() {
        Snapshot before = Snapshot.of(MeshServers.controlPlane.client());
        given().queryParam("name", "by-get").when().get("/createNamespace").then().statusCode(405)
                .header("Allow", equalTo("POST"))
                .body("error", equalTo("method-not-allowed"));
        given().when().get("/listNamespaces").then().statusCode(405);
        given().when().get("/index.html/../createNamespace?name=by-get").then().statusCode(405);
        given().when().delete("/").then().statusCode(405);
        assertEquals(before, Snapshot.of(MeshServers.controlPlane.client()));
    }

    @Test
    void aPreflightIsNotGranted() {
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .when().options("/enableInjection").then().statusCode(405)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void functionAnswersCarryTheHeadersToo() {
        given().contentType("application/json").body("{}").when().post("/listClusters").then().statusCode(200)
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Cache-Control", equalTo("no-store"));
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
