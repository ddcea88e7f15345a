package io.meshns.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshns.mock.MockApiServer;

/**
 * Makes a JDK 25 AOT cache of the packaged function with src/main/docker/train-aot-cache.sh, the
 * training the container image runs, but against a CRUD mock control plane, so the calls answer 200.
 * The {@code aot} profile runs it at package, the start benchmark before it measures a start from a cache.
 */
public final class AotCacheTraining {

    private static final Path SCRIPT = Path.of("src", "main", "docker", "train-aot-cache.sh");
    /** The namespace the script's getNamespace asks for. */
    private static final String NAMESPACE = "training";

    private AotCacheTraining() {
    }

    /**
     * Trains {@code cache} (a file name beside {@code jar}) with {@code java} started with
     * {@code options}, replacing any earlier cache; returns the cache's path. The script's output goes
     * to {@code log}, the function's beside it.
     */
    public static Path train(String java, List<String> options, Path jar, String cache, Path log) throws Exception {
        Path directory = jar.toAbsolutePath().getParent();
        if (!jar.getFileName().toString().equals("quarkus-run.jar")) {
            throw new IllegalArgumentException("the script trains quarkus-run.jar, not " + jar);
        }
        try (MockApiServer control = MockApiServer.start()) {
            control.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                    .addToLabels("istio-injection", "enabled").endMetadata().build()).create();
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder training = new ProcessBuilder("bash", SCRIPT.toAbsolutePath().toString(), cache)
                    .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            training.environment().put("JAVA", java);
            training.environment().put("TRAINING_OPTIONS", String.join(" ", options));
            training.environment().put("CONTROL_PLANE", control.url());
            training.environment().put("TRAINING_PORT", Integer.toString(FunctionProcess.freePort()));
            training.environment().put("TRAINING_LOG", log.toAbsolutePath() + ".function");
            Process process = training.start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the training run did not end within 3 minutes; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("the training run failed: " + Files.readString(log));
            }
        }
        return directory.resolve(cache);
    }

    /** {@code java jar cache [options...]}: trains the cache as {@link #train} does, its log beside the jar's directory. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: AotCacheTraining JAVA JAR CACHE [JVM options...]");
            System.exit(2);
        }
        Path jar = Path.of(args[1]);
        Path log = jar.toAbsolutePath().getParent().resolveSibling("aot-training.log");
        Path cache = train(args[0], Arrays.asList(args).subList(3, args.length), jar, args[2], log);
        System.out.println("AOT cache " + cache + " (" + Files.size(cache) / (1024 * 1024) + " MB), trained by " + args[0]);
        // mockwebserver's Vert.x instance keeps non-daemon threads alive.
        System.exit(0);
    }
}
