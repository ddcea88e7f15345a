package io.meshns.bench;

import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Medians and ranges of measured times. */
final class Stats {

    private Stats() {
    }

    /** The median; of an even count, the mean of the middle two. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    static double min(List<Double> values) {
        return Collections.min(values);
    }

    static double max(List<Double> values) {
        return Collections.max(values);
    }

    /** "least–most", in whole milliseconds ("0–0" for none). */
    static String range(List<Double> millis) {
        return String.format(Locale.ROOT, "%,.0f–%,.0f", millis.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                millis.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }
}
