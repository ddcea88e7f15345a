package io.meshns.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshns.mesh.HistoryEntry;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;
import io.meshns.mock.MockApiServer;
import io.meshns.state.NamespaceState;
import io.meshns.state.StateCodec;
import io.meshns.state.NamespaceStates;
import io.meshns.testing.FunctionProcess;

/**
 * What looking before a change costs: enableInjection with the injector precheck and restart
 * impact beside the same call of a baseline jar without them (-Dbench.baseline-jar, e.g. one built
 * from main), and describeMesh over many namespaces beside one cluster's namespace LIST.
 */
final class LookBenchmark {

    private static final String APP = "bench-look";
    private static final int PODS_PER_CLUSTER = 10;

    /** The figures of this part. */
    record LookResult(int clusters, List<Double> withLook, Optional<List<Double>> baseline, String baselineName,
            int namespaces, int describeClusters, List<Double> describe, List<Double> describePods, List<Double> oneList,
            List<Double> allLists, List<Double> describeWithState) {
    }

    private LookBenchmark() {
    }

    static LookResult run(Benchmark.Settings settings) throws Exception {
        int clusters = Integer.getInteger("bench.look-clusters", 20);
        Optional<Path> baselineJar = Optional.ofNullable(System.getProperty("bench.baseline-jar")).filter(p -> !p.isBlank())
                .map(Path::of).filter(Files::isRegularFile);
        List<Double> withLook = List.of(0.0);
        Optional<List<Double>> baseline = Optional.empty();
        // -Dbench.look-enable=false: describeMesh only.
        if (Boolean.parseBoolean(System.getProperty("bench.look-enable", "true"))) {
            List<List<Double>> measured = enableInjection(settings, clusters, baselineJar);
            withLook = measured.get(0);
            if (baselineJar.isPresent()) {
                baseline = Optional.of(measured.get(1));
            }
        }
        Benchmark.say(String.format(Locale.ROOT, "  enableInjection over %d clusters: %.0f ms with the look%s", clusters,
                Stats.median(withLook), baseline.map(b -> String.format(Locale.ROOT, ", %.0f ms without", Stats.median(b)))
                        .orElse("")));

        int namespaces = settings.namespaces();
        int describeClusters = settings.reconcileClusters();
        List<Double> describe = new ArrayList<>();
        List<Double> describePods = new ArrayList<>();
        List<Double> oneList = new ArrayList<>();
        List<Double> allLists = new ArrayList<>();
        List<Double> describeWithState = new ArrayList<>();
        if (!Boolean.parseBoolean(System.getProperty("bench.look-describe", "true"))) {
            // Only the enableInjection comparison was asked for.
            return new LookResult(clusters, withLook, baseline, baselineJar.map(Path::toString).orElse(null), namespaces,
                    describeClusters, List.of(0.0), List.of(0.0), List.of(1.0), List.of(1.0), List.of());
        }
        try (MockApiServer control = MockApiServer.start();
                DataPlaneServers planes = DataPlaneServers.start(describeClusters, Duration.ZERO)) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < namespaces; i++) {
                names.add(String.format(Locale.ROOT, "mesh-%04d", i));
            }
            names.forEach(name -> namespace(control.client(), name, Map.of("istio-injection", "enabled")));
            DataPlaneServers.inParallel(planes.all(), plane -> names.forEach(name -> namespace(plane.client(), name,
                    Map.of("istio-injection", "enabled"))));
            planes.latency(settings.latency());
            try (FunctionProcess function = FunctionProcess.start(settings.jar(), control.url(),
                    settings.workDir().resolve("function-describe.log"));
                    Direct direct = new Direct(planes.all())) {
                function.awaitFirstAnswer(Duration.ofSeconds(90));
                for (int i = 0; i < describeClusters; i++) {
                    function.ok("registerCluster", "{\"name\": \"dp-" + i + "\", \"server\": \"" + planes.get(i).url()
                            + "\", \"token\": \"bench\"}");
                }
                for (int i = 0; i < settings.warmup() + settings.repeats(); i++) {
                    double listed = time(() -> direct.clients().get(0).namespaces().list());
                    double everyList = time(direct::listEverywhereAtOnce);
                    FunctionProcess.Answer all = function.ok("describeMesh", "{}");
                    FunctionProcess.Answer withPods = function.ok("describeMesh", "{\"pods\": true}");
                    if (all.body().path("namespaces").size() < namespaces) {
                        throw new IllegalStateException("describeMesh saw " + all.body().path("namespaces").size() + " namespaces");
                    }
                    if (i >= settings.warmup()) {
                        oneList.add(listed);
                        allLists.add(everyList);
                        describe.add(all.millis());
                        describePods.add(withPods.millis());
                    }
                }
                // -Dbench.look-states=false leaves this out: the same, once every namespace has the state
                // that changes through meshns leave (a record per cluster, 20 changes of history).
                if (Boolean.parseBoolean(System.getProperty("bench.look-states", "true"))) {
                    writeStates(control.client(), names, describeClusters);
                    for (int i = 0; i < settings.warmup() + settings.repeats(); i++) {
                        FunctionProcess.Answer all = function.ok("describeMesh", "{}");
                        if (i >= settings.warmup()) {
                            describeWithState.add(all.millis());
                        }
                    }
                }
            }
        }
        Benchmark.say(String.format(Locale.ROOT, "  describeMesh %d namespaces x %d clusters: %.0f ms (%.0f ms with pods); "
                + "one cluster's LIST %.0f ms", namespaces, describeClusters, Stats.median(describe), Stats.median(describePods),
                Stats.median(oneList)));
        return new LookResult(clusters, withLook, baseline, baselineJar.map(Path::toString).orElse(null), namespaces,
                describeClusters, describe, describePods, oneList, allLists, describeWithState);
    }

    /**
     * Gives each namespace the state ConfigMap meshns keeps for one it changed, as after 20 changes
     * over {@code clusters} clusters: a record per cluster and a full history. Written directly, as
     * meshns would encode it, to save 20,000 calls.
     */
    private static void writeStates(KubernetesClient control, List<String> names, int clusters) {
        Instant time = Instant.parse("2026-11-26T12:00:00Z");
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, String> words = new LinkedHashMap<>();
        for (int c = 0; c < clusters; c++) {
            outcomes.add(new Outcome("dp-" + c, Outcome.Result.APPLIED, null));
            words.put("dp-" + c, "applied");
        }
        NamespaceState state = NamespaceState.EMPTY.withOutcomes(Injection.fromLabels(Map.of("istio-injection", "enabled")),
                outcomes, time);
        for (int h = 0; h < NamespaceState.HISTORY_KEPT; h++) {
            state = state.withHistory(new HistoryEntry(time.plusSeconds(h).toString(), "system:serviceaccount:ops:deployer",
                    h % 2 == 0 ? "InjectionEnabled" : "InjectionDisabled", words));
        }
        Map<String, String> data = StateCodec.encode(state);
        names.forEach(name -> control.configMaps().inNamespace("meshns-system").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("namespace-" + name).withNamespace("meshns-system")
                .withLabels(Map.of(NamespaceStates.NAMESPACE_LABEL, name, "app.kubernetes.io/managed-by", "meshns")).endMetadata()
                .withData(data).build()).createOr(existing -> existing.update()));
    }

    /**
     * A plain fabric8 client per cluster, for the reference figures: one cluster's namespace LIST,
     * and every cluster's at once, each on its own thread (what describeMesh must at least wait for
     * when all the servers share this machine's cores).
     */
    private record Direct(List<KubernetesClient> clients, ExecutorService threads) implements AutoCloseable {

        Direct(List<MockApiServer> servers) {
            this(servers.stream().map(server -> new KubernetesClientBuilder().withConfig(
                    new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(server.url()).build()).build()).toList(),
                    Executors.newFixedThreadPool(servers.size()));
        }

        void listEverywhereAtOnce() {
            CompletableFuture.allOf(clients.stream().map(client -> CompletableFuture.runAsync(() -> client.namespaces().list(),
                    threads)).toArray(CompletableFuture[]::new)).join();
        }

        @Override
        public void close() {
            threads.shutdownNow();
            clients.forEach(KubernetesClient::close);
        }
    }

    /** enableInjection over {@code clusters} clusters with pods: this jar and (when given) the baseline jar. */
    private static List<List<Double>> enableInjection(Benchmark.Settings settings, int clusters, Optional<Path> baselineJar)
            throws Exception {
        try (MockApiServer control = MockApiServer.start();
                DataPlaneServers planes = DataPlaneServers.start(clusters, Duration.ZERO)) {
            namespace(control.client(), APP, Map.of());
            DataPlaneServers.inParallel(planes.all(), plane -> {
                namespace(plane.client(), APP, Map.of());
                for (int i = 0; i < PODS_PER_CLUSTER; i++) {
                    plane.client().pods().inNamespace(APP).resource(new PodBuilder().withNewMetadata().withName("web-1a2b-" + i)
                            .addToLabels("pod-template-hash", "1a2b").addNewOwnerReference().withKind("ReplicaSet")
                            .withName("web-1a2b").withController(true).endOwnerReference().endMetadata()
                            .withNewSpec().addNewContainer().withName("app").endContainer().endSpec().build()).create();
                }
            });
            planes.latency(settings.latency());
            return enableInjection(settings, settings.jar(), baselineJar.orElse(null), control, planes);
        }
    }

    /**
     * enableInjection times of this jar and (when given) the baseline jar, both running against the
     * same servers and taking turns call by call, so that both see the same machine; each call
     * after a disableInjection so every cluster is patched.
     */
    private static List<List<Double>> enableInjection(Benchmark.Settings settings, Path jar, Path baselineJar,
            MockApiServer control, DataPlaneServers planes) throws Exception {
        List<FunctionProcess> functions = new ArrayList<>();
        try {
            functions.add(FunctionProcess.start(jar, control.url(), settings.workDir().resolve("function-look.log")));
            if (baselineJar != null) {
                functions.add(FunctionProcess.start(baselineJar, control.url(), settings.workDir().resolve("function-baseline.log")));
            }
            for (FunctionProcess function : functions) {
                function.awaitFirstAnswer(Duration.ofSeconds(90));
            }
            // Both read the same registry in the control plane.
            for (int i = 0; i < planes.all().size(); i++) {
                functions.get(0).ok("registerCluster", "{\"name\": \"dp-" + i + "\", \"server\": \"" + planes.get(i).url()
                        + "\", \"token\": \"bench\"}");
            }
            List<List<Double>> millis = new ArrayList<>();
            functions.forEach(f -> millis.add(new ArrayList<>()));
            for (int i = 0; i < settings.warmup() + settings.repeats(); i++) {
                for (int f = 0; f < functions.size(); f++) {
                    functions.get(f).ok("disableInjection", "{\"namespace\": \"" + APP + "\"}");
                    FunctionProcess.Answer enabled = functions.get(f).ok("enableInjection", "{\"namespace\": \"" + APP + "\"}");
                    if (i >= settings.warmup()) {
                        millis.get(f).add(enabled.millis());
                    }
                }
            }
            return millis;
        } finally {
            for (FunctionProcess function : functions) {
                function.close();
            }
        }
    }

    private static void namespace(KubernetesClient client, String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .build()).create();
    }

    private static double time(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1e6;
    }

    /** The Markdown section of BENCHMARKS.md. */
    static String markdown(Benchmark.Settings settings, LookResult r) {
        StringBuilder md = new StringBuilder();
        md.append(START).append("\n## 4. Looking before a change: precheck, restart impact, describeMesh\n\n");
        md.append("Every data-plane API server answers each request after ").append(settings.latency().toMillis())
                .append(" ms; median of ").append(settings.repeats()).append(" calls after ").append(settings.warmup())
                .append(" warm-up calls.\n\n");
        md.append("| call | median ms | min–max ms | against | ratio | goal |\n|---|---:|---:|---|---:|---|\n");
        double look = Stats.median(r.withLook());
        if (r.baseline().isPresent()) {
            double base = Stats.median(r.baseline().get());
            md.append("| `enableInjection`, ").append(r.clusters()).append(" clusters, with the injector precheck and restart impact (")
                    .append(PODS_PER_CLUSTER).append(" pods per cluster) | ").append(ms(look)).append(" | ")
                    .append(range(r.withLook())).append(" | the same call without them (the baseline jar, taking turns with it call by call: ")
                    .append(ms(base)).append(" ms) | ").append(fixed(look / base)).append(" | ≤ 1.2 ")
                    .append(look / base <= 1.2 ? "met" : "**not met**").append(" |\n");
        } else {
            md.append("| `enableInjection`, ").append(r.clusters()).append(" clusters, with the precheck and restart impact | ")
                    .append(ms(look)).append(" | ").append(range(r.withLook()))
                    .append(" | (no -Dbench.baseline-jar given) | – | ≤ 1.2 |\n");
        }
        double one = Stats.median(r.oneList());
        double describe = Stats.median(r.describe());
        double pods = Stats.median(r.describePods());
        md.append("| `describeMesh`, ").append(r.namespaces()).append(" namespaces × ").append(r.describeClusters())
                .append(" clusters | ").append(ms(describe)).append(" | ").append(range(r.describe()))
                .append(" | one cluster's namespace LIST (").append(ms(one)).append(" ms) | ").append(fixed(describe / one))
                .append(" | ≤ 1.3 ").append(describe / one <= 1.3 ? "met" : "**not met**").append(" |\n");
        double every = Stats.median(r.allLists());
        md.append("| (reference) every one of the ").append(r.describeClusters()).append(" clusters' namespace LISTs, sent at once by ")
                .append("plain fabric8 clients | ").append(ms(every)).append(" | ").append(range(r.allLists()))
                .append(" | one cluster's namespace LIST | ").append(fixed(every / one)).append(" | – |\n");
        md.append("| `describeMesh` with `\"pods\": true` | ").append(ms(pods)).append(" | ").append(range(r.describePods()))
                .append(" | one cluster's namespace LIST | ").append(fixed(pods / one)).append(" | – |\n");
        if (!r.describeWithState().isEmpty()) {
            double withState = Stats.median(r.describeWithState());
            md.append("| `describeMesh`, every namespace with the state 20 changes leave (a record per cluster, 20 history entries) | ")
                    .append(ms(withState)).append(" | ").append(range(r.describeWithState()))
                    .append(" | one cluster's namespace LIST | ").append(fixed(withState / one)).append(" | – |\n");
        }
        md.append("\n");
        md.append("The precheck's webhook LIST and the pod LIST go out with the namespace read of each cluster, at once, so a ")
                .append("change still costs two round trips per cluster (read, then patch). describeMesh sends each cluster one ")
                .append("namespace LIST (and, with pods, one pod LIST and one webhook LIST) at the same time. ");
        md.append("Command for this part alone: `./mvnw -B -Pbench verify -Dbench.only=look -Dbench.baseline-jar=JAR` ")
                .append("(it replaces this section and keeps the rest).\n").append(END).append("\n");
        return md.toString();
    }

    /** This part's rows of the goals table. */
    static List<Report.Goal> goals(LookResult r) {
        String command = "`./mvnw -B -Pbench verify -Dbench.only=look -Dbench.baseline-jar=JAR` "
                + "([4](#4-looking-before-a-change-precheck-restart-impact-describemesh))";
        double look = Stats.median(r.withLook());
        double one = Stats.median(r.oneList());
        double describe = Stats.median(r.describe());
        List<Report.Goal> goals = new java.util.ArrayList<>();
        r.baseline().ifPresent(baseline -> {
            double base = Stats.median(baseline);
            goals.add(new Report.Goal("`enableInjection` with the injector precheck and restart impact ≤ 1.2 × without",
                    fixed(look / base) + " (" + ms(look) + " against " + ms(base) + " ms, " + r.clusters() + " clusters)",
                    look / base <= 1.2 ? "met" : "not met", command));
        });
        goals.add(new Report.Goal("`describeMesh` ≤ 1.3 × one cluster's namespace LIST",
                fixed(describe / one) + " (" + ms(describe) + " against " + ms(one) + " ms, " + r.namespaces() + " namespaces × "
                        + r.describeClusters() + " clusters)",
                describe / one <= 1.3 ? "met" : "not met", command));
        return goals;
    }

    static final String START = "<!-- look-before-change -->";
    static final String END = "<!-- /look-before-change -->";

    /** {@code report} with this part's section replaced (or added before "How it is measured"). */
    static String merged(String report, String section) {
        if (report.contains(START) && report.contains(END)) {
            return report.substring(0, report.indexOf(START)) + section.strip() + report.substring(report.indexOf(END) + END.length());
        }
        int method = report.indexOf("## How it is measured");
        return method < 0 ? report + "\n" + section : report.substring(0, method) + section + "\n" + report.substring(method);
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.0f", millis);
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String range(List<Double> millis) {
        return ms(millis.stream().mapToDouble(Double::doubleValue).min().orElse(0)) + "–"
                + ms(millis.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }
}
