package io.meshns.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.testing.FunctionProcess;
import io.meshns.testing.FunctionYaml;
import io.meshns.testing.ManyClusters;

/**
 * A fleet upgrade ({@code -Dbench.only=migrate}): migrateRevision of many namespaces from one
 * revision to the next over clusters 150 ms away, each cluster with both revisions' injectors,
 * beside one enableInjection of one namespace over the same clusters; then a thousand namespaces,
 * which one call moves within its time or leaves "not reached" for a second call to finish.
 */
final class MigrateBenchmark {

    static final int NUMBER = 8;
    private static final String APP = "bench-enable";
    private static final String FROM = "1-20";
    private static final String TO = "1-21";
    private static final String REVISION = "istio.io/rev";
    private static final double GOAL = 1.5;
    /**
     * Rounds before those measured. Over its first ten or so rounds (each moving 2,000 namespace
     * labels twice) the function's JIT compiler takes about half of its CPU.
     */
    private static final int WARMUP = 10;

    /** One migrateRevision call: its time, and its outcomes counted. */
    record Call(double millis, double cpuMillis, double controlCpuMillis, double hereCpuMillis, int namespaces, int applied,
            int failed, int notReached) {
    }

    /**
     * CPU used so far by the function, by the control plane (kube-apiserver and etcd, when real: this
     * process started them) and by this process (the data planes and the driver), all on the same cores.
     */
    private record Cpu(Duration function, Duration controlPlane, Duration here) {

