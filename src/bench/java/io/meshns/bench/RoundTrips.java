package io.meshns.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.meshns.mock.MockApiServer;
import io.meshns.testing.FunctionProcess;

/**
 * Section 4 of the benchmark: the control plane is remote too. enableInjection with the control
 * plane {@code bench.cp-latency-ms} away and every cluster {@code bench.latency-ms} away, with the
 * requests the control plane received per call; and a reconcile of {@code bench.namespaces}
 * namespaces with nothing to repair.
 */
final class RoundTrips {

    private static final String APP = "bench-app";
    /** Time for a call's Event, sent after its answer, to reach the control plane. */
    private static final long EVENT_GRACE_MILLIS = 500;

    private RoundTrips() {
    }

    /** One cluster count: wall times of enableInjection and the control-plane requests of one such call, by kind. */
    record Row(int clusters, List<Double> millis, Map<String, Integer> requests) {

        int total() {
            return requests.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** The requests the call waited for: all but its Event, sent after the answer. */
        int ofTheCall() {
            return total() - requests.getOrDefault("EVENT", 0);
        }
    }

    /** A reconcile with nothing to repair: the first (records every namespace), then the quiet ones. */
    record Quiet(int namespaces, int clusters, double firstMillis, Map<String, Integer> firstRequests,
            List<Double> quietMillis, Map<String, Integer> quietRequests, List<Double> describeMillis,
            Map<String, Integer> describeRequests, List<Double> oneListMillis) {
    }

    record Result(Duration controlPlane, Duration dataPlane, List<Row> rows, Quiet quiet) {
    }

    static Result run(Benchmark.Settings settings) throws Exception {
        Duration cp = settings.controlPlaneLatency();
        List<Row> rows = new ArrayList<>();
        int most = settings.roundTripClusters().stream().mapToInt(Integer::intValue).max().orElse(1);
        try (MockApiServer control = MockApiServer.start(0, Duration.ZERO);
                DataPlaneServers planes = DataPlaneServers.start(most, Duration.ZERO)) {
            Benchmark.createNamespace(control.client(), APP, Map.of("team", "bench"));
            DataPlaneServers.inParallel(planes.all(), plane -> Benchmark.createNamespace(plane.client(), APP,
                    Map.of("team", "bench")));
            try (FunctionProcess function = FunctionProcess.start(settings.jar(), control.url(),
                    settings.workDir().resolve("function-round-trips.log"))) {
                function.awaitFirstAnswer(Duration.ofSeconds(90));
                int registered = 0;
                for (int clusters : settings.roundTripClusters()) {
                    control.latency(Duration.ZERO);
                    planes.latency(Duration.ZERO);
                    for (; registered < clusters; registered++) {
                        function.ok("registerCluster", "{\"name\": \"dp-" + registered + "\", \"server\": \""
                                + planes.get(registered).url() + "\", \"token\": \"bench\"}");
                    }
                    control.latency(cp);
                    planes.latency(settings.latency());
                    List<Double> millis = new ArrayList<>();
                    Map<String, Integer> requests = new TreeMap<>();
                    for (int i = 0; i < settings.warmup() + settings.repeats(); i++) {
                        function.ok("disableInjection", "{\"namespace\": \"" + APP + "\"}");
                        // A call's Event leaves after its answer: wait for it, so each call counts its own.
                        Thread.sleep(EVENT_GRACE_MILLIS);
                        DataPlaneServers.requestsByKind(control);
                        FunctionProcess.Answer enabled = function.ok("enableInjection", "{\"namespace\": \"" + APP + "\"}");
                        Thread.sleep(EVENT_GRACE_MILLIS);
                        Map<String, Integer> these = DataPlaneServers.requestsByKind(control);
                        if (i >= settings.warmup()) {
                            millis.add(enabled.millis());
                            if (sum(these) > sum(requests)) {
                                requests = these;
                            }
                        }
                    }
                    rows.add(new Row(clusters, millis, requests));
                    Benchmark.say(String.format(Locale.ROOT, "  %3d clusters, control plane %d ms away: %.0f ms, %d requests %s",
                            clusters, cp.toMillis(), Stats.median(millis), sum(requests), requests));
                }
            }
        }
        return new Result(cp, settings.latency(), rows, quietReconcile(settings));
    }

