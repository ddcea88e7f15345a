package io.meshns.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.FunctionYaml;
import io.meshns.testing.ManyClusters;

/**
 * Which revisions are in use ({@code -Dbench.only=revisions}): describeRevisions over clusters of many
 * namespaces and pods, 150 ms away, each read in pages, beside one cluster's pod LIST by a plain
 * fabric8 client; in function.yaml's container JVM, with the heap its collections leave.
 */
final class RevisionsBenchmark {

    static final int NUMBER = 9;
    private static final String[] REVISIONS = { "1-20", "1-21" };
    private static final double GOAL = 1.5;
    /** The function's default meshns.list-page-size, in which describeRevisions reads pods. */
    private static final long POD_PAGE = 500;

    /** The figures of this part. */
    record Result(int clusters, int namespaces, int pods, List<Double> describe, List<Double> onePaged, List<Double> oneWhole,
            int podsCounted, long mostHeapDuringMb, long heapAfterMb, long rssAfterKb, long podListsPerCall) {
    }

    private RevisionsBenchmark() {
    }

    static Result run(Benchmark.Settings settings) throws Exception {
        int count = Integer.getInteger("bench.revisions-clusters", 20);
        int namespaces = Integer.getInteger("bench.revisions-namespaces", 1000);
        int pods = Integer.getInteger("bench.revisions-pods", 10000);
        Map<String, Map<String, String>> seed = new LinkedHashMap<>();
        List<Map<String, Object>> podObjects = new ArrayList<>();
        for (int i = 0; i < namespaces; i++) {
            String name = String.format(Locale.ROOT, "app-%04d", i);
            seed.put(name, Map.of("istio.io/rev", REVISIONS[i % 2]));
        }
        List<String> names = List.copyOf(seed.keySet());
        for (int p = 0; p < pods; p++) {
            int ns = p % namespaces;
            podObjects.add(pod(names.get(ns), String.format(Locale.ROOT, "web-5d8f7c9b4-%05d", p), REVISIONS[ns % 2]));
        }
        Path gcLog = settings.workDir().resolve("function-revisions-gc.log");
        List<String> properties = new ArrayList<>(FunctionYaml.containerJvmFlags());
        properties.add("-Xlog:gc:file=" + gcLog.toAbsolutePath());
        try (ManyClusters clusters = ManyClusters.start(count, Duration.ZERO, seed).withInjectors("default", REVISIONS[0],
                REVISIONS[1]).withPods(podObjects);
                MockApiServer control = MockApiServer.start()) {
            properties.addAll(List.of("-Dquarkus.kubernetes-client.api-server-url=" + control.url(),
                    "-Dmeshns.allow-plaintext-clusters=true", "-Dmeshns.auth.enabled=false"));
            try (FunctionProcess function = FunctionProcess.start(settings.jar(), Map.of(), properties,
                    settings.workDir().resolve("function-revisions.log"));
                    KubernetesClient direct = new KubernetesClientBuilder()
                            .withConfig(new ConfigBuilder().withMasterUrl(clusters.url(0)).build()).build()) {
                function.awaitFirstAnswer(Duration.ofSeconds(90));
                for (int c = 0; c < count; c++) {
                    function.ok("registerCluster", "{\"name\": \"dp-" + c + "\", \"server\": \"" + clusters.url(c)
                            + "\", \"token\": \"bench\"}");
                }
                clusters.latency(settings.latency());
                int logged = LargeClusters.lines(gcLog).size();
                List<Double> describe = new ArrayList<>();
                List<Double> paged = new ArrayList<>();
                List<Double> whole = new ArrayList<>();
                int counted = 0;
                long listsBefore = 0;
                for (int i = 0; i < settings.warmup() + settings.repeats(); i++) {
                    if (i == settings.warmup()) {
                        logged = LargeClusters.lines(gcLog).size();
                        listsBefore = clusters.requests(ManyClusters.Kind.LIST);
                    }
                    double onePaged = time(() -> listInPages(direct, pods));
                    double oneWhole = time(() -> direct.pods().inAnyNamespace().list());
                    FunctionProcess.Answer answer = function.ok("describeRevisions", "{}");
                    counted = podsCounted(answer.body());
                    if (counted != count * pods || answer.body().path("unreachable").size() > 0) {
                        throw new IllegalStateException("describeRevisions counted " + counted + " pods, not " + count * pods
                                + "; unreachable " + answer.body().path("unreachable"));
                    }
                    if (i >= settings.warmup()) {
                        describe.add(answer.millis());
                        paged.add(onePaged);
                        whole.add(oneWhole);
                    }
                }
                // Each measured round: the direct client's paged LIST and whole LIST of one cluster, and describeRevisions'.
                long lists = clusters.requests(ManyClusters.Kind.LIST) - listsBefore;
                long perCall = (lists - settings.repeats() * (pods / POD_PAGE + (pods % POD_PAGE == 0 ? 0 : 1) + 1))
                        / settings.repeats() / count;
                // Full collections: what a young one leaves counts garbage already promoted, not what is held.
                long most = LargeClusters.mostAfter(LargeClusters.collections(gcLog, logged).stream()
                        .filter(line -> line.contains("Pause Full")).toList());
                int before = LargeClusters.lines(gcLog).size();
                new ProcessBuilder("jcmd", String.valueOf(function.pid()), "GC.run").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
                Thread.sleep(500);
                List<String> forced = LargeClusters.collections(gcLog, before);
                long after = LargeClusters.mostAfter(forced.subList(Math.max(0, forced.size() - 1), forced.size()));
                Result result = new Result(count, namespaces, pods, describe, paged, whole, counted, most, after,
                        function.statusKb("VmRSS"), perCall);
                Benchmark.say(String.format(Locale.ROOT, "  describeRevisions %.0f ms; one cluster's pods in pages %.0f ms, whole %.0f ms;"
                        + " heap at most %d MB during, %d MB after", Stats.median(describe), Stats.median(paged),
                        Stats.median(whole), most, after));
                return result;
            }
        }
    }

