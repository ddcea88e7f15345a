package io.meshns.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.function.ToIntFunction;

/** The benchmark's figures as the Markdown of BENCHMARKS.md. */
final class Report {

    private Report() {
    }

    /** One row of the opening table: a goal, the figure measured for it, whether it is met, the command. */
    record Goal(String goal, String figure, String met, String command) {
    }

    static final String GOALS_START = "<!-- goals: a benchmark run rewrites the rows of the goals it measures and keeps the others -->";
    static final String GOALS_END = "<!-- /goals -->";
    static final String METHOD = "## How it is measured";
    /** A cell with nothing to say. */
    static final String NONE = "–";

    static final String FULL_RUN = "`" + Benchmark.COMMAND + "`";
    static final String START_GOAL = "Start-up: process start to the first answered `listNamespaces` ≤ 1 s";
    static final String ROUND_TRIPS_RUN = "`./mvnw -B -Pbench verify -Dbench.only=round-trips`";

    /**
     * The whole of BENCHMARKS.md: the goals table first, then the machine, then each part's section
     * in the order of their numbers, then how it is measured. The parts measured now (those not null)
     * are written afresh; the goals and numbered sections of {@code existing} that this run did not
     * measure (the parts run alone, merged by hand) are kept as they are.
     */
    static String markdown(Benchmark.Settings settings, Benchmark.Machine machine, Optional<String> kubectl,
            List<Benchmark.FanOutRow> fanOut, Benchmark.ReconcileResult reconcile, Benchmark.StartResult start,
            RoundTrips.Result roundTrips, String existing) {
        List<Goal> goals = new ArrayList<>();
        Map<Integer, String> sections = new TreeMap<>(numberedSections(existing));
        if (fanOut != null) {
            StringBuilder md = new StringBuilder();
            goals.add(fanOut(md, settings, fanOut, kubectl.isPresent()));
            sections.put(1, md.toString());
        }
        if (reconcile != null) {
            StringBuilder md = new StringBuilder();
            goals.add(reconcile(md, settings, reconcile));
            sections.put(2, md.toString());
        }
        if (start != null) {
            StringBuilder md = new StringBuilder();
            goals.add(start(md, start));
            sections.put(3, md.toString());
        }
        if (roundTrips != null) {
            StringBuilder md = new StringBuilder();
            goals.addAll(roundTrips(md, settings, roundTrips));
            sections.put(5, md.toString());
        }

        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("```\n").append(Benchmark.COMMAND).append("\n```\n\n");
        md.append("## Goals\n\n").append(goalsTable(existing, goals, load(machine))).append("\n");
        md.append("This one command packages the function, runs the benchmark against the packaged jar and rewrites this ")
                .append("file with the figures of that run (about ").append(Math.max(1, Math.round(machine.minutes())))
                .append(" min on the machine below, after the build). It needs a JDK 17+ and, for the comparison, ")
                .append("`kubectl` on the PATH. The test suite (`./mvnw verify`) neither compiles nor runs it. The code is in ")
                .append("`src/bench/java/io/meshns/bench/`, a source root of its own that only the `bench` profile compiles ")
                .append("(beside the test helpers it uses: `src/test/java/io/meshns/testing/`, `src/mock/java/`); ")
                .append("`-Dbench.clusters=1,10`, `-Dbench.latency-ms=150`, ")
                .append("`-Dbench.namespaces=1000`, `-Dbench.reconcile-clusters=20`, `-Dbench.drift-percent=5`, ")
                .append("`-Dbench.calls=1000`, `-Dbench.cp-latency-ms=50`, `-Dbench.cp-clusters=1,20`, ")
                .append("`-Dbench.only=round-trips` (that part alone; also `fan-out`, `look`, `thousand`, `large`, `migrate`, ")
                .append("`revisions`, `start`, `image`), `-Dbench.starts=5`, `-Dbench.start-options=…` (section 3), ")
                .append("`-Dbench.baseline-jar=JAR` or `label=JAR,…` (earlier jars beside this one, for the ")
                .append("parts that compare: `fan-out`, `round-trips`, `look`, `thousand`, `large`) and ")
                .append("`-Dbench.output=FILE` change what it does. A part run alone replaces its own section and goals ")
                .append("and keeps the rest. How the figures were reached: ")
                .append("[benchmark history](docs/benchmark-history.md).\n\n");

        md.append("## Machine\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| date | ").append(machine.date()).append(" |\n");
        md.append("| cores | ").append(machine.cores()).append(" (").append(machine.cpu()).append(") |\n");
        md.append("| memory | ").append(machine.memory()).append(" |\n");
        md.append("| JDK | ").append(machine.jdk()).append(" (the function runs on it with default JVM flags) |\n");
        md.append("| OS | ").append(machine.os()).append(" |\n");
        md.append("| kubectl | ").append(kubectl.orElse("not installed")).append(" |\n");
        md.append("| load average (1, 5, 15 min) | ").append(machine.loadBefore()).append(" before, ")
                .append(machine.loadAfter()).append(" after |\n\n");

        sections.values().forEach(section -> md.append(section.strip()).append("\n\n"));
        method(md, settings);
        return md.toString();
    }

