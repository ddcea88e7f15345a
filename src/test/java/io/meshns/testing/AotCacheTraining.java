package io.meshns.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshns.mock.MockApiServer;

/**
 * Makes a JDK 25 AOT cache of the packaged function (JEP 483, 514, 515: classes loaded and linked,
 * and method profiles) by a training run: the function, started from its directory with
 * {@code -XX:AOTCacheOutput} and the C1 compiler alone, answers the calls of a first start against a
 * CRUD mock control plane, and writes the cache next to the jar as it exits. The {@code aot} profile runs it at package, the
 * start benchmark before it measures a start from a cache.
 */
public final class AotCacheTraining {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String NAMESPACE = "training";
    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    private AotCacheTraining() {
    }

    /**
     * Trains {@code cache} (a file name beside {@code jar}) with {@code java} started with
     * {@code options}, replacing any earlier cache; returns the cache's path.
     */
    public static Path train(String java, List<String> options, Path jar, String cache, Path log) throws Exception {
        Path file = jar.toAbsolutePath().getParent().resolve(cache);
        Files.deleteIfExists(file);
        List<String> recording = new ArrayList<>(options);
        // Trained without C2, the cache keeps the loaded and linked classes but no method profiles: with
        // profiles, C2 compiles the trained methods as the JVM starts, about 0.9 s of CPU before the first
        // answer on two cores. C2 still compiles what grows hot afterwards.
        if (!recording.contains(C1_ONLY)) {
            recording.add(C1_ONLY);
        }
        recording.add("-XX:AOTCacheOutput=" + cache);
        try (MockApiServer control = MockApiServer.start()) {
            control.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                    .addToLabels("istio-injection", "enabled").endMetadata().build()).create();
            try (FunctionProcess training = FunctionProcess.startFromItsDirectory(java, recording, jar, control.url(), log)) {
                training.awaitFirstAnswer("listNamespaces", PATIENCE);
                for (int i = 0; i < 50; i++) {
                    training.ok("listNamespaces", "{}");
                    training.ok("getNamespace", "{\"name\": \"" + NAMESPACE + "\"}");
                    training.ok("listClusters", "{}");
                }
            }
        }
        // The JVM writes the cache as it exits: a training run that failed leaves none.
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the training run made no AOT cache " + file + "; see " + log);
        }
        return file;
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
