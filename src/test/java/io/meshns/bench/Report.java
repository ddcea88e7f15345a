package io.meshns.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToIntFunction;

/** The benchmark's figures as the Markdown of BENCHMARKS.md. */
final class Report {

    private Report() {
    }

    static String markdown(Benchmark.Settings settings, Benchmark.Machine machine, Optional<String> kubectl,
            List<Benchmark.FanOutRow> fanOut, Benchmark.ReconcileResult reconcile, Benchmark.StartResult start,
            RoundTrips.Result roundTrips) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("```\n").append(Benchmark.COMMAND).append("\n```\n\n");
        md.append("This one command packages the function, runs the benchmark against the packaged jar and rewrites this ")
                .append("file with the figures of that run (about ").append(Math.max(1, Math.round(machine.minutes())))
                .append(" min on the machine below, after the build). It needs a JDK 17+ and, for the comparison, ")
                .append("`kubectl` on the PATH. The test suite (`./mvnw verify`) never runs it. The code is in ")
                .append("`src/test/java/io/meshns/bench/`; `-Dbench.clusters=1,10`, `-Dbench.latency-ms=150`, ")
                .append("`-Dbench.namespaces=1000`, `-Dbench.reconcile-clusters=20`, `-Dbench.drift-percent=5`, ")
                .append("`-Dbench.calls=1000`, `-Dbench.cp-latency-ms=50`, `-Dbench.cp-clusters=1,20`, ")
                .append("`-Dbench.only=round-trips` (writes that section alone) and ")
                .append("`-Dbench.output=FILE` change what it does.\n\n");

        md.append("## Machine\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| date | ").append(machine.date()).append(" |\n");
        md.append("| cores | ").append(machine.cores()).append(" (").append(machine.cpu()).append(") |\n");
        md.append("| memory | ").append(machine.memory()).append(" |\n");
        md.append("| JDK | ").append(machine.jdk()).append(" (the function runs on it with default JVM flags) |\n");
        md.append("| OS | ").append(machine.os()).append(" |\n");
        md.append("| kubectl | ").append(kubectl.orElse("not installed")).append(" |\n");
        md.append("| commit | ").append(machine.commit()).append(" |\n");
        md.append("| load average (1, 5, 15 min) | ").append(machine.loadBefore()).append(" before, ")
                .append(machine.loadAfter()).append(" after |\n\n");

