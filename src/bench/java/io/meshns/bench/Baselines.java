package io.meshns.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The packaged jar beside baseline jars (-Dbench.baseline-jar) for the fan-out and round-trips
 * parts: each jar measured on the same servers' set-up, one after the other, with the same settings.
 */
final class Baselines {

    private Baselines() {
    }

    /** Section 1's comparison: enableInjection's median at each cluster count, per jar. */
    static String fanOut(List<Benchmark.FanOutRow> current, Map<String, List<Benchmark.FanOutRow>> baselines) {
        StringBuilder md = new StringBuilder("The same calls, the packaged jar beside ")
                .append(String.join(", ", baselines.keySet().stream().map(label -> "`" + label + "`").toList()))
                .append(" (each jar in its own run of this part, one after the other; kubectl only with the packaged jar):\n\n");
        md.append("| clusters | this jar, median ms (min–max) |");
        baselines.keySet().forEach(label -> md.append(" ").append(label).append(", median ms (min–max) | ratio |"));
        md.append("\n|---:|---:|");
        baselines.keySet().forEach(label -> md.append("---:|---:|"));
        md.append("\n");
        for (int i = 0; i < current.size(); i++) {
            Benchmark.FanOutRow row = current.get(i);
            double now = Stats.median(row.meshnsMillis());
            md.append("| ").append(row.clusters()).append(" | ").append(cell(row.meshnsMillis())).append(" |");
            for (List<Benchmark.FanOutRow> rows : baselines.values()) {
                List<Double> then = rows.get(i).meshnsMillis();
                md.append(" ").append(cell(then)).append(" | ").append(fixed(now / Stats.median(then))).append(" |");
            }
            md.append("\n");
        }
        return md.append("\nRatio: this jar's median over the baseline's (below 1: this jar is faster).\n").toString();
    }

    /** Section 5's comparison: enableInjection, its control-plane requests and the quiet reconcile, per jar. */
    static String roundTrips(RoundTrips.Result current, Map<String, RoundTrips.Result> baselines) {
        StringBuilder md = new StringBuilder("The same, the packaged jar beside ")
                .append(String.join(", ", baselines.keySet().stream().map(label -> "`" + label + "`").toList()))
                .append(" (each jar in its own run of this part, one after the other):\n\n");
        md.append("| jar | control-plane requests per enableInjection |");
        current.rows().forEach(row -> md.append(" enableInjection, ").append(row.clusters())
                .append(row.clusters() == 1 ? " cluster" : " clusters").append(", median ms (min–max) |"));
        md.append(" quiet reconcile, median ms (min–max); first | describeMesh, median ms |\n|---|---:|");
        current.rows().forEach(row -> md.append("---:|"));
        md.append("---|---:|\n");
        row(md, "this jar", current);
        baselines.forEach((label, result) -> row(md, label, result));
        return md.toString();
    }

    private static void row(StringBuilder md, String label, RoundTrips.Result r) {
        md.append("| ").append(label).append(" | ").append(r.rows().get(r.rows().size() - 1).ofTheCall()).append(" |");
        r.rows().forEach(row -> md.append(" ").append(cell(row.millis())).append(" |"));
        md.append(" ").append(cell(r.quiet().quietMillis())).append("; ").append(String.format(Locale.ROOT, "%,.0f",
                r.quiet().firstMillis())).append(" | ").append(String.format(Locale.ROOT, "%,.0f", Stats.median(r.quiet()
                        .describeMillis()))).append(" |\n");
    }

    private static String cell(List<Double> millis) {
        return String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)", Stats.median(millis), Stats.min(millis), Stats.max(millis));
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
