package io.behalf.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * What a run found, as {@code results.md} (a targets summary, then one table per benchmark), PNG charts and
 * {@code results.csv} with every repetition's raw value. Nothing here is computed: benchmarks hand in figures.
 */
public final class Report {

    private record Target(String figure, String measured, String target, boolean met) {
    }

    private record Section(String title, String note, List<String> headers, List<List<String>> rows, List<String> charts) {
    }

    private final List<String> header = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();
    private final List<String> csv = new ArrayList<>(List.of("benchmark,figure,repetition,value,unit"));
    private final Path dir;

    public Report(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void about(String line) {
        header.add(line);
    }

    public void target(String figure, String measured, String target, boolean met) {
        targets.add(new Target(figure, measured, target, met));
    }

    public void raw(String benchmark, String figure, List<Double> values, String unit) {
        for (int i = 0; i < values.size(); i++) {
            csv.add(String.join(",", benchmark, figure, String.valueOf(i + 1), String.format("%.4f", values.get(i)), unit));
        }
    }

    /** Adds a table; returns its chart list so a benchmark can attach charts to it. */
    public List<String> section(String title, String note, List<String> headers, List<List<String>> rows) {
        Section s = new Section(title, note, headers, rows, new ArrayList<>());
        sections.add(s);
        return s.charts;
    }

    public void chart(List<String> charts, Chart<?, ?> chart, String name) {
        try {
            BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
            charts.add(name + ".png");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write() {
        StringBuilder md = new StringBuilder();
        header.forEach(l -> md.append(l).append("\n"));
        md.append("\n| target | measured | goal | met |\n|---|---|---|---|\n");
        for (Target t : targets) {
            md.append("| ").append(t.figure).append(" | ").append(t.measured).append(" | ").append(t.target)
                    .append(" | ").append(t.met ? "yes" : "**no**").append(" |\n");
        }
        for (Section s : sections) {
            md.append("\n### ").append(s.title).append("\n\n");
            if (s.note != null && !s.note.isBlank()) {
                md.append(s.note).append("\n\n");
            }
            md.append("| ").append(String.join(" | ", s.headers)).append(" |\n|");
            s.headers.forEach(h -> md.append("---|"));
            md.append("\n");
            for (List<String> row : s.rows) {
                md.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
            for (String chart : s.charts) {
                md.append("\n![").append(chart).append("](").append(chart).append(")\n");
            }
        }
        try {
            Files.writeString(dir.resolve("results.md"), md.toString());
            Files.write(dir.resolve("results.csv"), csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