        if (fanOut != null) {
            fanOut(md, settings, fanOut, kubectl.isPresent());
        }
        if (reconcile != null) {
            reconcile(md, settings, reconcile);
        }
        if (start != null) {
            start(md, start);
        }
        if (roundTrips != null) {
            roundTrips(md, settings, roundTrips);
        }
        method(md, settings);
        return md.toString();
    }

    private static void fanOut(StringBuilder md, Benchmark.Settings settings, List<Benchmark.FanOutRow> rows,
            boolean kubectl) {
        long latency = settings.latency().toMillis();
        Benchmark.FanOutRow base = rows.get(0);
        double baseMedian = Stats.median(base.meshnsMillis());
        md.append("## 1. Fan-out: enableInjection across N clusters, against kubectl\n\n");
        md.append("Every data-plane API server answers each request after ").append(latency)
                .append(" ms; the control plane at once. Median of ").append(settings.repeats())
                .append(" calls after ").append(settings.warmup()).append(" warm-up calls, each after a disableInjection, ")
                .append("so every call patches every cluster.\n\n");
        md.append("| clusters | meshns, median ms | min–max ms | ratio to ").append(base.clusters())
                .append(" cluster").append(base.clusters() == 1 ? "" : "s")
                .append(" | clusters `applied` | kubectl, one cluster after another, ms | meshns faster by |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Benchmark.FanOutRow row : rows) {
            double median = Stats.median(row.meshnsMillis());
            md.append("| ").append(row.clusters())
                    .append(" | ").append(ms(median))
                    .append(" | ").append(ms(Stats.min(row.meshnsMillis()))).append("–").append(ms(Stats.max(row.meshnsMillis())))
                    .append(" | ").append(fixed(median / baseMedian, 2))
                    .append(" | ").append(row.leastApplied()).append(" of ").append(row.clusters());
            if (row.kubectlMillis().isEmpty()) {
                md.append(" | – | – |\n");
            } else {
                double byKubectl = Stats.median(row.kubectlMillis());
                md.append(" | ").append(ms(byKubectl))
                        .append(row.kubectlMillis().size() > 1 ? " (median of " + row.kubectlMillis().size() + ")" : "")
                        .append(" | ").append(fixed(byKubectl / median, 1)).append("× |\n");
            }
        }
        Benchmark.FanOutRow last = rows.get(rows.size() - 1);
        double ratio = Stats.median(last.meshnsMillis()) / baseMedian;
        md.append("\nGoal: ratio ≤ 1.2 at ").append(last.clusters()).append(" clusters: **")
                .append(ratio <= 1.2 ? "met" : "missed").append("** (").append(fixed(ratio, 2)).append(").");
        if (!kubectl) {
            md.append(" kubectl was not installed, so there is no comparison.");
        }
        md.append("\n\n");
    }

    private static void reconcile(StringBuilder md, Benchmark.Settings settings, Benchmark.ReconcileResult r) {
        md.append("## 2. Reconcile at scale\n\n");
        md.append(r.namespaces()).append(" mesh namespaces with `istio-injection=enabled`, in the control plane and in each of ")
                .append(r.clusters()).append(" clusters (").append(settings.latency().toMillis())
                .append(" ms per data-plane answer). Then in each cluster a different random ").append(settings.driftPercent())
                .append(" % (").append(r.driftedPerCluster()).append(") of them lose the label or say `disabled`: ")
                .append(r.driftedNamespaces()).append(" namespaces drifted somewhere, ")
                .append(r.driftedPerCluster() * r.clusters()).append(" namespace copies in all.\n\n");
        md.append("| reconcile | wall time, ms | outcomes `applied` |\n|---|---:|---:|\n");
        md.append("| first, all in sync (records every namespace's state) | ").append(ms(r.firstMillis())).append(" | 0 |\n");
        md.append("| after the drift | ").append(ms(r.driftMillis())).append(" | ").append(r.applied())
                .append(r.failed() > 0 ? " (" + r.failed() + " failed)" : "").append(" |\n");
        md.append("| again right after | ").append(ms(r.againMillis())).append(" | 0 (").append(r.patchesAgain())
                .append(" PATCH sent) |\n\n");
        md.append("Requests each data-plane server received during the reconcile after the drift (least–most over the ")
                .append(r.clusters()).append(" servers):\n\n");
        md.append("| LIST | GET | PATCH | other | drifted there |\n|---:|---:|---:|---:|---:|\n");
        md.append("| ").append(range(r.perCluster(), Benchmark.ServerCount::list))
                .append(" | ").append(range(r.perCluster(), Benchmark.ServerCount::get))
                .append(" | ").append(range(r.perCluster(), Benchmark.ServerCount::patch))
                .append(" | ").append(range(r.perCluster(), Benchmark.ServerCount::other))
                .append(" | ").append(r.driftedPerCluster()).append(" |\n\n");
        md.append("The control plane received ").append(r.controlPlaneRequests()).append(" requests in that reconcile.\n\n");
        boolean met = r.perCluster().stream().allMatch(c -> c.list() <= 1 && c.get() == 0 && c.other() == 0
                && c.patch() <= r.driftedPerCluster());
        md.append("Goal: at most 1 LIST per cluster plus 1 PATCH per drifted namespace: **").append(met ? "met" : "missed")
                .append("**.\n\n");
    }

    private static void start(StringBuilder md, Benchmark.StartResult s) {
        md.append("## 3. Start and memory (JVM, `java -jar target/quarkus-app/quarkus-run.jar`)\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| process start to the first answered call (`POST /listClusters`), median of ").append(s.startMillis().size())
                .append(" | ").append(ms(Stats.median(s.startMillis()))).append(" ms (").append(joinMs(s.startMillis()))
                .append(") |\n");
        md.append("| RSS at the first answer | ").append(mb(s.rssReadyKb())).append(" |\n");
        md.append("| RSS after ").append(s.calls()).append(" calls | ").append(mb(s.rssAfterKb())).append(" (peak ")
                .append(mb(s.peakKb())).append(") |\n");
        md.append("| those calls, one at a time | ").append(fixed(s.callsSeconds(), 1)).append(" s, median ")
                .append(fixed(Stats.median(s.callMillis()), 1)).append(" ms per call |\n\n");
        md.append("The calls: 10 registerCluster, then enableInjection, getNamespace, disableInjection, listNamespaces and ")
                .append("listClusters in turn, over 10 clusters that answer at once.\n\n");
    }

    private static void roundTrips(StringBuilder md, Benchmark.Settings settings, RoundTrips.Result r) {
        long cp = r.controlPlane().toMillis();
        long dp = r.dataPlane().toMillis();
        md.append("## 5. A remote control plane: round trips\n\n");
        md.append("The control plane answers each request after ").append(cp).append(" ms, every data-plane cluster after ")
                .append(dp).append(" ms. enableInjection, median of ").append(settings.repeats()).append(" calls after ")
                .append(settings.warmup()).append(" warm-up calls, each after a disableInjection; the requests are those the ")
                .append("control plane received during one such call (the most of the measured calls), its Event (sent ")
                .append("after the answer) included as EVENT.\n\n");
        md.append("| clusters | enableInjection, median ms | min–max ms | control-plane requests per call | of which |\n");
        md.append("|---:|---:|---:|---:|---|\n");
        for (RoundTrips.Row row : r.rows()) {
            md.append("| ").append(row.clusters()).append(" | ").append(ms(Stats.median(row.millis()))).append(" | ")
                    .append(ms(Stats.min(row.millis()))).append("–").append(ms(Stats.max(row.millis()))).append(" | ")
                    .append(row.total()).append(" | ").append(kinds(row.requests())).append(" |\n");
        }
        boolean fast = r.rows().stream().allMatch(row -> Stats.median(row.millis()) <= 500);
        boolean few = r.rows().stream().allMatch(row -> row.ofTheCall() <= 4);
        md.append("\nGoals: at most 4 control-plane requests per change, its Event aside: **").append(few ? "met" : "missed")
                .append("**; enableInjection ≤ 500 ms with the control plane 50 ms and clusters 150 ms away: **")
                .append(cp == 50 && dp == 150 ? (fast ? "met" : "missed") : "not measured at those latencies")
                .append("**.\n\n");
        RoundTrips.Quiet q = r.quiet();
        md.append("reconcile of ").append(q.namespaces()).append(" namespaces over ").append(q.clusters())
                .append(" clusters, every one in sync, at the same latencies (each cluster listed in pages of 500):\n\n");
        md.append("| reconcile | wall time, ms | control-plane requests | of which |\n|---|---:|---:|---|\n");
        md.append("| first (records every namespace's state) | ").append(ms(q.firstMillis())).append(" | ")
                .append(RoundTrips.sum(q.firstRequests())).append(" | ").append(kinds(q.firstRequests())).append(" |\n");
        md.append("| then, nothing to repair or record (median of ").append(q.quietMillis().size()).append(") | ")
                .append(ms(Stats.median(q.quietMillis()))).append(" (").append(ms(Stats.min(q.quietMillis()))).append("–")
                .append(ms(Stats.max(q.quietMillis()))).append(") | ").append(RoundTrips.sum(q.quietRequests()))
                .append(" | ").append(kinds(q.quietRequests())).append(" |\n\n");
        md.append("Goal: under 1 s with the control plane 50 ms away: **")
                .append(cp == 50 ? (Stats.median(q.quietMillis()) < 1000 ? "met" : "missed") : "not measured at 50 ms")
                .append("**.\n\n");
        double described = Stats.median(q.describeMillis());
        double one = Stats.median(q.oneListMillis());
        md.append("describeMesh of the same mesh (every namespace with its state, after those reconciles), at the same ")
                .append("latencies, median of ").append(q.describeMillis().size()).append(": ").append(ms(described))
                .append(" ms (").append(ms(Stats.min(q.describeMillis()))).append("–").append(ms(Stats.max(q.describeMillis())))
                .append("), ").append(String.format(java.util.Locale.ROOT, "%.2f", described / one))
                .append("× one cluster's namespace LIST (").append(ms(one)).append(" ms); control-plane requests: ")
                .append(kinds(q.describeRequests())).append(".\n\n");
    }

    private static String kinds(java.util.Map<String, Integer> requests) {
        StringBuilder text = new StringBuilder();
        requests.forEach((kind, n) -> text.append(text.length() == 0 ? "" : ", ").append(n).append(" ").append(kind));
        return text.toString();
    }

    private static void method(StringBuilder md, Benchmark.Settings settings) {
        md.append("## How it is measured\n\n");
        md.append("- The benchmark starts the packaged jar as a separate process against in-process mock Kubernetes API ")
                .append("servers (`MockApiServer`, fabric8 CRUD mode) on loopback: one control plane, and one server per ")
                .append("data-plane cluster, registered through `registerCluster`.\n");
        md.append("- The ").append(settings.latency().toMillis())
                .append(" ms stand for the network to a remote cluster: each answer is sent from a timer on the ")
                .append("server's event loop, so a server keeps answering other requests while one waits.\n");
        md.append("- Times are wall times at the caller, from sending the HTTP request to the last byte of the answer.\n");
        md.append("- kubectl runs with an empty kubeconfig and a discovery cache filled beforehand, as on a user's ")
                .append("machine; each run still asks `/version`, reads the namespace and patches it.\n");
        md.append("- Requests are counted by the servers themselves. LIST is a GET of a collection; GET reads one object.\n");
        md.append("- RSS and peak are `VmRSS` and `VmHWM` from `/proc/PID/status`. The JVM keeps its default heap limits ")
                .append("(at most a quarter of the memory), so RSS shows what it chose to keep, not what it needs.\n");
        md.append("- The machine may be shared (see the load average): compare ratios rather than absolute times.\n");
    }

    private static String range(List<Benchmark.ServerCount> counts, ToIntFunction<Benchmark.ServerCount> field) {
        int least = counts.stream().mapToInt(field).min().orElse(0);
        int most = counts.stream().mapToInt(field).max().orElse(0);
        return least == most ? String.valueOf(least) : least + "–" + most;
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%,.0f", millis);
    }

    private static String joinMs(List<Double> millis) {
        return String.join(", ", millis.stream().map(Report::ms).toList());
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String mb(long kb) {
        return kb < 0 ? "n/a (no /proc)" : String.format(Locale.ROOT, "%.0f MB", kb / 1024.0);
    }
}
