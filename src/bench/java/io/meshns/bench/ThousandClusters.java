package io.meshns.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.testing.FunctionProcess;
import io.meshns.testing.FunctionYaml;
import io.meshns.testing.ManyClusters;

/**
 * A thousand clusters ({@code -Dbench.only=thousand}): the packaged function (and, with
 * {@code -Dbench.baseline-jar}, an earlier one) with clusters registered one after another up to
 * {@code bench.thousand-counts}' last count, each {@code bench.latency-ms} away; for each JVM flag
 * set of {@code bench.thousand-flags} ("default": none; "container": the JVM of function.yaml's
 * container, its memory limit as {@code -XX:MaxRAM} and its JAVA_TOOL_OPTIONS; or flags,
 * space-separated). Registration times as the count grows, enableInjection at one cluster and at
 * all, the process' RSS and threads (from /proc) during and after, and a reconcile of
 * {@code bench.namespaces} namespaces over every cluster beside one cluster's LIST of them.
 * The clusters are {@link ManyClusters}: one Vert.x server, one port per cluster.
 */
final class ThousandClusters {

    private static final String APP = "bench-app";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /**
     * Calls before those measured, at each count. Not the other sections' 3: over its first 20 or so
     * calls to 1,000 clusters (each after a disableInjection), the function's JIT compiler still takes
     * about 40 % of a core.
     */
    private static final int WARMUP = Integer.getInteger("bench.thousand-warmup", 10);

    private ThousandClusters() {
    }

    /** One jar under one set of JVM flags. */
    record Run(String jar, String flags, Map<Integer, Double> registerMillis, Calls one, Calls all, Calls atOnce,
            long peakThreads, long peakRssKb, long rssAfterKb, long hwmAfterKb, long threadsAfter,
            double listMillis, double firstReconcileMillis, List<Double> quietReconcileMillis, int reconcileFailed,
            long rssAfterReconcileKb, long hwmAfterReconcileKb, String died) {
    }

    static List<Run> run(Benchmark.Settings settings) throws Exception {
        List<Integer> counts = Arrays.stream(System.getProperty("bench.thousand-counts", "1,100,500,1000").split(","))
                .map(String::trim).map(Integer::parseInt).sorted().toList();
        List<String> flagSets = Arrays.stream(System.getProperty("bench.thousand-flags", "default,container").split(","))
                .map(String::trim).map(flags -> flags.equals("container") ? String.join(" ", FunctionYaml.containerJvmFlags()) : flags)
                .toList();
        Map<String, Path> jars = Benchmark.jars(settings);
        int most = counts.get(counts.size() - 1);
        List<Run> runs = new ArrayList<>();
        try (ManyClusters clusters = ManyClusters.start(most, Duration.ZERO, Map.of(APP, Map.of("team", "bench")))) {
            for (String flags : flagSets) {
                for (Map.Entry<String, Path> jar : jars.entrySet()) {
                    Benchmark.say("thousand: " + jar.getKey() + ", JVM flags: " + flags);
                    Run run = one(settings, clusters, counts, jar.getKey(), jar.getValue(), flags);
                    runs.add(run);
                    Benchmark.say("  " + run);
                }
            }
        }
        return runs;
    }

