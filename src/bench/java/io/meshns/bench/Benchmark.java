package io.meshns.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.AotCacheTraining;
import io.meshns.testing.FunctionProcess;

/**
 * The benchmark: fan-out latency against kubectl, reconcile at scale, start time and memory of the
 * packaged function. Prints the figures and writes them to BENCHMARKS.md. Run it with
 * {@code ./mvnw -B -Pbench verify}; it is a tool that reports, not a test that passes or fails.
 */
public final class Benchmark {

    static final String COMMAND = "./mvnw -B -Pbench verify";
    private static final String APP = "bench-app";
    private static final String INJECTION = "istio-injection";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** Keeps JUL loggers (mockwebserver logs every request at INFO) quiet for the whole run. */
    private static final List<Logger> QUIET = new ArrayList<>();

    /** What to measure; each value can be changed with -Dbench.* (see BENCHMARKS.md). */
    record Settings(Path jar, Path output, Path workDir, List<Integer> clusterCounts, Duration latency, int warmup,
            int repeats, int namespaces, int reconcileClusters, int driftPercent, int calls, int starts,
            Duration controlPlaneLatency, List<Integer> roundTripClusters) {

        /** The same settings for another jar (a baseline). */
        Settings withJar(Path other) {
            return new Settings(other, output, workDir, clusterCounts, latency, warmup, repeats, namespaces, reconcileClusters,
                    driftPercent, calls, starts, controlPlaneLatency, roundTripClusters);
        }

        static Settings fromSystemProperties() {
            return new Settings(
                    Path.of(System.getProperty("bench.jar", "target/quarkus-app/quarkus-run.jar")),
                    Path.of(System.getProperty("bench.output", "BENCHMARKS.md")),
                    Path.of(System.getProperty("bench.work-dir", "target/bench")),
                    Arrays.stream(System.getProperty("bench.clusters", "1,10,50,100").split(",")).map(String::trim)
                            .map(Integer::parseInt).sorted().toList(),
                    Duration.ofMillis(Long.getLong("bench.latency-ms", 150)),
                    Integer.getInteger("bench.warmup", 3),
                    Integer.getInteger("bench.repeats", 7),
                    Integer.getInteger("bench.namespaces", 1000),
                    Integer.getInteger("bench.reconcile-clusters", 20),
                    Integer.getInteger("bench.drift-percent", 5),
                    Integer.getInteger("bench.calls", 1000),
                    Integer.getInteger("bench.starts", 3),
                    Duration.ofMillis(Long.getLong("bench.cp-latency-ms", 50)),
                    Arrays.stream(System.getProperty("bench.cp-clusters", "1,20").split(",")).map(String::trim)
                            .map(Integer::parseInt).sorted().toList());
        }
    }

    /** Runs one measured part: its result, or its table. */
    private interface Part<R> {
        R run() throws Exception;
    }

    /**
     * Runs one part alone, {@code what} it measures: its section ({@code markdown}, given the machine as
     * measured) and its rows of the goals table replace those in the existing file, the rest stays.
     */
    private static <R> void partAlone(Settings settings, Machine machine, long began, String what, int number, Part<R> part,
            BiFunction<Machine, R, String> markdown, Function<R, List<Report.Goal>> goals) throws Exception {
        say(what + " (only this part)");
        R result = part.run();
        Machine measured = machine.withEnd((System.nanoTime() - began) / 6e10);
        writePart(settings, number, markdown.apply(measured, result), goals.apply(result), measured);
    }

    /** Runs one part alone: its table goes to the work directory, for merging by hand. */
    private static void tableAlone(Settings settings, String part, String file, Part<String> table) throws Exception {
        say(part + " (only this part)");
        String markdown = table.run();
        Path written = settings.workDir().resolve(file);
        ThousandClusters.write(written, markdown);
        System.out.println(markdown);
        say("written to " + written);
    }

