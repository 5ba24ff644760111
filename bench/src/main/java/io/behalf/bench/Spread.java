package io.behalf.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One figure over its repetitions: the median is what the table reports, min/max and CV show how stable it is. */
public record Spread(List<Double> values) {

    public static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no repetitions measured");
        }
        return new Spread(List.copyOf(values));
    }

    public double median() {
        return Samples.percentile(sorted(), 50);
    }

    public double min() {
        return sorted().get(0);
    }

    public double max() {
        List<Double> s = sorted();
        return s.get(s.size() - 1);
    }

    /** Coefficient of variation in percent: standard deviation over mean. */
    public double cv() {
        double mean = values.stream().mapToDouble(d -> d).average().orElse(0);
        double var = values.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / Math.max(1, values.size() - 1);
        return mean == 0 ? 0 : 100 * Math.sqrt(var) / mean;
    }

    private List<Double> sorted() {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return s;
    }

    /** "median (min–max, CV x%)", the way every table cell shows a repeated figure. */
    public String describe(String format) {
        if (values.size() == 1) {
            return show(format, median());
        }
        if (max() >= NEVER) {
            return show(format, median()) + " (" + show(format, min()) + "–" + show(format, max()) + ")";
        }
        return String.format("%s (%s–%s, CV %.1f%%)", show(format, median()), show(format, min()), show(format, max()), cv());
    }

    /** Latencies of events whose outcome never came are this large; they print as such, not as a number. */
    public static final double NEVER = 1e12;

    private static String show(String format, double value) {
        return value >= NEVER ? "never" : String.format(format, value);
    }
}