    private static Run one(Benchmark.Settings settings, ManyClusters clusters, List<Integer> counts, String label, Path jar,
            String flags) throws Exception {
        int most = counts.get(counts.size() - 1);
        List<String> properties = new ArrayList<>();
        if (!flags.equals("default")) {
            properties.addAll(Arrays.asList(flags.split("\\s+")));
        }
        clusters.latency(Duration.ZERO);
        try (BenchControlPlane control = BenchControlPlane.start(System.getProperty("bench.thousand-control", "mock"),
                "meshns-bench-" + runs)) {
            control.namespace(APP, Map.of("team", "bench"));
            properties.addAll(control.properties());
            properties.addAll(List.of("-Dmeshns.allow-plaintext-clusters=true", "-Dmeshns.auth.enabled=false"));
            Path log = settings.workDir().resolve("function-thousand-" + runs++ + ".log");
            try (FunctionProcess function = FunctionProcess.start(jar, control.environment(), properties, log)) {
                function.awaitFirstAnswer(PATIENCE);
                Map<Integer, Double> registerMillis = new LinkedHashMap<>();
                List<Double> recent = new ArrayList<>();
                Calls one = null;
                Calls all = null;
                Calls atOnce = null;
                long[] peak = { 0, 0 };
                String died = null;
                try {
                    for (int c = 0; c < most; c++) {
                        recent.add(function.ok("registerCluster", "{\"name\": \"dp-" + c + "\", \"server\": \""
                                + clusters.url(c) + "\", \"token\": \"bench\"}").millis());
                        if (recent.size() > 10) {
                            recent.remove(0);
                        }
                        if (counts.contains(c + 1)) {
                            registerMillis.put(c + 1, Stats.median(recent));
                            Benchmark.say(String.format(Locale.ROOT, "  registered %d: %.1f ms (median of the last %d)", c + 1,
                                    Stats.median(recent), recent.size()));
                        }
                        if (c == 0) {
                            clusters.latency(settings.latency());
                            one = enable(settings, function, null, 1, null);
                            clusters.latency(Duration.ZERO);
                        }
                    }
                    clusters.latency(settings.latency());
                    all = enable(settings, function, peak, most, clusters);
                    // The same with every cluster answering at once: what is left is the function's own work.
                    clusters.latency(Duration.ZERO);
                    atOnce = enable(settings, function, null, most, null);
                } catch (Exception | Error e) {
                    died = why(function, e);
                }
                // -Dbench.thousand-hold-ms: time to look at the process (jcmd PID GC.class_histogram) before it stops.
                long hold = Long.getLong("bench.thousand-hold-ms", 0);
                if (hold > 0) {
                    Benchmark.say("  holding the function (pid " + function.pid() + ") for " + hold + " ms");
                    Thread.sleep(hold);
                }
                long rssAfter = function.statusKb("VmRSS");
                long hwmAfter = function.statusKb("VmHWM");
                long threadsAfter = function.statusKb("Threads");
                Reconcile reconcile = died == null ? reconcile(settings, clusters, control, function) : null;
                if (reconcile != null && reconcile.died() != null) {
                    died = reconcile.died();
                }
                return new Run(label, flags, registerMillis, one, all, atOnce, peak[0], peak[1], rssAfter, hwmAfter,
                        threadsAfter, reconcile == null ? 0 : reconcile.listMillis(),
                        reconcile == null ? 0 : reconcile.first(), reconcile == null ? List.of() : reconcile.quiet(),
                        reconcile == null ? 0 : reconcile.failed(), function.statusKb("VmRSS"), function.statusKb("VmHWM"),
                        died);
            }
        }
    }

    private static int runs;

    /**
     * Measured enableInjection calls: their times, how many clusters the last one applied to, and the
     * CPU time per call (mean) of the function and of this process (the simulated clusters, the
     * control plane's mock, the caller), which share the machine's cores. When the clusters were
     * watched: over how long the requests of the read and of the patches arrived at them, and how late
     * after the latency their answers went out (medians over the calls; null when not watched).
     */
    record Calls(List<Double> millis, int applied, double functionCpuMillis, double othersCpuMillis, Arrivals arrivals) {
    }

    record Arrivals(double readMillis, double patchMillis, double lateP90Millis, double lateMostMillis) {
    }

    /**
     * enableInjection, each after a disableInjection; {@code peak}: most threads and RSS seen while they
     * ran; {@code watched}: the clusters, to record when requests reached them (null: not recorded).
     */
    private static Calls enable(Benchmark.Settings settings, FunctionProcess function, long[] peak, int clusters,
            ManyClusters watched) throws Exception {
        List<Double> millis = new ArrayList<>();
        int applied = 0;
        long functionCpuNanos = 0;
        long othersCpuNanos = 0;
        List<Double> reads = new ArrayList<>();
        List<Double> patches = new ArrayList<>();
        List<Double> lateP90 = new ArrayList<>();
        List<Double> lateMost = new ArrayList<>();
        for (int i = 0; i < WARMUP + settings.repeats(); i++) {
            function.ok("disableInjection", "{\"namespace\": \"" + APP + "\"}");
            Sampler sampler = peak != null && i >= WARMUP ? Sampler.start(function) : null;
            long functionCpu = function.cpu().toNanos();
            long othersCpu = ownCpuNanos();
            if (watched != null) {
                watched.record(true);
            }
            FunctionProcess.Answer answer = function.ok("enableInjection", "{\"namespace\": \"" + APP + "\"}");
            if (watched != null) {
                if (i >= WARMUP) {
                    // The read's requests go out together, the patches together after the read's answers.
                    List<ManyClusters.Burst> bursts = watched.bursts(settings.latency().dividedBy(2));
                    reads.add(bursts.get(0).arrivalMillis());
                    patches.add(bursts.get(bursts.size() - 1).arrivalMillis());
                    lateP90.add(bursts.stream().mapToDouble(ManyClusters.Burst::lateP90Millis).max().orElse(0));
                    lateMost.add(bursts.stream().mapToDouble(ManyClusters.Burst::lateMostMillis).max().orElse(0));
                }
                watched.record(false);
            }
            if (i >= WARMUP) {
                functionCpuNanos += function.cpu().toNanos() - functionCpu;
                othersCpuNanos += ownCpuNanos() - othersCpu;
            }
            if (sampler != null) {
                sampler.stop();
                peak[0] = Math.max(peak[0], sampler.threads.get());
                peak[1] = Math.max(peak[1], sampler.rssKb.get());
            }
            if (i >= WARMUP) {
                millis.add(answer.millis());
                applied = Benchmark.count(answer.body().get("clusters"), "applied");
            }
        }
        Arrivals arrivals = watched == null ? null
                : new Arrivals(Stats.median(reads), Stats.median(patches), Stats.median(lateP90), Stats.median(lateMost));
        Calls calls = new Calls(millis, applied, functionCpuNanos / 1e6 / settings.repeats(), othersCpuNanos / 1e6 / settings.repeats(),
                arrivals);
        Benchmark.say(String.format(Locale.ROOT, "  enableInjection over %d: median %.0f ms %s; CPU per call: function %.0f ms, clusters and caller %.0f ms%s",
                clusters, Stats.median(millis), millis, calls.functionCpuMillis(), calls.othersCpuMillis(), arrivals == null ? ""
                        : String.format(Locale.ROOT, "; requests arrived over %.0f ms (read), %.0f ms (patches); answers late p90 %.0f ms, most %.0f ms",
                                arrivals.readMillis(), arrivals.patchMillis(), arrivals.lateP90Millis(), arrivals.lateMostMillis())));
        return calls;
    }

