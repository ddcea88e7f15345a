package io.meshns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.FunctionYaml;
import io.meshns.testing.Podman;

/**
 * src/main/docker/Dockerfile.jvm built and run with podman, FROM the stand-in JDK 25 image of
 * scripts/install-podman.sh: the build trains the AOT cache with the image's own JVM, and the image
 * starts from it and answers. Started with -XX:AOTMode=on, a JVM that cannot use the cache (another
 * JVM's, or jars changed since) refuses to start instead of starting without it.
 */
@ExtendWith(Podman.class)
class ContainerImageIT {

    private static final String IMAGE = "localhost/meshns-it:latest";
    private static final Path LOGS = Path.of("target", "container-image");
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void build() throws Exception {
        Podman.Result build = Podman.buildJvmImage(IMAGE, Podman.JAVA_IMAGE, LOGS.resolve("build.log"));
        assertEquals(0, build.exit(), build.output());
    }

    @Test
    void theImageStartsFromTheAotCacheItsBuildTrainedAndAnswers() throws Exception {
        try (MockApiServer control = MockApiServer.start()) {
            control.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                    .addToLabels("istio-injection", "enabled").endMetadata().build()).create();
            try (FunctionProcess function = FunctionProcess.startContainer(IMAGE, List.of("-XX:AOTMode=on"), control.url(),
                    LOGS.resolve("run.log"))) {
                awaitFirstAnswer(function);
                FunctionProcess.Answer answer = function.call("listNamespaces", "{}");
                assertEquals(200, answer.status(), answer.body().toString());
                JsonNode shop = answer.body().path("items").get(0);
                assertEquals("shop", shop.path("name").asText(), answer.body().toString());
                assertEquals("enabled", shop.path("injection").asText(), answer.body().toString());
            }
        }
    }

    /**
     * As function.yaml's securityContext has it run (no capability, no privilege escalation), and as a
     * platform that picks the user runs it: a user id of its own, in group 0.
     */
    @Test
    void theImageRunsAsAnyUserWithoutPrivilege() throws Exception {
        try (MockApiServer control = MockApiServer.start();
                FunctionProcess function = FunctionProcess.startContainer(IMAGE, List.of("--user", "1000650000:0",
                        "--cap-drop", "ALL", "--security-opt", "no-new-privileges"), List.of("-XX:AOTMode=on"), control.url(),
                        LOGS.resolve("run-unprivileged.log"))) {
            awaitFirstAnswer(function);
            FunctionProcess.Answer created = function.call("createNamespace", "{\"name\": \"shop\"}");
            assertEquals(200, created.status(), created.body().toString());
        }
    }

    /** Waits for the container's first answer; one that exits first fails the test with its output. */
    private static void awaitFirstAnswer(FunctionProcess function) throws Exception {
        try {
            function.awaitFirstAnswer("listNamespaces", Duration.ofSeconds(60));
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + ":\n" + function.log(), e);
        }
    }

    @Test
    void theImageHoldsTheCacheButNotItsTrainingAndRunsAsFunctionYamlSays() throws Exception {
        Podman.Result inspect = Podman.run(List.of("image", "inspect", "--format", "{{json .Config}}", IMAGE),
                LOGS.resolve("inspect.log"));
        assertEquals(0, inspect.exit(), inspect.output());
        JsonNode config = JSON.readTree(inspect.output());
        assertEquals("185", config.path("User").asText());
        assertEquals("/deployments", config.path("WorkingDir").asText());
        List<String> env = Arrays.asList(JSON.treeToValue(config.path("Env"), String[].class));
        assertTrue(env.contains("JAVA_TOOL_OPTIONS=" + String.join(" ", FunctionYaml.javaToolOptions())), env.toString());
        assertTrue(config.path("Entrypoint").toString().contains("\"-XX:AOTCache=app.aot\""), config.toString());

        Podman.Result files = Podman.run(List.of("run", "--rm", "--network", "host", "--entrypoint", "/bin/sh", IMAGE, "-c",
                "ls -A /deployments; echo ---; ls -A /tmp"), LOGS.resolve("files.log"));
        assertEquals(0, files.exit(), files.output());
        String[] parts = files.output().split("---\n", 2);
        List<String> deployments = Arrays.asList(parts[0].strip().split("\n"));
        assertTrue(deployments.containsAll(List.of("app.aot", "quarkus-run.jar", "lib", "app", "quarkus")), deployments.toString());
        // The training's script is mounted for its step only, and its log and the JVM's perf data are removed.
        assertEquals("", parts[1].strip(), "/tmp of the image");
    }
}
