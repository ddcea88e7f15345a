package io.meshns.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.meshns.mock.MockApiServer;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.Podman;

/**
 * The container image's start ({@code -Dbench.only=image}): src/main/docker/Dockerfile.jvm built with
 * podman, then started in turn from the AOT cache its build trained, and without it
 * ({@code -XX:AOTMode=off}), each timed from {@code podman run} to the first answered listNamespaces;
 * beside an empty container's run, podman's own share of that time.
 */
final class ImageBenchmark {

    static final int NUMBER = 10;
    private static final String IMAGE = "localhost/meshns-bench:latest";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final double GOAL_MILLIS = 1000;
    private static final String COMMAND = "`./mvnw -B -Pbench verify -Dbench.only=image` ([10](#10-start-up-in-the-container-image))";

    /** The figures of this part, in milliseconds. */
    record Result(String javaImage, String jdk, List<Double> cached, List<Double> uncached, List<Double> empty) {
    }

    private ImageBenchmark() {
    }

    static Result run(Benchmark.Settings settings) throws Exception {
        String javaImage = System.getProperty("bench.java-image", Podman.JAVA_IMAGE);
        Path logs = settings.workDir();
        Benchmark.say("  podman build FROM " + javaImage);
        Podman.Result build = Podman.buildJvmImage(IMAGE, javaImage, logs.resolve("image-build.log"));
        if (build.exit() != 0) {
            throw new IllegalStateException("podman build failed:\n" + build.output());
        }
        Podman.Result version = Podman.run(List.of("run", "--rm", "--network", "host", "--entrypoint", "java", IMAGE, "-version"),
                logs.resolve("image-java.log"));
        // "OpenJDK Runtime Environment Temurin-25.0.3+9 (build 25.0.3+9-LTS)": the vendor's version.
        String jdk = version.output().lines().filter(l -> l.contains("Runtime Environment")).findFirst()
                .map(l -> l.replaceAll(".*Runtime Environment ", "").replaceAll(" \\(build .*", "")).orElse("?").strip();
        Result result = new Result(javaImage, jdk, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (MockApiServer control = MockApiServer.start()) {
            Benchmark.createNamespace(control.client(), "bench-image", Map.of("team", "bench"));
            // Each round starts every kind once, so that a change in the machine's load falls on all of them.
            for (int run = 1; run <= settings.starts(); run++) {
                result.cached().add(firstAnswer(List.of(), control, logs.resolve("image-start-" + run + ".log")));
                result.uncached().add(firstAnswer(List.of("-XX:AOTMode=off"), control, logs.resolve("image-start-off-" + run + ".log")));
                long began = System.nanoTime();
                Podman.Result empty = Podman.run(List.of("run", "--rm", "--network", "host", "--entrypoint", "/bin/true", IMAGE),
                        logs.resolve("image-empty.log"));
                if (empty.exit() != 0) {
                    throw new IllegalStateException("an empty container failed:\n" + empty.output());
                }
                result.empty().add((System.nanoTime() - began) / 1e6);
                Benchmark.say(String.format(Locale.ROOT, "  start %d: %.0f ms from the cache, %.0f ms without, %.0f ms an empty container "
                        + "(load average %s)", run, last(result.cached()), last(result.uncached()), last(result.empty()),
                        Benchmark.Machine.loadAverage()));
            }
        }
        return result;
    }

    private static double firstAnswer(List<String> options, MockApiServer control, Path log) throws Exception {
        try (FunctionProcess function = FunctionProcess.startContainer(IMAGE, options, control.url(), log)) {
            return function.awaitFirstAnswer("listNamespaces", PATIENCE);
        }
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    /** This part's row of the goals table: the JVM's share, podman's own run taken off. */
    static List<Report.Goal> goals(Result r) {
        double cached = Stats.median(r.cached());
        double empty = Stats.median(r.empty());
        return List.of(new Report.Goal("Start-up in the container image: JVM launch to the first answered `listNamespaces` ≤ 1 s",
                String.format(Locale.ROOT, "%,.0f ms (%,.0f ms from `podman run`, less %,.0f ms of an empty container's run); "
                        + "%,.0f ms from `podman run` without the cache", cached - empty, cached, empty, Stats.median(r.uncached())),
                cached - empty <= GOAL_MILLIS ? "met" : "not met", COMMAND));
    }

    /** This part's section of BENCHMARKS.md. */
    static String markdown(Benchmark.Settings settings, Benchmark.Machine machine, Result r) {
        StringBuilder md = new StringBuilder();
        md.append("## ").append(NUMBER).append(". Start-up in the container image\n\n");
        md.append("Run alone with `./mvnw -B -Pbench verify -Dbench.only=image` (`-Dbench.starts`, `-Dbench.java-image`). ")
                .append("`src/main/docker/Dockerfile.jvm` built with podman FROM `").append(r.javaImage()).append("` (").append(r.jdk())
                .append(")");
        if (Podman.JAVA_IMAGE.equals(r.javaImage())) {
            md.append(", the stand-in that `scripts/install-podman.sh` makes for `eclipse-temurin:25-jre`: Debian with this machine's JDK");
        }
        md.append(". Its build trains the AOT cache. Each start is timed from `podman run` (host network, the control plane a CRUD mock ")
                .append("on loopback) to the first answered `listNamespaces`, the sets taking turns; `-XX:AOTMode=off` starts the same image ")
                .append("without its cache. An empty container (`--entrypoint /bin/true`) is podman's own share. Median of ")
                .append(settings.starts()).append(", ").append(machine.date()).append(", load average ").append(machine.loadBefore())
                .append(" before, ").append(machine.loadAfter()).append(" after.\n\n");
        md.append("| start | median ms | min–max ms |\n|---|---:|---:|\n");
        md.append(row("from the AOT cache", r.cached()));
        md.append(row("without it (`-XX:AOTMode=off`)", r.uncached()));
        md.append(row("an empty container", r.empty()));
        md.append("\nGoals: see the opening table.\n\n");
        return md.toString();
    }

    private static String row(String start, List<Double> millis) {
        return String.format(Locale.ROOT, "| %s | %,.0f | %s |%n", start, Stats.median(millis), Stats.range(millis));
    }
}
