package io.meshns.console;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.meshns.testing.MeshServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What the console keeps in memory: its own files, never what a caller asks for that does not exist. */
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class ConsoleFilesTest {

    @Inject
    Console console;

    @Test
    void unknownPathsAreAnsweredWithoutBeingKept() {
        given().when().get("/console/main.js").then().statusCode(200);
        for (int i = 0; i < 300; i++) {
            given().when().get("/console/missing-" + i + ".js").then().statusCode(404);
        }
        given().when().get("/console/main.js").then().statusCode(200);
        assertTrue(ConsoleFiles.all().containsAll(console.kept()), "kept: " + console.kept());
        assertTrue(console.kept().contains("/console/main.js"), "the console's own files are kept: " + console.kept());
    }
}
