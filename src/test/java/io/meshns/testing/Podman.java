package io.meshns.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Debian's podman, with the settings of scripts/podman/containers.conf unless CONTAINERS_CONF names
 * others, and the stand-in JDK 25 base image scripts/install-podman.sh makes. Also a JUnit condition:
 * without them the container-image tests are skipped with one line, unless MESHNS_CONTAINER=required
 * (as CI sets).
 */
public final class Podman implements ExecutionCondition {

    /** What Dockerfile.jvm is built FROM here: the public JDK 25 images cannot be pulled. */
    public static final String JAVA_IMAGE = "localhost/meshns-test/java:25";
    public static final String INSTALL_HINT = "run scripts/install-podman.sh (as root: Debian's podman and runc, and the "
            + "base image " + JAVA_IMAGE + ")";
    private static final Path SETTINGS = Path.of("scripts", "podman", "containers.conf");
    private static boolean skipAnnounced;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String missing = missing();
        if (missing == null) {
            return ConditionEvaluationResult.enabled("podman and " + JAVA_IMAGE + " found");
        }
        if ("required".equals(System.getenv("MESHNS_CONTAINER"))) {
            throw new IllegalStateException("MESHNS_CONTAINER=required but " + missing + ": " + INSTALL_HINT);
        }
        synchronized (Podman.class) {
            if (!skipAnnounced) {
                skipAnnounced = true;
                System.out.println("[container] SKIPPED the container-image tests: " + missing + "; " + INSTALL_HINT);
            }
        }
        return ConditionEvaluationResult.disabled(missing + ": " + INSTALL_HINT);
    }

    /** What is missing to build and run the image, or null. */
    private static String missing() {
        try {
            if (run(List.of("--version"), Path.of("target", "podman-version.log")).exit() != 0) {
                return "podman does not run";
            }
            if (run(List.of("image", "exists", JAVA_IMAGE), Path.of("target", "podman-version.log")).exit() != 0) {
                return "no image " + JAVA_IMAGE;
            }
            return null;
        } catch (IOException e) {
            return "no podman (" + e.getMessage() + ")";
        }
    }

    /** {@code podman arguments...} with this project's settings, its output going to {@code log}. */
    public static ProcessBuilder command(List<String> arguments, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(arguments);
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (System.getenv("CONTAINERS_CONF") == null) {
            builder.environment().put("CONTAINERS_CONF", SETTINGS.toAbsolutePath().toString());
        }
        return builder;
    }

    /**
     * Builds src/main/docker/Dockerfile.jvm from this directory as {@code tag}, FROM {@code javaImage},
     * its output kept in {@code log}.
     */
    public static Result buildJvmImage(String tag, String javaImage, Path log) throws IOException {
        return run(List.of("build", "--build-arg", "JAVA_IMAGE=" + javaImage, "-f", "src/main/docker/Dockerfile.jvm", "-t", tag,
                "."), log);
    }

    /** One finished podman command: its exit status and its output. */
    public record Result(int exit, String output) {
    }

    /** Runs {@code podman arguments...} to its end (at most 10 minutes), its output kept in {@code log}. */
    public static Result run(List<String> arguments, Path log) throws IOException {
        Process process = command(arguments, log).start();
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("podman " + arguments + " did not end within 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
