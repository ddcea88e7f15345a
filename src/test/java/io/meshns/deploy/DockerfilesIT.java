package io.meshns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.testing.FunctionYaml;

/**
 * The container files, checked by their structure against what `./mvnw package` really produced
 * (no container engine is needed): every file of the package's layout reaches the image, from
 * sources the build context lets through, and the image starts quarkus-run.jar with the JVM
 * function.yaml asks for.
 */
class DockerfilesIT {

    private static final Path JVM = Path.of("src", "main", "docker", "Dockerfile.jvm");
    private static final Path NATIVE = Path.of("src", "main", "docker", "Dockerfile.native");
    private static final Path APP = Path.of("target", "quarkus-app");
    /**
     * Files of the package the image does without: a build report, and the start-up archives of the
     * machine that built it (the image trains its own AOT cache with its own JVM).
     */
    private static final List<String> NOT_IN_THE_IMAGE = List.of("quarkus-app-dependencies.txt", "app-cds.jsa", "app.aot");

    /** One instruction: its keyword and its arguments as written. */
    private record Instruction(String keyword, String arguments) {
    }

    /** A COPY: its sources (paths or globs in the build context) and where they go in the image. */
    private record Copy(List<String> sources, String destination) {
    }

    @Test
    void theJvmImageHoldsEveryFileOfThePackageAndRunsQuarkusRun() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(APP), "a native build (-Dnative) makes no " + APP);
        List<Instruction> instructions = instructions(JVM);
        assertEquals("${JAVA_IMAGE}", only(instructions, "FROM"));
        assertTrue(only(instructions, "ARG").matches("JAVA_IMAGE=eclipse-temurin:2[5-9]-jre"), only(instructions, "ARG"));

        List<Copy> copies = copies(instructions);
        List<String> uncovered = new ArrayList<>();
        try (Stream<Path> files = Files.walk(APP)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (NOT_IN_THE_IMAGE.contains(file.getFileName().toString())) {
                    continue;
                }
                if (copies.stream().flatMap(c -> c.sources().stream()).noneMatch(source -> covers(source, file))) {
                    uncovered.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), uncovered, "files of the package that no COPY puts in the image");
        for (Copy copy : copies) {
            for (String source : copy.sources()) {
                assertFalse(matches(source).isEmpty(), "COPY " + source + " matches nothing after ./mvnw package");
                assertTrue(admittedByDockerignore(source), source + " is left out of the build context by .dockerignore");
            }
        }
        // quarkus-run.jar lands in the working directory: the COPY of the package's jars into /deployments/.
        assertTrue(copies.stream().anyMatch(c -> c.destination().equals("/deployments/")
                && c.sources().stream().anyMatch(s -> covers(s, APP.resolve("quarkus-run.jar")))));
        assertEquals("/deployments", only(instructions, "WORKDIR"));
        List<String> entrypoint = entrypoint(instructions);
        assertEquals("java", entrypoint.get(0));
        assertEquals(List.of("-jar", "quarkus-run.jar"), entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));
        assertTrue(entrypoint.contains("-Dquarkus.http.host=0.0.0.0"), entrypoint.toString());
        assertEquals("185", only(instructions, "USER"));
    }

    /**
     * The AOT cache: the image's own build trains it, with the script .dockerignore lets into the
     * context, in the directory the JVM starts from, and the JVM is told to use it.
     */
    @Test
    void theJvmImageTrainsItsAotCacheInItsOwnBuildAndStartsFromIt() throws IOException {
        List<Instruction> instructions = instructions(JVM);
        String run = only(instructions, "RUN");
        String script = "src/main/docker/train-aot-cache.sh";
        assertTrue(Files.isRegularFile(Path.of(script)), script);
        assertTrue(run.startsWith("--mount=type=bind,source=" + script + ","), run);
        assertTrue(admittedByDockerignore(script), script + " is left out of the build context by .dockerignore");
        assertTrue(run.contains("train-aot-cache.sh app.aot"), run);
        assertTrue(entrypoint(instructions).contains("-XX:AOTCache=app.aot"), entrypoint(instructions).toString());
    }

    /** The training and the function run with the JVM flags function.yaml sets. */
    @Test
    void theJvmImageSizesTheJvmAsFunctionYamlDoes() throws IOException {
        Map<String, String> env = env(instructions(JVM));
        assertEquals(FunctionYaml.javaToolOptions(), Arrays.asList(env.get("JAVA_TOOL_OPTIONS").split("\\s+")));
    }

    @Test
    void theNativeImageRunsTheExecutableOnTheMicroImage() throws IOException {
        List<Instruction> instructions = instructions(NATIVE);
        assertEquals("quay.io/quarkus/ubi9-quarkus-micro-image:2.0", only(instructions, "FROM"));
        List<Copy> copies = copies(instructions);
        assertEquals(1, copies.size());
        assertEquals("/deployments/application", copies.get(0).destination());
        // The executable `./mvnw package -Dnative` writes (failsafe is told its path).
        String runner = System.getProperty("native.image.path");
        assertNotNull(runner, "failsafe sets native.image.path");
        Path executable = Path.of("").toAbsolutePath().relativize(Path.of(runner).toAbsolutePath());
        String source = copies.get(0).sources().get(0);
        assertTrue(covers(source, executable), source + " does not match " + executable);
        assertTrue(admittedByDockerignore(source));
        assertEquals("/deployments/", only(instructions, "WORKDIR"));
        assertEquals(List.of("./application", "-Dquarkus.http.host=0.0.0.0"), entrypoint(instructions));
        assertEquals("1001", only(instructions, "USER"));
    }

    private static List<Instruction> instructions(Path dockerfile) throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            pending.append(trimmed);
            String whole = pending.toString().strip();
            pending.setLength(0);
            int space = whole.indexOf(' ');
            instructions.add(new Instruction(whole.substring(0, space).toUpperCase(), whole.substring(space + 1).strip()));
        }
        return instructions;
    }

    private static String only(List<Instruction> instructions, String keyword) {
        List<String> found = instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
        assertEquals(1, found.size(), keyword + ": " + found);
        return found.get(0);
    }

    private static List<Copy> copies(List<Instruction> instructions) {
        List<Copy> copies = new ArrayList<>();
        for (Instruction instruction : instructions) {
            if (instruction.keyword().equals("COPY")) {
                List<String> words = Arrays.stream(instruction.arguments().split("\\s+")).filter(w -> !w.startsWith("--"))
                        .toList();
                copies.add(new Copy(words.subList(0, words.size() - 1), words.get(words.size() - 1)));
            }
        }
        return copies;
    }

    /** ENV KEY=VALUE or KEY="VALUE", one a line. */
    private static Map<String, String> env(List<Instruction> instructions) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction instruction : instructions) {
            if (instruction.keyword().equals("ENV")) {
                String[] pair = instruction.arguments().split("=", 2);
                String value = pair[1].strip();
                if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                env.put(pair[0].strip(), value);
            }
        }
        return env;
    }

    private static List<String> entrypoint(List<Instruction> instructions) throws IOException {
        String[] words = new ObjectMapper().readValue(only(instructions, "ENTRYPOINT"), String[].class);
        return List.of(words);
    }

    /** Whether COPY {@code source} (a directory ending in /, a file or a glob) brings {@code file} along. */
    private static boolean covers(String source, Path file) {
        if (source.endsWith("/")) {
            return file.startsWith(Path.of(source));
        }
        return glob(source).matches(file);
    }

    private static List<Path> matches(String source) throws IOException {
        if (source.endsWith("/")) {
            return Files.isDirectory(Path.of(source)) ? List.of(Path.of(source)) : List.of();
        }
        Path root = Path.of(source).getParent();
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(glob(source)::matches).toList();
        }
    }

    private static PathMatcher glob(String pattern) {
        return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    }

    /**
     * Whether .dockerignore, which leaves out everything but the build's output, lets {@code source}
     * into the build context: it lies under one of its exceptions ("!target/quarkus-app/*").
     */
    private static boolean admittedByDockerignore(String source) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip).toList();
        assertEquals("*", lines.get(0), ".dockerignore starts by leaving everything out");
        String path = source.endsWith("/") ? source + "x" : source;
        for (String line : lines) {
            if (line.startsWith("!")) {
                String exception = line.substring(1);
                String directory = exception.endsWith("/*") ? exception.substring(0, exception.length() - 1) : null;
                if (exception.equals(source) || (directory != null && path.startsWith(directory))) {
                    return true;
                }
            }
        }
        return false;
    }
}