    /**
     * {@code report} with its numbered section {@code number} replaced by {@code section}, or, when it
     * has none, with {@code section} added before the next higher-numbered one (or before how it is
     * measured).
     */
    static String withSection(String report, int number, String section) {
        Map<Integer, String> sections = numberedSections(report);
        String text = section.strip() + "\n\n";
        if (sections.containsKey(number)) {
            int at = report.indexOf(sections.get(number));
            return report.substring(0, at) + text + report.substring(at + sections.get(number).length());
        }
        Integer next = sections.keySet().stream().filter(n -> n > number).findFirst().orElse(null);
        int at = next != null ? report.indexOf(sections.get(next)) : report.indexOf(METHOD);
        return at < 0 ? report + "\n" + text : report.substring(0, at) + text + report.substring(at);
    }

    /**
     * {@code report} with the rows of {@code measured} written afresh in its goals table, measured at
     * {@code load} (the machine's load average), the other rows kept.
     */
    static String withGoals(String report, List<Goal> measured, String load) {
        int start = report.indexOf(GOALS_START);
        int end = report.indexOf(GOALS_END);
        if (start < 0 || end < start) {
            return report;
        }
        return report.substring(0, start) + goalsTable(report, measured, load).strip()
                + report.substring(end + GOALS_END.length());
    }

    /** The goals table of {@code existing}, as it is. */
    static String goalsTable(String existing) {
        return goalsTable(existing, List.of(), NONE);
    }

