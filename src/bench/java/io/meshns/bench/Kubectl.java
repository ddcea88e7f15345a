package io.meshns.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.meshns.mock.MockApiServer;

/**
 * The user's way without meshns: one {@code kubectl label ns NAME istio-injection=enabled --overwrite}
 * per cluster, one after another. Runs with an empty kubeconfig and its own discovery cache.
 */
final class Kubectl {

    private final Path kubeconfig;
    private final Path cache;
    private final String version;

    private Kubectl(Path kubeconfig, Path cache, String version) {
        this.kubeconfig = kubeconfig;
        this.cache = cache;
        this.version = version;
    }

    /** kubectl from the PATH, or empty when it is not installed. */
    static Optional<Kubectl> find(Path workDir) throws IOException, InterruptedException {
        Path kubeconfig = workDir.resolve("kubeconfig-empty");
        Path cache = workDir.resolve("kubectl-cache");
        Files.createDirectories(workDir);
        Files.writeString(kubeconfig, "");
        deleteTree(cache);
        Kubectl kubectl = new Kubectl(kubeconfig, cache, null);
        try {
            Run run = kubectl.run(List.of("version", "--client"));
            if (run.exit() != 0) {
                return Optional.empty();
            }
            String first = run.output().lines().findFirst().orElse("").replace("Client Version:", "").trim();
            return Optional.of(new Kubectl(kubeconfig, cache, first));
        } catch (IOException notInstalled) {
            return Optional.empty();
        }
    }

    String version() {
        return version;
    }

    /** Fills kubectl's discovery cache for a server, as a user's earlier kubectl calls would have. */
    void warm(MockApiServer server, String namespace) {
        try {
            require(run(List.of("get", "ns", namespace, "--server", server.url())), "kubectl get ns " + namespace);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Labels the namespace in each server, one kubectl after another; the milliseconds it all took. */
    double labelInSequence(List<MockApiServer> servers, String namespace) throws IOException, InterruptedException {
        long start = System.nanoTime();
        for (MockApiServer server : servers) {
            require(run(List.of("label", "ns", namespace, "istio-injection=enabled", "--overwrite", "--server",
                    server.url())), "kubectl label ns " + namespace);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private record Run(int exit, String output) {
    }

    private Run run(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("kubectl");
        command.addAll(arguments);
        command.add("--cache-dir=" + cache);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), output);
    }

    private static void require(Run run, String what) {
        if (run.exit() != 0) {
            throw new IllegalStateException(what + " exited with " + run.exit() + ": " + run.output().strip());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