    /** This process' CPU time: the simulated clusters, the control plane's mock and the caller. */
    static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    record Reconcile(double listMillis, double first, List<Double> quiet, int failed, String died) {
    }

    /** {@code bench.namespaces} namespaces, labelled alike everywhere: one cluster's LIST of them, then reconciles. */
    private static Reconcile reconcile(Benchmark.Settings settings, ManyClusters clusters, BenchControlPlane control,
            FunctionProcess function) throws Exception {
        int namespaces = settings.namespaces();
        if (namespaces <= 0) {
            return null;
        }
        clusters.latency(Duration.ZERO);
        Map<String, String> labels = Map.of("istio-injection", "enabled", "team", "bench");
        Map<String, Map<String, String>> seed = new LinkedHashMap<>();
        for (int i = 0; i < namespaces; i++) {
            seed.put(String.format(Locale.ROOT, "mesh-%04d", i), labels);
        }
        clusters.seed(seed);
        seed.keySet().forEach(name -> control.namespace(name, labels));
        clusters.latency(settings.latency());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Double> lists = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            HttpResponse<byte[]> list = http.send(HttpRequest.newBuilder(URI.create(clusters.url(0) + "/api/v1/namespaces"))
                    .header("Authorization", "Bearer bench").build(), HttpResponse.BodyHandlers.ofByteArray());
            if (list.statusCode() != 200) {
                throw new IllegalStateException("LIST answered " + list.statusCode());
            }
            lists.add((System.nanoTime() - start) / 1e6);
        }
        double listMillis = Stats.median(lists);
        try {
            FunctionProcess.Answer first = reconcileWithin(function, RECONCILE_PATIENCE);
            List<Double> quiet = new ArrayList<>();
            int failed = Math.max(0, outcomes(first.body(), "failed"));
            for (int i = 0; i < 3; i++) {
                FunctionProcess.Answer again = reconcileWithin(function, RECONCILE_PATIENCE);
                quiet.add(again.millis());
                failed = Math.max(failed, outcomes(again.body(), "failed"));
            }
            Benchmark.say(String.format(Locale.ROOT, "  one cluster's LIST of %d: %.0f ms; reconcile first %.0f ms, then %s (failed outcomes %d)",
                    namespaces, listMillis, first.millis(), quiet, failed));
            return new Reconcile(listMillis, first.millis(), quiet, failed, null);
        } catch (Exception | Error e) {
            return new Reconcile(listMillis, 0, List.of(), 0, why(function, e));
        }
    }

    /** A function out of memory may never answer: a reconcile that takes longer than this ends the run. */
    private static final Duration RECONCILE_PATIENCE = Duration.ofSeconds(120);

    static FunctionProcess.Answer reconcileWithin(FunctionProcess function, Duration patience) throws Exception {
        java.util.concurrent.CompletableFuture<FunctionProcess.Answer> answer = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return function.ok("reconcile", "{}");
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
        try {
            return answer.get(patience.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("reconcile gave no answer within " + patience.toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    static String why(FunctionProcess function, Throwable e) {
        String log;
        try {
            log = function.log();
        } catch (Exception unreadable) {
            log = "";
        }
        String reason = log.contains("OutOfMemoryError") ? "OutOfMemoryError" : e.getClass().getSimpleName() + ": " + e.getMessage();
        Benchmark.say("  failed: " + reason);
        return reason.length() > 200 ? reason.substring(0, 200) : reason;
    }

    static int outcomes(JsonNode report, String outcome) {
        int total = 0;
        for (JsonNode result : report.path("results")) {
            total += Benchmark.count(result.get("clusters"), outcome);
        }
        return total;
    }

    /** Polls /proc/PID/status while a call runs: the most threads and the largest RSS seen. */
    private static final class Sampler {
        final AtomicLong threads = new AtomicLong();
        final AtomicLong rssKb = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        Thread thread;

        static Sampler start(FunctionProcess function) {
            Sampler sampler = new Sampler();
            sampler.thread = new Thread(() -> {
                while (sampler.running.get()) {
                    sampler.threads.accumulateAndGet(function.statusKb("Threads"), Math::max);
                    sampler.rssKb.accumulateAndGet(function.statusKb("VmRSS"), Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-sampler");
            sampler.thread.setDaemon(true);
            sampler.thread.start();
            return sampler;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    /** The figures as a Markdown table, one row per run. */
    static String markdown(List<Run> runs, Benchmark.Machine machine) {
        StringBuilder md = new StringBuilder();
        md.append(machine.summary()).append(" enableInjection: the median of the calls measured after ").append(WARMUP)
                .append(" warm-up calls, each after a disableInjection.\n\n");
        md.append("| jar | JVM flags | registerCluster ms at 1 / 100 / 500 / 1,000 registered | enableInjection, 1 cluster, median ms |"
                + " 1,000 clusters, median ms | ratio | applied | CPU per call, ms: function at 1 / at 1,000 / clusters and caller at 1,000 | requests arrived over, ms: read / patches | answers late, ms: p90 / most | 1,000 clusters answering at once, median ms | threads during (most) | RSS during (most) | RSS after | peak RSS (VmHWM) |"
                + " threads after | one LIST ms | reconcile first / quiet median ms | RSS after reconcile | VmHWM after reconcile | ended |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|\n");
        for (Run run : runs) {
            double one = run.one() == null ? 0 : Stats.median(run.one().millis());
            double all = run.all() == null ? 0 : Stats.median(run.all().millis());
            md.append("| ").append(run.jar()).append(" | `").append(run.flags()).append("` | ")
                    .append(String.join(" / ", run.registerMillis().values().stream()
                            .map(v -> String.format(Locale.ROOT, "%.0f", v)).toList()))
                    .append(" | ").append(f(one)).append(" | ").append(f(all)).append(" | ")
                    .append(one == 0 ? "–" : String.format(Locale.ROOT, "%.2f", all / one)).append(" | ")
                    .append(run.all() == null ? 0 : run.all().applied()).append(" | ")
                    .append(run.all() == null ? "–" : f(run.one().functionCpuMillis()) + " / " + f(run.all().functionCpuMillis()) + " / "
                            + f(run.all().othersCpuMillis()))
                    .append(" | ").append(arrivals(run.all() == null ? null : run.all().arrivals()))
                    .append(" | ").append(run.atOnce() == null ? "–" : f(Stats.median(run.atOnce().millis()))).append(" | ")
                    .append(run.peakThreads()).append(" | ").append(mb(run.peakRssKb()))
                    .append(" | ").append(mb(run.rssAfterKb())).append(" | ").append(mb(run.hwmAfterKb())).append(" | ")
                    .append(run.threadsAfter()).append(" | ").append(f(run.listMillis())).append(" | ")
                    .append(f(run.firstReconcileMillis())).append(" / ")
                    .append(run.quietReconcileMillis().isEmpty() ? "–" : f(Stats.median(run.quietReconcileMillis())))
                    .append(" | ").append(mb(run.rssAfterReconcileKb())).append(" | ").append(mb(run.hwmAfterReconcileKb()))
                    .append(" | ").append(run.died() == null ? "ok" : run.died()).append(" |\n");
        }
        return md.toString();
    }

    private static String arrivals(Arrivals a) {
        return a == null ? "– | –" : f(a.readMillis()) + " / " + f(a.patchMillis()) + " | " + f(a.lateP90Millis()) + " / " + f(a.lateMostMillis());
    }

    private static String f(double millis) {
        return String.format(Locale.ROOT, "%,.0f", millis);
    }

    private static String mb(long kb) {
        return kb <= 0 ? "–" : String.format(Locale.ROOT, "%,d MB", kb / 1024);
    }

    static void write(Path file, String text) throws java.io.IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