    /** A pod of a Deployment with an Istio proxy of {@code revision}, about as large as one of a real cluster's. */
    private static Map<String, Object> pod(String namespace, String name, String revision) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", namespace);
        metadata.put("uid", "uid-" + namespace + "-" + name);
        metadata.put("resourceVersion", "1");
        metadata.put("creationTimestamp", "2026-01-01T00:00:00Z");
        metadata.put("labels", Map.of("app", "web", "pod-template-hash", "5d8f7c9b4", "istio.io/rev", revision,
                "security.istio.io/tlsMode", "istio", "service.istio.io/canonical-name", "web"));
        metadata.put("annotations", Map.of("sidecar.istio.io/status", "{\"initContainers\":[\"istio-init\"],\"containers\":"
                + "[\"istio-proxy\"],\"volumes\":[\"istio-envoy\",\"istio-data\",\"istio-podinfo\",\"istiod-ca-cert\"],"
                + "\"imagePullSecrets\":null,\"revision\":\"" + revision + "\"}"));
        metadata.put("ownerReferences", List.of(Map.of("apiVersion", "apps/v1", "kind", "ReplicaSet", "name", "web-5d8f7c9b4",
                "uid", "uid-rs-" + namespace, "controller", true, "blockOwnerDeletion", true)));
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.put("metadata", metadata);
        pod.put("spec", Map.of("containers", List.of(
                Map.of("name", "app", "image", "registry.example/web:1.4.2", "ports", List.of(Map.of("containerPort", 8080))),
                Map.of("name", "istio-proxy", "image", "docker.io/istio/proxyv2:" + revision.replace('-', '.') + ".0",
                        "args", List.of("proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local")))));
        pod.put("status", Map.of("phase", "Running", "podIP", "10.0.0.1"));
        return pod;
    }

    /** Every pod of the cluster, as kubectl and meshns read them: pages of 500. */
    private static void listInPages(KubernetesClient client, int expected) {
        String token = null;
        int seen = 0;
        do {
            PodList page = client.pods().inAnyNamespace().list(new ListOptionsBuilder().withLimit(POD_PAGE).withContinue(token).build());
            seen += page.getItems().size();
            token = page.getMetadata().getContinue();
        } while (token != null && !token.isEmpty());
        if (seen != expected) {
            throw new IllegalStateException("listed " + seen + " pods, not " + expected);
        }
    }

    private static int podsCounted(JsonNode answer) {
        int total = 0;
        for (JsonNode revision : answer.path("revisions")) {
            for (JsonNode cluster : revision.path("clusters")) {
                total += cluster.path("pods").asInt();
            }
        }
        return total;
    }

    private static double time(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1e6;
    }

    private static final String COMMAND = "`./mvnw -B -Pbench verify -Dbench.only=revisions` "
            + "([9](#9-which-revisions-are-in-use-describerevisions-over-large-clusters))";

    /** This part's rows of the goals table. */
    static List<Report.Goal> goals(Result r) {
        double describe = Stats.median(r.describe());
        double paged = Stats.median(r.onePaged());
        return List.of(new Report.Goal("`describeRevisions` ≤ 1.5 × one cluster's pod LIST, 20 clusters of 1,000 namespaces and "
                + "10,000 pods 150 ms away",
                String.format(Locale.ROOT, "%.2f (%,.0f against %,.0f ms, the LIST in pages of %d; %.1f × the LIST in one request, "
                        + "%,.0f ms); heap %d MB after, at most %d MB during", describe / paged, describe, paged, POD_PAGE,
                        describe / Stats.median(r.oneWhole()), Stats.median(r.oneWhole()), r.heapAfterMb(), r.mostHeapDuringMb()),
                describe / paged <= GOAL ? "met" : "not met", COMMAND));
    }

    /** This part's section of BENCHMARKS.md. */
    static String markdown(Benchmark.Settings settings, Benchmark.Machine machine, Result r) {
        double describe = Stats.median(r.describe());
        double paged = Stats.median(r.onePaged());
        double whole = Stats.median(r.oneWhole());
        StringBuilder md = new StringBuilder();
        md.append("## ").append(NUMBER).append(". Which revisions are in use: describeRevisions over large clusters\n\n");
        md.append("Run alone with `./mvnw -B -Pbench verify -Dbench.only=revisions` (`-Dbench.revisions-clusters=20`, ")
                .append("`-Dbench.revisions-namespaces=1000`, `-Dbench.revisions-pods=10000`). ").append(r.clusters())
                .append(" clusters (`ManyClusters`), each with ").append(String.format(Locale.ROOT, "%,d", r.namespaces()))
                .append(" namespaces (half on revision `1-20`, half on `1-21`), ").append(String.format(Locale.ROOT, "%,d", r.pods()))
                .append(" pods with an Istio proxy (about 1.2 KB each as served) and the injectors of `default`, `1-20` and `1-21`, ")
                .append("answering each request after ").append(settings.latency().toMillis())
                .append(" ms, each page too. describeRevisions reads each cluster's webhooks (one LIST), namespaces (pages of ")
                .append("`meshns.describe-page-size`, 5,000: one) and pods (pages of `meshns.list-page-size`, 500: ")
                .append(r.pods() / POD_PAGE).append(" one after another), the clusters at once. Against it, one cluster's pods ")
                .append("listed by a plain fabric8 client: in pages of 500 (as meshns and `kubectl get pods -A` read them) and ")
                .append("in one request. Median of ").append(settings.repeats()).append(" after ").append(settings.warmup())
                .append(" warm-up calls, in `function.yaml`'s container JVM (256 MiB heap) with its collector logging. ")
                .append(machine.date()).append(", load average ").append(machine.loadBefore()).append(" before, ")
                .append(machine.loadAfter()).append(" after.\n\n");
        md.append("| call | median ms | min–max ms | ratio |\n|---|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| one cluster's pod LIST, pages of %d (%d requests) | %,.0f | %s | 1.00 |%n", POD_PAGE,
                r.pods() / POD_PAGE, paged, Stats.range(r.onePaged())));
        md.append(String.format(Locale.ROOT, "| one cluster's pod LIST, one request | %,.0f | %s | %.2f |%n", whole,
                Stats.range(r.oneWhole()), whole / paged));
        md.append(String.format(Locale.ROOT, "| `describeRevisions`, %d clusters (%,d pods counted) | %,.0f | %s | %.2f |%n",
                r.clusters(), r.podsCounted(), describe, Stats.range(r.describe()), describe / paged));
        md.append(String.format(Locale.ROOT, "%nLIST requests per cluster per describeRevisions: %d. The function's heap: at most "
                + "%d MB in use after any full collection during the measured calls, %d MB after a full collection at their end; "
                + "RSS %,d MB.%n%n", r.podListsPerCall(), r.mostHeapDuringMb(), r.heapAfterMb(), r.rssAfterKb() / 1024));
        md.append(String.format(Locale.ROOT, "Goal: within %.1f × one cluster's pod LIST (read in the same pages): **%s** (%.2f).%n%n",
                GOAL, describe / paged <= GOAL ? "met" : "not met", describe / paged));
        return md.toString();
    }
}
