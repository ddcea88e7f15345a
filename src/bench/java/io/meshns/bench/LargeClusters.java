package io.meshns.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.meshns.testing.FunctionProcess;
import io.meshns.testing.FunctionYaml;
import io.meshns.testing.ManyClusters;

/**
 * Large clusters ({@code -Dbench.only=large}): {@code bench.large-clusters} clusters, each grown to
 * each of {@code bench.large-sizes} namespaces, of which {@code bench.large-mesh} are the mesh's (in
 * the control plane too, all in sync) and the rest the clusters' own. For each size, a reconcile
 * (the first records every mesh namespace's state) and 3 more, in function.yaml's container JVM
 * with its collector logging: the most heap still in use after a collection during them, the
 * process' RSS and peak RSS after them, and the LIST requests (pages) each cluster received per
 * reconcile. The packaged function, and with {@code -Dbench.baseline-jar} earlier ones.
 */
final class LargeClusters {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** "GC(12) Pause Young (Allocation Failure) 66M->8M(245M) 4.1ms": the heap in use after it is the second figure. */
    private static final Pattern COLLECTION = Pattern.compile("GC\\(\\d+\\) Pause .*? (\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private LargeClusters() {
    }

    /** One size under one jar. */
    record Row(String jar, int clusters, int namespaces, int mesh, double firstMillis, double quietMillis, long listsPerReconcile,
            int failed, int collections, long mostHeapAfterCollectionMb, long rssAfterKb, long hwmAfterKb, Describe describe,
            String died) {
    }

    /** describeMesh after the reconciles: its time, and the most heap in use after a collection during it. */
    record Describe(double millis, long mostHeapAfterCollectionMb, String died) {
    }