        static Cpu now(FunctionProcess function) {
            Duration control = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().map(c -> c.contains("kube-apiserver") || c.endsWith("etcd")).orElse(false))
                    .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO)).reduce(Duration.ZERO, Duration::plus);
            return new Cpu(function.cpu(), control, Duration.ofNanos(ThousandClusters.ownCpuNanos()));
        }
    }

    /** The figures of this part. */
    record Result(String control, int clusters, int namespaces, int warmup, List<Double> enable, List<Double> migrate,
            List<Double> migrateCpu, List<Double> controlCpu, List<Double> hereCpu, int leastApplied, int many,
            List<Call[]> manyRounds) {
    }

    private MigrateBenchmark() {
    }

    static Result run(Benchmark.Settings settings) throws Exception {
        int clusters = Integer.getInteger("bench.migrate-clusters", 20);
        int namespaces = Integer.getInteger("bench.migrate-namespaces", 100);
        int many = Integer.getInteger("bench.migrate-many", 1000);
        int rounds = Integer.getInteger("bench.migrate-rounds", 3);
        int warmup = Integer.getInteger("bench.migrate-warmup", WARMUP);
        List<String> properties = new ArrayList<>(FunctionYaml.containerJvmFlags());
        String controlKind = System.getProperty("bench.migrate-control", "real");
        try (BenchControlPlane control = BenchControlPlane.start(controlKind, "meshns-bench-migrate-" + System.currentTimeMillis());
                ManyClusters planes = ManyClusters.start(clusters, Duration.ZERO, Map.of(APP, Map.of())).withInjectors("default",
                        FROM, TO)) {
            control.namespace(APP, Map.of());
            seed(control, planes, 0, namespaces);
            properties.addAll(control.properties());
            properties.addAll(List.of("-Dmeshns.allow-plaintext-clusters=true", "-Dmeshns.auth.enabled=false"));
            try (FunctionProcess function = FunctionProcess.start(settings.jar(), control.environment(), properties,
                    settings.workDir().resolve("function-migrate.log"))) {
                function.awaitFirstAnswer(Duration.ofSeconds(90));
                for (int c = 0; c < clusters; c++) {
                    function.ok("registerCluster", "{\"name\": \"dp-" + c + "\", \"server\": \"" + planes.url(c)
                            + "\", \"token\": \"bench\"}");
                }
                planes.latency(settings.latency());
                List<Double> enable = new ArrayList<>();
                List<Double> migrate = new ArrayList<>();
                List<Double> migrateCpu = new ArrayList<>();
                List<Double> controlCpu = new ArrayList<>();
                List<Double> hereCpu = new ArrayList<>();
                int leastApplied = namespaces * clusters;
                for (int i = 0; i < warmup + settings.repeats(); i++) {
                    function.ok("disableInjection", "{\"namespace\": \"" + APP + "\"}");
                    FunctionProcess.Answer enabled = function.ok("enableInjection", "{\"namespace\": \"" + APP + "\"}");
                    Call forth = migrate(function, FROM, TO);
                    Call back = migrate(function, TO, FROM);
                    if (forth.applied() != namespaces * clusters || back.applied() != namespaces * clusters) {
                        throw new IllegalStateException("migrateRevision applied " + forth.applied() + " and " + back.applied()
                                + " outcomes, not " + namespaces * clusters);
                    }
                    if (i >= warmup) {
                        enable.add(enabled.millis());
                        migrate.add(forth.millis());
                        migrate.add(back.millis());
                        migrateCpu.add(forth.cpuMillis());
                        migrateCpu.add(back.cpuMillis());
                        controlCpu.add(forth.controlCpuMillis());
                        controlCpu.add(back.controlCpuMillis());
                        hereCpu.add(forth.hereCpuMillis());
                        hereCpu.add(back.hereCpuMillis());
                        leastApplied = Math.min(leastApplied, Math.min(forth.applied(), back.applied()));
                    }
                }
                Benchmark.say(String.format(Locale.ROOT, "  enableInjection %.0f ms, migrateRevision of %d namespaces %.0f ms"
                        + " (CPU: function %.0f ms, control plane %.0f ms, data planes and driver %.0f ms)", Stats.median(enable),
                        namespaces, Stats.median(migrate), Stats.median(migrateCpu), Stats.median(controlCpu), Stats.median(hereCpu)));

                planes.latency(Duration.ZERO);
                seed(control, planes, namespaces, many);
                planes.latency(settings.latency());
                List<Call[]> manyRounds = new ArrayList<>();
                String from = FROM;
                String to = TO;
                for (int round = 0; round < rounds; round++) {
                    Call first = migrate(function, from, to);
                    Call second = migrate(function, from, to);
                    manyRounds.add(new Call[] { first, second });
                    Benchmark.say("  " + many + " namespaces: " + first + ", then " + second);
                    String swap = from;
                    from = to;
                    to = swap;
                }
                return new Result(controlKind, clusters, namespaces, warmup, enable, migrate, migrateCpu, controlCpu, hereCpu, leastApplied, many, manyRounds);
            }
        }
    }

    /** Namespaces mig-{from}..mig-{to - 1} on revision FROM, in the control plane and every cluster. */
    private static void seed(BenchControlPlane control, ManyClusters planes, int from, int to) {
        Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            namespaces.put(String.format(Locale.ROOT, "mig-%04d", i), Map.of(REVISION, FROM));
        }
        namespaces.forEach(control::namespace);
        planes.seed(namespaces);
    }

    private static Call migrate(FunctionProcess function, String from, String to) throws Exception {
        Cpu before = Cpu.now(function);
        FunctionProcess.Answer answer = function.ok("migrateRevision", "{\"from\": \"" + from + "\", \"to\": \"" + to + "\"}");
        int applied = 0;
        int failed = 0;
        int notReached = 0;
        for (JsonNode result : answer.body().path("results")) {
            applied += Benchmark.count(result.get("clusters"), "applied");
            failed += Benchmark.count(result.get("clusters"), "failed");
            for (JsonNode outcome : result.path("clusters")) {
                if (outcome.path("message").asText().startsWith("not reached")) {
                    notReached++;
                }
            }
        }
        Cpu after = Cpu.now(function);
        return new Call(answer.millis(), after.function().minus(before.function()).toMillis(),
                after.controlPlane().minus(before.controlPlane()).toMillis(), after.here().minus(before.here()).toMillis(),
                answer.body().path("results").size(), applied, failed, notReached);
    }

    private static final String COMMAND = "`./mvnw -B -Pbench verify -Dbench.only=migrate` ([8](#8-a-fleet-upgrade-migraterevision))";

    /** This part's rows of the goals table. */
    static List<Report.Goal> goals(Result r) {
        double enable = Stats.median(r.enable());
        double migrate = Stats.median(r.migrate());
        Call[] last = r.manyRounds().get(r.manyRounds().size() - 1);
        boolean oneCall = r.manyRounds().stream().allMatch(c -> c[0].failed() == 0);
        boolean finished = r.manyRounds().stream().allMatch(c -> c[1].failed() == 0);
        return List.of(
                new Report.Goal("`migrateRevision` of 100 namespaces ≤ 1.5 × one `enableInjection`, 20 clusters 150 ms away",
                        String.format(Locale.ROOT, "%.2f (%,.0f against %,.0f ms; %d namespaces × %d clusters)", migrate / enable,
                                migrate, enable, r.namespaces(), r.clusters()),
                        migrate / enable <= GOAL ? "met" : "not met", COMMAND),
                new Report.Goal("`migrateRevision` of 1,000 namespaces within the call timeout, or the rest `failed` \"not reached\" "
                        + "and finished by a second call",
                        String.format(Locale.ROOT, "%s; %,.0f ms for %,d namespaces (%,d outcomes applied, %,d failed)",
                                oneCall ? "all in one call" : "not all in one call", last[0].millis(), last[0].namespaces(),
                                last[0].applied(), last[0].failed()),
                        oneCall || finished ? "met" : "not met", COMMAND));
    }

    /** This part's section of BENCHMARKS.md. */
    static String markdown(Benchmark.Settings settings, Benchmark.Machine machine, Result r) {
        double enable = Stats.median(r.enable());
        double migrate = Stats.median(r.migrate());
        StringBuilder md = new StringBuilder();
        md.append("## ").append(NUMBER).append(". A fleet upgrade: migrateRevision\n\n");
        md.append("Run alone with `./mvnw -B -Pbench verify -Dbench.only=migrate` (`-Dbench.migrate-clusters=20`, ")
                .append("`-Dbench.migrate-namespaces=100`, `-Dbench.migrate-many=1000`, `-Dbench.migrate-rounds=3`, `-Dbench.migrate-control=real`). ")
                .append(r.clusters()).append(" data-plane clusters (`ManyClusters`: one small Vert.x server, one port per cluster; ")
                .append("fabric8's CRUD mock, one per cluster, took twice the function's CPU on the same two cores), each with the ")
                .append("sidecar injectors of revisions `default`, `").append(FROM).append("` and `").append(TO)
                .append("`, answering each request after ").append(settings.latency().toMillis())
                .append(" ms; the control plane at once, ").append("real".equals(r.control())
                        ? "a real kube-apiserver on etcd (TLS, the admin token; `-Dbench.migrate-control=mock` for fabric8's CRUD mock). "
                        : "fabric8's CRUD mock (`-Dbench.migrate-control=mock`; it answers one request at a time). ").append(r.namespaces()).append(" namespaces labelled `istio.io/rev=")
                .append(FROM).append("` in the control plane and every cluster. Each round: `disableInjection` and ")
                .append("`enableInjection` of one other namespace, then `migrateRevision` from `").append(FROM).append("` to `")
                .append(TO).append("` and back (both timed); median of ").append(settings.repeats()).append(" rounds after ")
                .append(r.warmup()).append(" warm-up rounds (`-Dbench.migrate-warmup`), the function in `function.yaml`'s ")
                .append("container JVM. ").append(machine.date()).append(", load average ")
                .append(machine.loadBefore()).append(" before, ").append(machine.loadAfter()).append(" after.\n\n");
        double cpu = Stats.median(r.migrateCpu());
        md.append("| call | median ms | min–max ms | function CPU, ms (µs per namespace and cluster) | outcomes `applied` (least) ")
                .append("| ratio to `enableInjection` | goal |\n")
                .append("|---|---:|---:|---:|---:|---:|---|\n");
        md.append(String.format(Locale.ROOT, "| `enableInjection`, 1 namespace × %d clusters | %,.0f | %s | – | – | 1.00 | – |%n",
                r.clusters(), enable, Stats.range(r.enable())));
        md.append(String.format(Locale.ROOT,
                "| `migrateRevision`, %d namespaces × %d clusters | %,.0f | %s | %,.0f (%,.0f) | %,d of %,d | %.2f | ≤ %.1f %s |%n",
                r.namespaces(), r.clusters(), migrate, Stats.range(r.migrate()), cpu, cpu * 1000 / (r.namespaces() * r.clusters()),
                r.leastApplied(), r.namespaces() * r.clusters(), migrate / enable, GOAL,
                migrate / enable <= GOAL ? "met" : "**not met**"));
        double control = Stats.median(r.controlCpu());
        double here = Stats.median(r.hereCpu());
        md.append(String.format(Locale.ROOT, "%nCPU of one `migrateRevision` (medians): the function %,.0f ms, the control plane %,.0f ms, "
                + "the data planes and the driver %,.0f ms; %,.0f ms in all, which the machine's %d cores need at least %,.0f ms of "
                + "wall time to give.%n", cpu, control, here, cpu + control + here, Runtime.getRuntime().availableProcessors(),
                (cpu + control + here) / Runtime.getRuntime().availableProcessors()));
        md.append("\nThen ").append(String.format(Locale.ROOT, "%,d", r.many())).append(" namespaces on the same clusters ")
                .append("(the call timeout at its default, `meshns.call-timeout`): one `migrateRevision` and right after it ")
                .append("the same call again, which moves what the first did not reach (nothing left: `results: []`); ")
                .append("then the same the other way, ").append(r.manyRounds().size()).append(" rounds in all.\n\n");
        md.append("| round | first call, ms | namespaces moved | outcomes `applied` | `failed` (of which \"not reached\") ")
                .append("| second call, ms | namespaces moved | outcomes `applied` | `failed` |\n")
                .append("|---|---:|---:|---:|---|---:|---:|---:|---:|\n");
        int round = 1;
        for (Call[] calls : r.manyRounds()) {
            Call a = calls[0];
            Call b = calls[1];
            md.append(String.format(Locale.ROOT, "| %d | %,.0f | %,d | %,d | %,d (%,d) | %,.0f | %,d | %,d | %,d |%n", round++,
                    a.millis(), a.namespaces(), a.applied(), a.failed(), a.notReached(), b.millis(), b.namespaces(), b.applied(),
                    b.failed()));
        }
        md.append("\nGoals: see the opening table.\n\n");
        return md.toString();
    }
}
