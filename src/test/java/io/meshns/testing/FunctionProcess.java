package io.meshns.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The packaged function ({@code java -jar quarkus-run.jar}, or its container image) in its own process,
 * talking to a given control plane, called over HTTP as a user with curl would. Used by the benchmark
 * and by the tests against real API servers and of the image.
 */
public final class FunctionProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** One answered call: its status, its JSON body and how long it took from send to the last byte. */
    public record Answer(int status, JsonNode body, double millis) {

        /** The text of a field of the answer, "" when absent. */
        public String text(String field) {
            return body.path(field).asText("");
        }
    }

    private final Process process;
    private final URI base;
    private final long startedNanos;
    private final Path log;

    private FunctionProcess(Process process, URI base, long startedNanos, Path log) {
        this.process = process;
        this.base = base;
        this.startedNanos = startedNanos;
        this.log = log;
    }

    /** The packaged jar of this build. */
    public static Path packagedJar() {
        return Path.of("target", "quarkus-app", "quarkus-run.jar");
    }

    /**
     * Starts the jar against a plain-http {@code controlPlane} with caller auth off, its output
     * going to {@code log}. Does not wait.
     */
    public static FunctionProcess start(Path jar, String controlPlane, Path log) throws IOException {
        return start(jar, Map.of(), againstPlainHttp(controlPlane), log);
    }

    /**
     * Starts the jar with {@code environment} added to this JVM's (a value of null removes a
     * variable) and {@code properties} as -D options, its output going to {@code log}. Does not wait.
     */
    public static FunctionProcess start(Path jar, Map<String, String> environment, List<String> properties, Path log)
            throws IOException {
        return start(javaExecutable(), null, jar, environment, properties, log);
    }

    /**
     * Starts the jar against a plain-http {@code controlPlane} with caller auth off, as
     * {@link #start(Path, String, Path)} does, but with the {@code java} executable given, {@code jvmOptions}
     * before -jar, and from the jar's own directory: a start-up archive (AppCDS, AOT cache) records the
     * class path relative to the directory it was made in, and is used only when started from there.
     */
    public static FunctionProcess startFromItsDirectory(String java, List<String> jvmOptions, Path jar,
            String controlPlane, Path log) throws IOException {
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(againstPlainHttp(controlPlane));
        Path directory = jar.toAbsolutePath().getParent();
        return start(java, directory, directory.relativize(jar.toAbsolutePath()), Map.of(), options, log);
    }

    /**
     * Starts {@code image} in the foreground with {@code podman run} on the host's network, against a
     * plain-http {@code controlPlane} with caller auth off, as {@link #start(Path, String, Path)} does: the
     * image's own command line, with {@code jvmOptions} and those properties given in JDK_JAVA_OPTIONS.
     * Closing it stops and removes the container.
     */
    public static FunctionProcess startContainer(String image, List<String> jvmOptions, String controlPlane, Path log)
            throws IOException {
        return startContainer(image, List.of(), jvmOptions, controlPlane, log);
    }

    /** As {@link #startContainer(String, List, String, Path)}, with {@code podmanOptions} given to podman run. */
    public static FunctionProcess startContainer(String image, List<String> podmanOptions, List<String> jvmOptions,
            String controlPlane, Path log) throws IOException {
        int port = freePort();
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(againstPlainHttp(controlPlane));
        options.add("-Dquarkus.http.port=" + port);
        List<String> run = new ArrayList<>(List.of("run", "--rm", "--network", "host"));
        run.addAll(podmanOptions);
        run.addAll(List.of("-e", "JDK_JAVA_OPTIONS=" + String.join(" ", options), image));
        ProcessBuilder podman = Podman.command(run, log);
        long started = System.nanoTime();
        return new FunctionProcess(podman.start(), URI.create("http://127.0.0.1:" + port + "/"), started, log);
    }

    private static List<String> againstPlainHttp(String controlPlane) {
        return List.of("-Dquarkus.kubernetes-client.api-server-url=" + controlPlane,
                "-Dmeshns.allow-plaintext-clusters=true", "-Dmeshns.auth.enabled=false");
    }

    private static FunctionProcess start(String java, Path directory, Path jar, Map<String, String> environment,
            List<String> properties, Path log) throws IOException {
        int port = freePort();
        List<String> arguments = new ArrayList<>(properties);
        arguments.addAll(List.of(
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-jar", jar.toString()));
        // Passed in an argument file (java @file): the same command, but a `pkill -f quarkus-run.jar`
        // meant for another copy of the function on the same machine does not stop this one mid-run.
        Files.createDirectories(log.getParent());
        Path argumentFile = log.resolveSibling(log.getFileName() + ".args").toAbsolutePath();
        Files.write(argumentFile, arguments.stream().map(FunctionProcess::quoted).toList());
        ProcessBuilder builder = new ProcessBuilder(java, "@" + argumentFile).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        long started = System.nanoTime();
        Process process = builder.start();
        return new FunctionProcess(process, URI.create("http://127.0.0.1:" + port + "/"), started, log);
    }

    private static String quoted(String argument) {
        return "\"" + argument.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The java of this JVM, so the function runs on the same JDK as is recorded. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Polls {@code POST /listClusters {}} until it answers 200 and returns the milliseconds from
     * process start to that answer.
     */
    public double awaitFirstAnswer(Duration patience) throws Exception {
        return awaitFirstAnswer("listClusters", patience);
    }

    /**
     * Polls {@code POST /function {}} until it answers 200 and returns the milliseconds from process
     * start to that answer.
     */
    public double awaitFirstAnswer(String function, Duration patience) throws Exception {
        long giveUp = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < giveUp) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the function exited with " + process.exitValue() + " before answering");
            }
            try {
                HttpResponse<String> response = HTTP.send(request(function, "{}", Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1e6;
                }
            } catch (ConnectException notYet) {
                // not listening yet
            } catch (IOException notYet) {
                // e.g. the connection was reset while the server came up
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the function did not answer within " + patience);
    }

    /** Waits until the function's liveness probe answers (with caller auth on, functions need a token). */
    public void awaitLive(Duration patience) throws Exception {
        long giveUp = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < giveUp) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the function exited with " + process.exitValue() + ": " + log());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(base.resolve("q/health/live")).timeout(Duration.ofSeconds(5)).GET()
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the function did not come up within " + patience + ": " + log());
    }

    /** Calls a function and returns its answer, whatever the status. */
    public Answer call(String function, String json) throws Exception {
        return call(function, json, null);
    }

    /** Calls a function with {@code bearerToken} (none when null) and returns its answer, whatever the status. */
    public Answer call(String function, String json, String bearerToken) throws Exception {
        return send(request(function, json, Duration.ofMinutes(10)), bearerToken);
    }

    /**
     * Sends a CloudEvent in binary mode, as a Knative broker or source delivers it, with
     * {@code bearerToken} (none when null), and returns the answer, whatever the status.
     */
    public Answer event(String type, String source, String id, String json, String bearerToken) throws Exception {
        return send(request("", json, Duration.ofMinutes(10)).header("ce-specversion", "1.0")
                .header("ce-type", type).header("ce-source", source).header("ce-id", id), bearerToken);
    }

    private Answer send(HttpRequest.Builder request, String bearerToken) throws Exception {
        long start = System.nanoTime();
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - start) / 1e6;
        JsonNode body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        return new Answer(response.statusCode(), body, millis);
    }

    /** Calls a function and fails unless it answers 200. */
    public Answer ok(String function, String json) throws Exception {
        return ok(function, json, null);
    }

    /** Calls a function with {@code bearerToken} and fails unless it answers 200. */
    public Answer ok(String function, String json, String bearerToken) throws Exception {
        Answer answer = call(function, json, bearerToken);
        if (answer.status() != 200) {
            throw new IllegalStateException(function + " " + json + " answered " + answer.status() + ": " + answer.body());
        }
        return answer;
    }

    private HttpRequest.Builder request(String function, String json, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(function)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    /** Everything the function has written to its log so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    public long pid() {
        return process.pid();
    }

    /** The CPU time the process has used so far (user and system), or zero where the system does not say. */
    public Duration cpu() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** A line of /proc/PID/status in kB (VmRSS, VmHWM), or -1 where there is no /proc. */
    public long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** A port free on this machine now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