    /**
     * The goals table: the rows of {@code existing}'s table in their order, each replaced by the goal
     * of {@code measured} with the same text, then the measured goals it did not have yet. A goal
     * measured now keeps the figure the table had as its figure before, and gets {@code load}.
     */
    static String goalsTable(String existing, List<Goal> measured, String load) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        int start = existing == null ? -1 : existing.indexOf(GOALS_START);
        int end = existing == null ? -1 : existing.indexOf(GOALS_END);
        if (start >= 0 && end > start) {
            existing.substring(start + GOALS_START.length(), end).lines()
                    .filter(line -> line.startsWith("| ") && !line.startsWith("| goal |"))
                    .map(Report::cells)
                    .forEach(cells -> rows.put(cells.get(0), cells));
        }
        for (Goal goal : measured) {
            List<String> was = rows.get(goal.goal());
            rows.put(goal.goal(), List.of(goal.goal(), was == null ? NONE : was.get(2), goal.figure(), goal.met(), load,
                    goal.command()));
        }
        StringBuilder table = new StringBuilder(GOALS_START).append("\n");
        table.append("| goal | figure before | figure after | met | load average (1 min) | measured by |\n")
                .append("|---|---|---|---|---|---|\n");
        rows.values().forEach(cells -> table.append("| ").append(String.join(" | ", cells)).append(" |\n"));
        return table.append(GOALS_END).append("\n").toString();
    }

    /** "1.65 before, 2.19 after": the machine's 1-minute load average around a run. */
    static String load(Benchmark.Machine machine) {
        return firstWord(machine.loadBefore()) + " before, " + firstWord(machine.loadAfter()) + " after";
    }

    private static String firstWord(String text) {
        return text == null || text.isBlank() ? NONE : text.strip().split("\\s+")[0];
    }

    /**
     * A row's cells: goal, figure before, figure after, met, load, command. A row of four cells (goal,
     * figure, met, command) has no figure before and no load.
     */
    private static List<String> cells(String row) {
        List<String> cells = List.of(row.substring(2, row.length() - (row.endsWith(" |") ? 2 : 0)).split(" \\| ", -1));
        return cells.size() == 4 ? List.of(cells.get(0), NONE, cells.get(1), cells.get(2), NONE, cells.get(3)) : cells;
    }

    /**
     * The sections of {@code existing} whose heading starts with a number ("## 6. A thousand
     * clusters"), by that number, each with the look-before-change marker that may open it.
     */
    static Map<Integer, String> numberedSections(String existing) {
        Map<Integer, String> sections = new TreeMap<>();
        if (existing == null || existing.isEmpty()) {
            return sections;
        }
        List<String> lines = existing.lines().toList();
        Integer number = null;
        StringBuilder section = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean marker = line.equals(LookBenchmark.START) && i + 1 < lines.size() && lines.get(i + 1).startsWith("## ");
            boolean heading = line.startsWith("## ") && !(i > 0 && lines.get(i - 1).equals(LookBenchmark.START));
            if (marker || heading) {
                if (number != null) {
                    sections.put(number, section.toString());
                }
                String title = marker ? lines.get(i + 1) : line;
                number = sectionNumber(title);
                section = new StringBuilder();
            }
            if (number != null) {
                section.append(line).append("\n");
            }
        }
        if (number != null) {
            sections.put(number, section.toString());
        }
        return sections;
    }

    /** 6 for "## 6. A thousand clusters"; null for a heading without a number. */
    private static Integer sectionNumber(String heading) {
        String title = heading.substring(3).strip();
        int dot = title.indexOf(". ");
        if (dot <= 0) {
            return null;
        }
        try {
            return Integer.valueOf(title.substring(0, dot));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Goal fanOut(StringBuilder md, Benchmark.Settings settings, List<Benchmark.FanOutRow> rows,
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
        double lastMedian = Stats.median(last.meshnsMillis());
        String figure = fixed(ratio, 2) + " at " + last.clusters() + " clusters (" + ms(lastMedian) + " against "
                + ms(baseMedian) + " ms, " + latency + " ms per answer)" + (last.kubectlMillis().isEmpty() ? ""
                        : "; " + fixed(Stats.median(last.kubectlMillis()) / lastMedian, 1) + "× faster than a kubectl loop");
        return new Goal("Fan-out: `enableInjection` over the most clusters ≤ 1.2 × over one", figure,
                ratio <= 1.2 ? "met" : "not met", FULL_RUN + " ([1](#1-fan-out-enableinjection-across-n-clusters-against-kubectl))");
    }

    private static Goal reconcile(StringBuilder md, Benchmark.Settings settings, Benchmark.ReconcileResult r) {
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
        return new Goal("Reconcile after drift: at most 1 LIST per cluster plus 1 PATCH per drifted namespace",
                range(r.perCluster(), Benchmark.ServerCount::list) + " LIST and " + range(r.perCluster(), Benchmark.ServerCount::patch)
                        + " PATCH per cluster, " + r.driftedPerCluster() + " drifted there (" + r.namespaces() + " namespaces × "
                        + r.clusters() + " clusters)",
                met ? "met" : "not met", FULL_RUN + " ([2](#2-reconcile-at-scale))");
    }

    private static Goal start(StringBuilder md, Benchmark.StartResult s) {
        md.append("## 3. Start and memory (JVM, `java -jar target/quarkus-app/quarkus-run.jar`)\n\n");
        md.append("Process start to the first answered call (`POST /listNamespaces`), the JVM launched from ")
                .append("`target/quarkus-app` as the container launches it from `/deployments`:\n\n");
        md.append("| JDK | options | median of ").append(s.startMillis().size())
                .append(" | each start | CPU to the first answer, median |\n");
        md.append("|---|---|---:|---|---:|\n");
        for (Benchmark.StartJvm jvm : s.jvms()) {
            md.append("| ").append(jvm.jdk()).append(" | ")
                    .append(jvm.options().isEmpty() ? "none" : "`" + String.join(" ", jvm.options()) + "`").append(" | ")
                    .append(ms(Stats.median(jvm.startMillis()))).append(" ms | ").append(joinMs(jvm.startMillis()))
                    .append(" ms | ").append(ms(Stats.median(jvm.cpuMillis()))).append(" ms |\n");
        }
        md.append("\nThe starts take turns, one of each a round. CPU is the function process' user and system time: ")
                .append("on a loaded machine it is steadier than the wall time.\n");
        md.append("\n| with the last of these | |\n|---|---|\n");
        md.append("| RSS at the first answer | ").append(mb(s.rssReadyKb())).append(" |\n");
        md.append("| RSS after ").append(s.calls()).append(" calls | ").append(mb(s.rssAfterKb())).append(" (peak ")
                .append(mb(s.peakKb())).append(") |\n");
        md.append("| those calls, one at a time | ").append(fixed(s.callsSeconds(), 1)).append(" s, median ")
                .append(fixed(Stats.median(s.callMillis()), 1)).append(" ms per call |\n\n");
        md.append("The calls: 10 registerCluster, then enableInjection, getNamespace, disableInjection, listNamespaces and ")
                .append("listClusters in turn, over 10 clusters that answer at once. `-Dbench.start-options` sets the ")
                .append("options compared, sets separated by `;`, a word `java=PATH` naming another JDK's java; by default ")
                .append("none, then the package's `app-cds.jsa`. A set with `-XX:AOTCache=FILE` (JDK 25) gets its cache from a ")
                .append("training run of the same set first (`AotCacheTraining`, as `./mvnw package -Daot.java=…` makes ")
                .append("`app.aot`). `-Dbench.only=start` runs this part alone.\n\n");
        double median = Stats.median(s.startMillis());
        Benchmark.StartJvm last = s.jvms().get(s.jvms().size() - 1);
        StringBuilder others = new StringBuilder();
        for (Benchmark.StartJvm jvm : s.jvms().subList(0, s.jvms().size() - 1)) {
            others.append(others.length() == 0 ? "; the other sets: " : ", ").append(ms(Stats.median(jvm.startMillis())))
                    .append(" ms (").append(jvm.jdk()).append(jvm.options().isEmpty() ? "" : ", `" + String.join(" ", jvm.options()) + "`")
                    .append(")");
        }
        return new Goal(START_GOAL, ms(median) + " ms, " + mb(s.rssReadyKb()) + " resident (" + last.jdk()
                + (last.options().isEmpty() ? "" : ", `" + String.join(" ", last.options()) + "`") + ")" + others,
                median <= 1000 ? "met" : "not met",
                "`./mvnw -B -Pbench verify -Dbench.only=start"
                        + ("auto".equals(System.getProperty("bench.start-options", "auto")) ? "" : " -Dbench.start-options=…")
                        + "` ([3](#3-start-and-memory-jvm-java--jar-targetquarkus-appquarkus-runjar), the sets in its table)");
    }

    private static List<Goal> roundTrips(StringBuilder md, Benchmark.Settings settings, RoundTrips.Result r) {
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
        String command = (cp == 50 && dp == 150 ? FULL_RUN + " or " + ROUND_TRIPS_RUN : ROUND_TRIPS_RUN)
                + " ([5](#5-a-remote-control-plane-round-trips))";
        RoundTrips.Row most = r.rows().get(r.rows().size() - 1);
        StringBuilder times = new StringBuilder();
        r.rows().forEach(row -> times.append(times.length() == 0 ? "" : ", ").append(ms(Stats.median(row.millis())))
                .append(" ms with ").append(row.clusters()).append(row.clusters() == 1 ? " cluster" : " clusters"));
        boolean quietFast = Stats.median(q.quietMillis()) < 1000;
        return List.of(
                new Goal("Round trips: at most 4 control-plane requests per change, its Event aside",
                        most.ofTheCall() + " (" + kinds(most.requests()) + ")", few ? "met" : "not met", command),
                new Goal("`enableInjection` ≤ 500 ms, control plane 50 ms and clusters 150 ms away", times.toString(),
                        cp == 50 && dp == 150 ? (fast ? "met" : "not met") : "not measured at those latencies", command),
                new Goal("Quiet `reconcile` under 1 s, control plane 50 ms away",
                        ms(Stats.median(q.quietMillis())) + " ms (" + q.namespaces() + " namespaces × " + q.clusters()
                                + " clusters), " + kinds(q.quietRequests()),
                        cp == 50 ? (quietFast ? "met" : "not met") : "not measured at 50 ms", command));
    }

    private static String kinds(java.util.Map<String, Integer> requests) {
        StringBuilder text = new StringBuilder();
        requests.forEach((kind, n) -> text.append(text.length() == 0 ? "" : ", ").append(n).append(" ").append(kind));
        return text.toString();
    }

    private static void method(StringBuilder md, Benchmark.Settings settings) {
        md.append(METHOD).append("\n\n");
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
        md.append("- RSS and peak are `VmRSS` and `VmHWM` from `/proc/PID/status`. Sections 1–5 run the JVM with its ")
                .append("default heap limits (at most a quarter of the memory), so RSS shows what it chose to keep, not what ")
                .append("it needs; section 6 also runs it as `function.yaml`'s 512 MiB container does ")
                .append("(`-XX:MaxRAM=512m` and the file's `JAVA_TOOL_OPTIONS`).\n");
        md.append("- CPU per call (section 6) is the function process' user and system time (`/proc`, through ")
                .append("`ProcessHandle`) and the benchmark JVM's own (`OperatingSystemMXBean.getProcessCpuTime`), each read ")
                .append("before and after each measured call.\n");
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