    /**
     * The jars a part compares: the packaged function ("this commit"), then -Dbench.baseline-jar, one
     * jar ("baseline") or several as label=jar, comma-separated.
     */
    static Map<String, Path> jars(Settings settings) {
        Map<String, Path> jars = new LinkedHashMap<>();
        jars.put("this commit", settings.jar());
        for (String baseline : System.getProperty("bench.baseline-jar", "").split(",")) {
            if (!baseline.isBlank()) {
                int eq = baseline.indexOf('=');
                jars.put(eq < 0 ? "baseline" : baseline.substring(0, eq).trim(), Path.of(baseline.substring(eq + 1).trim()));
            }
        }
        return jars;
    }

    /** The baseline jars of -Dbench.baseline-jar (every jar but the packaged one), by label. */
    static Map<String, Path> baselineJars(Settings settings) {
        Map<String, Path> jars = new LinkedHashMap<>(jars(settings));
        jars.remove("this commit");
        return jars;
    }

    /** One row of the fan-out table. */
    record FanOutRow(int clusters, List<Double> meshnsMillis, int leastApplied, List<Double> kubectlMillis) {
    }

    /** Requests one data-plane server received during one reconcile. */
    record ServerCount(int list, int get, int patch, int other) {
    }

    record ReconcileResult(int namespaces, int clusters, int driftedPerCluster, int driftedNamespaces,
            double firstMillis, double driftMillis, double againMillis, int applied, int failed,
            List<ServerCount> perCluster, int controlPlaneRequests, int patchesAgain) {
    }

    record StartResult(List<StartJvm> jvms, long rssReadyKb, long rssAfterKb, long peakKb, int calls,
            double callsSeconds, List<Double> callMillis) {

        /** The starts of the JVM the memory and the calls were measured on: the last one. */
        List<Double> startMillis() {
            return jvms.get(jvms.size() - 1).startMillis();
        }
    }

    /**
     * One way of launching the function in part 3 and its start times: a java executable (the JDK
     * named as its release file names it) and the options before -jar.
     */
    record StartJvm(String java, String jdk, List<String> options, List<Double> startMillis, List<Double> cpuMillis) {

        /**
         * -Dbench.start-options: option sets separated by ';', each measured in turn; a word
         * java=PATH in a set starts that set with another JDK. By default the JVM plain, then with the
         * package's AppCDS archive when there is one, as the container runs it ("auto"). A set with
         * -XX:AOTCache=FILE (JDK 25) gets its cache from a training run first.
         */
        static List<StartJvm> fromSystemProperties(Path jar) {
            String archive = "app-cds.jsa";
            String sets = System.getProperty("bench.start-options", "auto");
            if (sets.equals("auto")) {
                sets = Files.isRegularFile(jar.resolveSibling(archive)) ? "; -XX:SharedArchiveFile=" + archive : "";
            }
            List<StartJvm> jvms = new ArrayList<>();
            for (String set : sets.split(";", -1)) {
                String java = FunctionProcess.javaExecutable();
                List<String> options = new ArrayList<>();
                for (String word : set.trim().split("\\s+")) {
                    if (word.startsWith("java=")) {
                        java = word.substring("java=".length());
                    } else if (!word.isEmpty()) {
                        options.add(word);
                    }
                }
                jvms.add(new StartJvm(java, jdk(java), options, new ArrayList<>(), new ArrayList<>()));
            }
            return jvms;
        }