    private static Quiet quietReconcile(Benchmark.Settings settings) throws Exception {
        int clusters = settings.reconcileClusters();
        Map<String, String> labels = Map.of("istio-injection", "enabled", "team", "bench");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < settings.namespaces(); i++) {
            names.add(String.format(Locale.ROOT, "mesh-%04d", i));
        }
        try (MockApiServer control = MockApiServer.start(0, Duration.ZERO);
                DataPlaneServers planes = DataPlaneServers.start(clusters, Duration.ZERO);
                FunctionProcess function = FunctionProcess.start(settings.jar(), control.url(),
                        settings.workDir().resolve("function-quiet-reconcile.log"))) {
            function.awaitFirstAnswer(Duration.ofSeconds(90));
            for (int c = 0; c < clusters; c++) {
                function.ok("registerCluster", "{\"name\": \"dp-" + c + "\", \"server\": \"" + planes.get(c).url()
                        + "\", \"token\": \"bench\"}");
            }
            names.forEach(name -> Benchmark.createNamespace(control.client(), name, labels));
            DataPlaneServers.inParallel(planes.all(),
                    plane -> names.forEach(name -> Benchmark.createNamespace(plane.client(), name, labels)));
            control.latency(settings.controlPlaneLatency());
            planes.latency(settings.latency());
            DataPlaneServers.requestsByKind(control);

            double first = function.ok("reconcile", "{}").millis();
            Map<String, Integer> firstRequests = DataPlaneServers.requestsByKind(control);
            List<Double> quiet = new ArrayList<>();
            Map<String, Integer> quietRequests = Map.of();
            for (int i = 0; i < settings.repeats(); i++) {
                FunctionProcess.Answer answer = function.ok("reconcile", "{}");
                quietRequests = DataPlaneServers.requestsByKind(control);
                if (answer.body().path("namespaces").asInt() != names.size()) {
                    throw new IllegalStateException("reconcile looked at " + answer.body().path("namespaces") + " namespaces");
                }
                quiet.add(answer.millis());
            }
            Benchmark.say(String.format(Locale.ROOT, "  quiet reconcile of %d namespaces: first %.0f ms %s, then %.0f ms %s",
                    names.size(), first, firstRequests, Stats.median(quiet), quietRequests));
            // describeMesh of the same mesh (every namespace with its state now), beside one cluster's LIST.
            List<Double> described = new ArrayList<>();
            List<Double> oneList = new ArrayList<>();
            Map<String, Integer> describeRequests = Map.of();
            for (int i = 0; i < settings.warmup() + settings.repeats(); i++) {
                long start = System.nanoTime();
                planes.get(0).client().namespaces().list();
                double listed = (System.nanoTime() - start) / 1e6;
                DataPlaneServers.requestsByKind(control);
                FunctionProcess.Answer answer = function.ok("describeMesh", "{}");
                describeRequests = DataPlaneServers.requestsByKind(control);
                if (answer.body().path("namespaces").size() < names.size()) {
                    throw new IllegalStateException("describeMesh saw " + answer.body().path("namespaces").size() + " namespaces");
                }
                if (i >= settings.warmup()) {
                    described.add(answer.millis());
                    oneList.add(listed);
                }
            }
            Benchmark.say(String.format(Locale.ROOT, "  describeMesh of %d namespaces: %.0f ms %s; one cluster's LIST %.0f ms",
                    names.size(), Stats.median(described), describeRequests, Stats.median(oneList)));
            return new Quiet(names.size(), clusters, first, firstRequests, quiet, quietRequests, described, describeRequests,
                    oneList);
        }
    }

    static int sum(Map<String, Integer> requests) {
        return requests.values().stream().mapToInt(Integer::intValue).sum();
    }
}