    static List<Row> run(Benchmark.Settings settings) throws Exception {
        int count = Integer.getInteger("bench.large-clusters", 10);
        int mesh = Integer.getInteger("bench.large-mesh", 100);
        List<Integer> sizes = Arrays.stream(System.getProperty("bench.large-sizes", "5000,50000").split(","))
                .map(String::trim).map(Integer::parseInt).sorted().toList();
        Duration latency = Duration.ofMillis(Long.getLong("bench.large-latency-ms", 0));
        Map<String, Path> jars = Benchmark.jars(settings);
        List<Row> rows = new ArrayList<>();
        int run = 0;
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            Benchmark.say("large clusters: " + jar.getKey());
            try (ManyClusters clusters = ManyClusters.start(count, Duration.ZERO, Map.of());
                    BenchControlPlane control = BenchControlPlane.start(System.getProperty("bench.thousand-control", "mock"),
                            "meshns-bench-" + (1000 + run))) {
                Map<String, String> labels = Map.of("istio-injection", "enabled");
                Map<String, Map<String, String>> meshSeed = new LinkedHashMap<>();
                for (int i = 0; i < mesh; i++) {
                    meshSeed.put(String.format(Locale.ROOT, "mesh-%05d", i), labels);
                }
                clusters.seed(meshSeed);
                meshSeed.keySet().forEach(name -> control.namespace(name, labels));
                Path gcLog = settings.workDir().resolve("function-large-" + run + "-gc.log");
                List<String> properties = new ArrayList<>(FunctionYaml.containerJvmFlags());
                properties.add("-Xlog:gc:file=" + gcLog.toAbsolutePath());
                properties.addAll(control.properties());
                properties.addAll(List.of("-Dmeshns.allow-plaintext-clusters=true", "-Dmeshns.auth.enabled=false"));
                Path log = settings.workDir().resolve("function-large-" + run++ + ".log");
                try (FunctionProcess function = FunctionProcess.start(jar.getValue(), control.environment(), properties, log)) {
                    function.awaitFirstAnswer(PATIENCE);
                    for (int c = 0; c < count; c++) {
                        function.ok("registerCluster", "{\"name\": \"dp-" + c + "\", \"server\": \"" + clusters.url(c)
                                + "\", \"token\": \"bench\"}");
                    }
                    int seeded = mesh;
                    String died = null;
                    for (int size : sizes) {
                        if (died != null) {
                            rows.add(new Row(jar.getKey(), count, size, mesh, 0, 0, 0, 0, 0, 0, 0, 0, null, died));
                            continue;
                        }
                        Map<String, Map<String, String>> own = new LinkedHashMap<>();
                        for (int i = seeded; i < size; i++) {
                            own.put(String.format(Locale.ROOT, "app-%06d", i), Map.of("team", "own"));
                        }
                        clusters.seed(own);
                        seeded = Math.max(seeded, size);
                        clusters.latency(latency);
                        Row row = reconciles(jar.getKey(), clusters, function, gcLog, count, size, mesh);
                        clusters.latency(Duration.ZERO);
                        Benchmark.say("  " + row);
                        rows.add(row);
                        died = row.died();
                    }
                }
            }
        }
        return rows;
    }

    private static Row reconciles(String jar, ManyClusters clusters, FunctionProcess function, Path gcLog, int count, int size,
            int mesh) throws Exception {
        int logged = lines(gcLog).size();
        long listsBefore = clusters.requests(ManyClusters.Kind.LIST);
        try {
            FunctionProcess.Answer first = ThousandClusters.reconcileWithin(function, PATIENCE);
            int failed = ThousandClusters.outcomes(first.body(), "failed");
            List<Double> quiet = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                FunctionProcess.Answer again = ThousandClusters.reconcileWithin(function, PATIENCE);
                quiet.add(again.millis());
                failed = Math.max(failed, ThousandClusters.outcomes(again.body(), "failed"));
            }
            long lists = (clusters.requests(ManyClusters.Kind.LIST) - listsBefore) / 4 / count;
            List<String> collections = collections(gcLog, logged);
            long rss = function.statusKb("VmRSS");
            long hwm = function.statusKb("VmHWM");
            return new Row(jar, count, size, mesh, first.millis(), Stats.median(quiet), lists, failed, collections.size(),
                    mostAfter(collections), rss, hwm, describe(function, gcLog), null);
        } catch (Exception | Error e) {
            return new Row(jar, count, size, mesh, 0, 0, 0, 0, 0, 0, 0, 0, null, ThousandClusters.why(function, e));
        }
    }

    private static Describe describe(FunctionProcess function, Path gcLog) throws java.io.IOException {
        int logged = lines(gcLog).size();
        try {
            FunctionProcess.Answer answer = function.ok("describeMesh", "{}");
            return new Describe(answer.millis(), mostAfter(collections(gcLog, logged)), null);
        } catch (Exception | Error e) {
            return new Describe(0, mostAfter(collections(gcLog, logged)), ThousandClusters.why(function, e));
        }
    }

    /** The collections logged since line {@code from}. */
    static List<String> collections(Path gcLog, int from) throws java.io.IOException {
        List<String> all = lines(gcLog);
        return all.subList(Math.min(from, all.size()), all.size()).stream().filter(line -> COLLECTION.matcher(line).find()).toList();
    }

    /** The most heap in use after any of {@code collections}, in MB. */
    static long mostAfter(List<String> collections) {
        long most = 0;
        for (String line : collections) {
            Matcher m = COLLECTION.matcher(line);
            if (m.find()) {
                most = Math.max(most, Long.parseLong(m.group(2)));
            }
        }
        return most;
    }

    static List<String> lines(Path file) throws java.io.IOException {
        return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
    }

    /** The figures as a Markdown table, one row per jar and size. */
    static String markdown(List<Row> rows, Benchmark.Machine machine) {
        StringBuilder md = new StringBuilder();
        md.append(machine.summary()).append(" JVM: `").append(String.join(" ", FunctionYaml.containerJvmFlags())).append("`.\n\n");
        md.append("| jar | clusters | namespaces per cluster (the mesh's) | reconcile first / quiet median, ms | LIST requests per cluster per reconcile"
                + " | failed outcomes | collections | most heap in use after a collection | RSS after | peak RSS (VmHWM) | ended"
                + " | then describeMesh, ms | its most heap in use after a collection |\n");
        md.append("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
        for (Row row : rows) {
            Describe d = row.describe();
            md.append(String.format(Locale.ROOT, "| %s | %d | %,d (%,d) | %,.0f / %,.0f | %d | %d | %d | %d MB | %s | %s | %s | %s | %s |%n",
                    row.jar(), row.clusters(), row.namespaces(), row.mesh(), row.firstMillis(), row.quietMillis(),
                    row.listsPerReconcile(), row.failed(), row.collections(), row.mostHeapAfterCollectionMb(), mb(row.rssAfterKb()),
                    mb(row.hwmAfterKb()), row.died() == null ? "ok" : row.died(),
                    d == null ? "–" : d.died() != null ? d.died() : String.format(Locale.ROOT, "%,.0f", d.millis()),
                    d == null || d.mostHeapAfterCollectionMb() == 0 ? "– (no collection)" : d.mostHeapAfterCollectionMb() + " MB"));
        }
        return md.toString();
    }

    private static String mb(long kb) {
        return kb <= 0 ? "–" : String.format(Locale.ROOT, "%,d MB", kb / 1024);
    }
}