        /** "Eclipse Adoptium 25.0.1+8", from the release file of the JDK that {@code java} belongs to. */
        private static String jdk(String java) {
            try {
                Map<String, String> release = new LinkedHashMap<>();
                for (String line : Files.readAllLines(Path.of(java).toRealPath().getParent().getParent().resolve("release"))) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        release.put(line.substring(0, eq), line.substring(eq + 1).replace("\"", ""));
                    }
                }
                return (release.getOrDefault("IMPLEMENTOR", "") + " " + release.getOrDefault("JAVA_RUNTIME_VERSION",
                        release.getOrDefault("JAVA_VERSION", "?"))).trim();
            } catch (IOException e) {
                return "java " + Path.of(java).getFileName();
            }
        }
    }

    public static void main(String[] args) {
        int status = 0;
        try {
            run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        // mockwebserver's Vert.x instances keep non-daemon threads alive.
        System.exit(status);
    }

    private static void run() throws Exception {
        quietLogging();
        Settings settings = Settings.fromSystemProperties();
        if (!Files.isRegularFile(settings.jar())) {
            throw new IllegalStateException("no packaged function at " + settings.jar() + "; run " + COMMAND);
        }
        Files.createDirectories(settings.workDir());
        Machine machine = Machine.now();
        say("commit " + machine.commit());
        long began = System.nanoTime();
        Optional<Kubectl> kubectl = Kubectl.find(settings.workDir());

        if ("look".equals(System.getProperty("bench.only"))) {
            // Only the newest part: its section replaces the one in the existing file, the rest stays.
            say("looking before a change (only this part)");
            LookBenchmark.LookResult look = LookBenchmark.run(settings);
            String section = LookBenchmark.markdown(settings, look);
            String merged = Report.withGoals(LookBenchmark.merged(existing(settings), section), LookBenchmark.goals(look),
                    Report.load(machine.withEnd((System.nanoTime() - began) / 6e10)));
            Files.writeString(settings.output(), merged, StandardCharsets.UTF_8);
            System.out.println(section);
            say("written to " + settings.output());
            return;
        }

        if ("thousand".equals(System.getProperty("bench.only"))) {
            tableAlone(settings, "a thousand clusters", "thousand.md", () -> ThousandClusters.markdown(ThousandClusters.run(settings),
                    machine.withEnd((System.nanoTime() - began) / 6e10)));
            return;
        }

        if ("large".equals(System.getProperty("bench.only"))) {
            tableAlone(settings, "large clusters", "large.md", () -> LargeClusters.markdown(LargeClusters.run(settings),
                    machine.withEnd((System.nanoTime() - began) / 6e10)));
            return;
        }

        if ("migrate".equals(System.getProperty("bench.only"))) {
            partAlone(settings, machine, began, "a fleet upgrade: migrateRevision", MigrateBenchmark.NUMBER,
                    () -> MigrateBenchmark.run(settings), (measured, r) -> MigrateBenchmark.markdown(settings, measured, r),
                    MigrateBenchmark::goals);
            return;
        }

        if ("image".equals(System.getProperty("bench.only"))) {
            partAlone(settings, machine, began, "start-up in the container image", ImageBenchmark.NUMBER,
                    () -> ImageBenchmark.run(settings), (measured, r) -> ImageBenchmark.markdown(settings, measured, r),
                    ImageBenchmark::goals);
            return;
        }

        if ("revisions".equals(System.getProperty("bench.only"))) {
            partAlone(settings, machine, began, "describeRevisions over large clusters", RevisionsBenchmark.NUMBER,
                    () -> RevisionsBenchmark.run(settings), (measured, r) -> RevisionsBenchmark.markdown(settings, measured, r),
                    RevisionsBenchmark::goals);
            return;
        }

        if ("start".equals(System.getProperty("bench.only"))) {
            // Only this part: its section and goal replace those in the existing file, the rest stays.
            say("start and memory: " + settings.starts() + " starts each, " + settings.calls() + " calls (only this part)");
            StartResult start = startAndMemory(settings);
            String report = Report.markdown(settings, machine.withEnd((System.nanoTime() - began) / 6e10),
                    kubectl.map(Kubectl::version), null, null, start, null, existing(settings));
            Files.writeString(settings.output(), report, StandardCharsets.UTF_8);
            System.out.println(report);
            return;
        }

        if ("round-trips".equals(System.getProperty("bench.only"))) {
            // Only this part: its section and goals replace those in the existing file, the rest stays.
            say("round trips: control plane " + settings.controlPlaneLatency().toMillis() + " ms away (only this part)");
            RoundTrips.Result roundTrips = RoundTrips.run(settings);
            Map<String, RoundTrips.Result> baselines = new LinkedHashMap<>();
            for (Map.Entry<String, Path> baseline : baselineJars(settings).entrySet()) {
                say("round trips, " + baseline.getKey());
                baselines.put(baseline.getKey(), RoundTrips.run(settings.withJar(baseline.getValue())));
            }
            String report = Report.markdown(settings, machine.withEnd((System.nanoTime() - began) / 6e10),
                    kubectl.map(Kubectl::version), null, null, null, roundTrips, existing(settings));
            if (!baselines.isEmpty()) {
                report = Report.withSection(report, 5, Report.numberedSections(report).get(5).strip() + "\n\n"
                        + Baselines.roundTrips(roundTrips, baselines));
            }
            Files.writeString(settings.output(), report, StandardCharsets.UTF_8);
            System.out.println(report);
            return;
        }

        if ("fan-out".equals(System.getProperty("bench.only"))) {
            // Only this part: its section and goals replace those in the existing file, the rest stays.
            say("fan-out: enableInjection over " + settings.clusterCounts() + " clusters (only this part)");
            List<FanOutRow> fanOut = fanOut(settings, kubectl);
            Map<String, List<FanOutRow>> baselines = new LinkedHashMap<>();
            for (Map.Entry<String, Path> baseline : baselineJars(settings).entrySet()) {
                say("fan-out, " + baseline.getKey());
                baselines.put(baseline.getKey(), fanOut(settings.withJar(baseline.getValue()), Optional.empty()));
            }
            String report = Report.markdown(settings, machine.withEnd((System.nanoTime() - began) / 6e10),
                    kubectl.map(Kubectl::version), fanOut, null, null, null, existing(settings));
            if (!baselines.isEmpty()) {
                report = Report.withSection(report, 1, Report.numberedSections(report).get(1).strip() + "\n\n"
                        + Baselines.fanOut(fanOut, baselines));
            }
            Files.writeString(settings.output(), report, StandardCharsets.UTF_8);
            System.out.println(report);
            return;
        }

        say("fan-out: enableInjection over " + settings.clusterCounts() + " clusters, " + settings.latency().toMillis()
                + " ms per data-plane answer");
        List<FanOutRow> fanOut = fanOut(settings, kubectl);
        say("reconcile: " + settings.namespaces() + " namespaces x " + settings.reconcileClusters() + " clusters, "
                + settings.driftPercent() + " % drift");
        ReconcileResult reconcile = reconcile(settings);
        say("looking before a change: precheck and restart impact, describeMesh");
        LookBenchmark.LookResult look = LookBenchmark.run(settings);
        say("start and memory: " + settings.starts() + " starts, " + settings.calls() + " calls");
        StartResult start = startAndMemory(settings);
        say("round trips: control plane " + settings.controlPlaneLatency().toMillis() + " ms away, clusters "
                + settings.latency().toMillis() + " ms away");
        RoundTrips.Result roundTrips = RoundTrips.run(settings);
        say("a fleet upgrade: migrateRevision");
        MigrateBenchmark.Result migrate = MigrateBenchmark.run(settings);
        Machine migrated = machine.withEnd((System.nanoTime() - began) / 6e10);
        say("describeRevisions over large clusters");
        RevisionsBenchmark.Result revisions = RevisionsBenchmark.run(settings);
        Machine revised = machine.withEnd((System.nanoTime() - began) / 6e10);

        double minutes = (System.nanoTime() - began) / 6e10;
        String report = Report.markdown(settings, machine.withEnd(minutes), kubectl.map(Kubectl::version), fanOut,
                reconcile, start, roundTrips, existing(settings));
        String load = Report.load(machine.withEnd(minutes));
        report = Report.withGoals(LookBenchmark.merged(report, LookBenchmark.markdown(settings, look)),
                LookBenchmark.goals(look), load);
        report = Report.withGoals(Report.withSection(report, MigrateBenchmark.NUMBER,
                MigrateBenchmark.markdown(settings, migrated, migrate)), MigrateBenchmark.goals(migrate), Report.load(migrated));
        report = Report.withGoals(Report.withSection(report, RevisionsBenchmark.NUMBER,
                RevisionsBenchmark.markdown(settings, revised, revisions)), RevisionsBenchmark.goals(revisions),
                Report.load(revised));
        System.out.println();
        System.out.println(report);
        Files.writeString(settings.output(), report, StandardCharsets.UTF_8);
        say("written to " + settings.output());
    }

    /** Writes one part run alone: its numbered section and its goals replace those in the file, the rest stays. */
    private static void writePart(Settings settings, int number, String section, List<Report.Goal> goals, Machine machine)
            throws IOException {
        Files.writeString(settings.output(), Report.withGoals(Report.withSection(existing(settings), number, section), goals,
                Report.load(machine)), StandardCharsets.UTF_8);
        System.out.println(section);
        say("written to " + settings.output());
    }

    /** The report as it stands, whose goals and sections of parts not measured now are kept. */
    private static String existing(Settings settings) throws IOException {
        return Files.isRegularFile(settings.output()) ? Files.readString(settings.output()) : "";
    }

    // ---- 1. fan-out latency against kubectl ------------------------------------------------------

    static List<FanOutRow> fanOut(Settings settings, Optional<Kubectl> kubectl) throws Exception {
        int most = Collections.max(settings.clusterCounts());
        List<FanOutRow> rows = new ArrayList<>();
        try (MockApiServer control = MockApiServer.start();
                DataPlaneServers planes = DataPlaneServers.start(most, settings.latency())) {
            createNamespace(control.client(), APP, Map.of("team", "bench"));
            planes.latency(Duration.ZERO);
            DataPlaneServers.inParallel(planes.all(), plane -> createNamespace(plane.client(), APP, Map.of("team", "bench")));
            kubectl.ifPresent(k -> warmKubectl(k, planes));
            planes.latency(settings.latency());

            try (FunctionProcess function = FunctionProcess.start(settings.jar(), control.url(),
                    settings.workDir().resolve("function-fanout.log"))) {
                function.awaitFirstAnswer(PATIENCE);
                int registered = 0;
                for (int clusters : settings.clusterCounts()) {
                    // With no injection label in the control plane, registering brings nothing up to date.
                    removeLabel(control.client(), APP, INJECTION);
                    for (; registered < clusters; registered++) {
                        function.ok("registerCluster", "{\"name\": \"dp-" + registered + "\", \"server\": \""
                                + planes.get(registered).url() + "\", \"token\": \"bench\"}");
                    }
                    List<Double> meshns = new ArrayList<>();
                    int leastApplied = clusters;
                    for (int i = 0; i < settings.warmup() + settings.repeats(); i++) {
                        function.ok("disableInjection", "{\"namespace\": \"" + APP + "\"}");
                        FunctionProcess.Answer enabled = function.ok("enableInjection", "{\"namespace\": \"" + APP + "\"}");
                        if (i >= settings.warmup()) {
                            meshns.add(enabled.millis());
                            leastApplied = Math.min(leastApplied, count(enabled.body().get("clusters"), "applied"));
                        }
                    }
                    List<Double> byKubectl = new ArrayList<>();
                    if (kubectl.isPresent()) {
                        int runs = clusters <= 10 ? 3 : 1;
                        for (int run = 0; run < runs; run++) {
                            planes.latency(Duration.ZERO);
                            DataPlaneServers.inParallel(planes.first(clusters),
                                    plane -> setLabel(plane.client(), APP, INJECTION, "disabled"));
                            planes.latency(settings.latency());
                            byKubectl.add(kubectl.get().labelInSequence(planes.first(clusters), APP));
                        }
                    }
                    FanOutRow row = new FanOutRow(clusters, meshns, leastApplied, byKubectl);
                    rows.add(row);
                    say(String.format(Locale.ROOT, "  %3d clusters: meshns %.0f ms (%d applied), kubectl %s", clusters,
                            Stats.median(meshns), leastApplied,
                            byKubectl.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f ms", Stats.median(byKubectl))));
                }
            }
        }
        return rows;
    }

    private static void warmKubectl(Kubectl kubectl, DataPlaneServers planes) {
        try {
            DataPlaneServers.inParallel(planes.all(), plane -> kubectl.warm(plane, APP));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- 2. reconcile at scale -----------------------------------------------------------------------

    static ReconcileResult reconcile(Settings settings) throws Exception {
        int clusters = settings.reconcileClusters();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < settings.namespaces(); i++) {
            names.add(String.format(Locale.ROOT, "mesh-%04d", i));
        }
        Map<String, String> labels = Map.of(INJECTION, "enabled", "team", "bench");
        try (MockApiServer control = MockApiServer.start();
                DataPlaneServers planes = DataPlaneServers.start(clusters, Duration.ZERO);
                FunctionProcess function = FunctionProcess.start(settings.jar(), control.url(),
                        settings.workDir().resolve("function-reconcile.log"))) {
            function.awaitFirstAnswer(PATIENCE);
            // Registered before the namespaces exist, so registering brings nothing up to date.
            for (int c = 0; c < clusters; c++) {
                function.ok("registerCluster", "{\"name\": \"dp-" + c + "\", \"server\": \"" + planes.get(c).url()
                        + "\", \"token\": \"bench\"}");
            }
            // Seeded directly with each server's own client: fast, and not what is measured.
            names.forEach(name -> createNamespace(control.client(), name, labels));
            DataPlaneServers.inParallel(planes.all(), plane -> names.forEach(name -> createNamespace(plane.client(), name, labels)));
            planes.latency(settings.latency());

            // The first reconcile finds every cluster in sync and records that for each namespace.
            double first = checked(function.ok("reconcile", "{}"), settings.namespaces(), 0).millis();

            // Drift: in each cluster a different random 5 % of the namespaces lost the label or say "disabled".
            int perCluster = (int) Math.round(settings.namespaces() * settings.driftPercent() / 100.0);
            Random random = new Random(6);
            TreeSet<String> drifted = new TreeSet<>();
            List<List<String>> driftByCluster = new ArrayList<>();
            for (int c = 0; c < clusters; c++) {
                List<String> shuffled = new ArrayList<>(names);
                Collections.shuffle(shuffled, random);
                driftByCluster.add(shuffled.subList(0, perCluster));
                drifted.addAll(shuffled.subList(0, perCluster));
            }
            planes.latency(Duration.ZERO);
            DataPlaneServers.inParallel(planes.all(), plane -> {
                List<String> chosen = driftByCluster.get(planes.all().indexOf(plane));
                for (int i = 0; i < chosen.size(); i++) {
                    if (i % 2 == 0) {
                        removeLabel(plane.client(), chosen.get(i), INJECTION);
                    } else {
                        setLabel(plane.client(), chosen.get(i), INJECTION, "disabled");
                    }
                }
            });
            planes.latency(settings.latency());
            planes.forgetRequests();
            DataPlaneServers.requestsByKind(control);

            FunctionProcess.Answer repaired = function.ok("reconcile", "{}");
            List<ServerCount> counts = new ArrayList<>();
            for (MockApiServer plane : planes.all()) {
                Map<String, Integer> kinds = DataPlaneServers.requestsByKind(plane);
                int list = kinds.getOrDefault("LIST", 0);
                int get = kinds.getOrDefault("GET", 0);
                int patch = kinds.getOrDefault("PATCH", 0);
                int all = kinds.values().stream().mapToInt(Integer::intValue).sum();
                counts.add(new ServerCount(list, get, patch, all - list - get - patch));
            }
            int controlRequests = DataPlaneServers.requestsByKind(control).values().stream().mapToInt(Integer::intValue).sum();

            FunctionProcess.Answer again = checked(function.ok("reconcile", "{}"), settings.namespaces(), 0);
            int patchesAgain = 0;
            for (MockApiServer plane : planes.all()) {
                patchesAgain += DataPlaneServers.requestsByKind(plane).getOrDefault("PATCH", 0);
            }
            ReconcileResult result = new ReconcileResult(settings.namespaces(), clusters, perCluster, drifted.size(), first,
                    repaired.millis(), again.millis(), outcomes(repaired.body(), "applied"),
                    outcomes(repaired.body(), "failed"), counts, controlRequests, patchesAgain);
            say(String.format(Locale.ROOT, "  first %.0f ms, with drift %.0f ms (%d applied), again %.0f ms", first,
                    repaired.millis(), result.applied(), again.millis()));
            return result;
        }
    }

    /** Fails when a reconcile did not look at every namespace or applied other than expected. */
    private static FunctionProcess.Answer checked(FunctionProcess.Answer answer, int namespaces, int applied) {
        if (answer.body().path("namespaces").asInt() != namespaces || outcomes(answer.body(), "applied") != applied) {
            throw new IllegalStateException("unexpected reconcile answer: namespaces " + answer.body().path("namespaces")
                    + ", applied " + outcomes(answer.body(), "applied"));
        }
        return answer;
    }

    private static int outcomes(JsonNode report, String outcome) {
        int total = 0;
        for (JsonNode result : report.path("results")) {
            total += count(result.get("clusters"), outcome);
        }
        return total;
    }

    // ---- 3. start and memory -----------------------------------------------------------------------

    static StartResult startAndMemory(Settings settings) throws Exception {
        int clusters = 10;
        List<StartJvm> jvms = StartJvm.fromSystemProperties(settings.jar());
        try (MockApiServer control = MockApiServer.start();
                DataPlaneServers planes = DataPlaneServers.start(clusters, Duration.ZERO)) {
            createNamespace(control.client(), APP, Map.of("team", "bench"));
            planes.all().forEach(plane -> createNamespace(plane.client(), APP, Map.of("team", "bench")));
            for (StartJvm jvm : jvms) {
                trainAotCache(jvm, settings);
            }
            // Each round starts every JVM once, so that a change in the machine's load falls on all of them.
            for (int run = 1; run <= settings.starts(); run++) {
                for (StartJvm jvm : jvms) {
                    boolean last = jvm == jvms.get(jvms.size() - 1) && run == settings.starts();
                    try (FunctionProcess function = FunctionProcess.startFromItsDirectory(jvm.java(), jvm.options(),
                            settings.jar(), control.url(),
                            settings.workDir().resolve("function-start-" + run + "-" + jvms.indexOf(jvm) + ".log"))) {
                        jvm.startMillis().add(function.awaitFirstAnswer("listNamespaces", PATIENCE));
                        jvm.cpuMillis().add((double) function.cpu().toMillis());
                        say(String.format(Locale.ROOT, "  start %d, %s %s: first answer after %.0f ms, %.0f ms CPU (load average %s)",
                                run, jvm.jdk(), String.join(" ", jvm.options()), jvm.startMillis().get(run - 1),
                                jvm.cpuMillis().get(run - 1), Machine.loadAverage()));
                        if (!last) {
                            continue;
                        }
                        long ready = function.statusKb("VmRSS");
                        List<Double> millis = new ArrayList<>();
                        long began = System.nanoTime();
                        for (int c = 0; c < clusters; c++) {
                            millis.add(function.ok("registerCluster", "{\"name\": \"dp-" + c + "\", \"server\": \""
                                    + planes.get(c).url() + "\", \"token\": \"bench\"}").millis());
                        }
                        String[][] mix = { { "enableInjection", "{\"namespace\": \"" + APP + "\"}" },
                                { "getNamespace", "{\"name\": \"" + APP + "\"}" },
                                { "disableInjection", "{\"namespace\": \"" + APP + "\"}" },
                                { "listNamespaces", "{}" },
                                { "listClusters", "{}" } };
                        for (int i = 0; i < settings.calls() - clusters; i++) {
                            String[] call = mix[i % mix.length];
                            millis.add(function.ok(call[0], call[1]).millis());
                        }
                        double seconds = (System.nanoTime() - began) / 1e9;
                        return new StartResult(jvms, ready, function.statusKb("VmRSS"), function.statusKb("VmHWM"),
                                settings.calls(), seconds, millis);
                    }
                }
            }
        }
        throw new IllegalArgumentException("bench.starts must be at least 1");
    }

    /** A set that starts from an AOT cache ({@code -XX:AOTCache=FILE}, JDK 25) first gets one, from a training run of the same set. */
    private static void trainAotCache(StartJvm jvm, Settings settings) throws Exception {
        String flag = "-XX:AOTCache=";
        String cache = jvm.options().stream().filter(o -> o.startsWith(flag)).map(o -> o.substring(flag.length())).findFirst()
                .orElse(null);
        if (cache == null) {
            return;
        }
        List<String> options = jvm.options().stream().filter(o -> !o.startsWith(flag)).toList();
        Path file = AotCacheTraining.train(jvm.java(), options, settings.jar(), cache,
                settings.workDir().resolve("function-train-" + cache + ".log"));
        say("  trained " + cache + " (" + Files.size(file) / (1024 * 1024) + " MB) with " + jvm.jdk() + " " + String.join(" ", options));
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static void createNamespace(KubernetesClient client, String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .endMetadata().build()).create();
    }

    static void setLabel(KubernetesClient client, String namespace, String key, String value) {
        client.namespaces().withName(namespace).edit(ns -> {
            ns.getMetadata().getLabels().put(key, value);
            return ns;
        });
    }

    static void removeLabel(KubernetesClient client, String namespace, String key) {
        client.namespaces().withName(namespace).edit(ns -> {
            ns.getMetadata().getLabels().remove(key);
            return ns;
        });
    }

    /** How many of {@code outcomes} (an answer's outcome list) say {@code outcome}. */
    static int count(JsonNode outcomes, String outcome) {
        int count = 0;
        if (outcomes != null) {
            for (JsonNode o : outcomes) {
                if (outcome.equals(o.path("outcome").asText())) {
                    count++;
                }
            }
        }
        return count;
    }

    private static void quietLogging() {
        for (String name : new String[] { "", "io.fabric8.mockwebserver", "io.vertx", "io.netty" }) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            QUIET.add(logger);
        }
    }

    static void say(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }

    /** Where and when the figures were taken. */
    record Machine(String date, int cores, String cpu, String memory, String jdk, String os, String commit,
            String loadBefore, String loadAfter, double minutes) {

        static Machine now() {
            return new Machine(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                    Runtime.getRuntime().availableProcessors(), procLine("/proc/cpuinfo", "model name"),
                    totalMemory(),
                    System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                            + System.getProperty("java.runtime.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                    currentCommit(), loadAverage(), null, 0);
        }

        Machine withEnd(double minutes) {
            return new Machine(date, cores, cpu, memory, jdk, os, commit, loadBefore, loadAverage(), minutes);
        }

        /** "Machine: 2 cores (cpu), memory, JDK, date, load average … before, … after." */
        String summary() {
            return "Machine: " + cores + " cores (" + cpu + "), " + memory + ", " + jdk + ", " + date + ", load average "
                    + loadBefore + " before, " + loadAfter + " after.";
        }

        private static String procLine(String file, String key) {
            try {
                return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(key)).findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }

        private static String totalMemory() {
            String total = procLine("/proc/meminfo", "MemTotal");
            try {
                return String.format(Locale.ROOT, "%.1f GB", Long.parseLong(total.replace("kB", "").trim()) / 1048576.0);
            } catch (NumberFormatException e) {
                return total;
            }
        }

        static String loadAverage() {
            try {
                String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
                return fields[0] + " " + fields[1] + " " + fields[2];
            } catch (IOException e) {
                return "unknown";
            }
        }

        private static String currentCommit() {
            try {
                String head = output("git", "rev-parse", "--short", "HEAD");
                String changes = output("git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                        ":(exclude)BENCHMARKS.md");
                return head.isEmpty() ? "unknown" : head + (changes.isEmpty() ? "" : " with uncommitted changes");
            } catch (IOException | InterruptedException e) {
                return "unknown";
            }
        }

        private static String output(String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor() == 0 ? output : "";
        }
    }
}
