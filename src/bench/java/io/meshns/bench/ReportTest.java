package io.meshns.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** A benchmark run rewrites BENCHMARKS.md in its own shape, keeping the goals and parts it did not measure. */
class ReportTest {

    private static final Benchmark.Machine MACHINE = new Benchmark.Machine("2026-01-01 00:00 UTC", 2, "cpu", "1.0 GB",
            "JDK", "OS", "abc1234", "1 1 1", "1 1 1", 3);

    private static String benchmarks() throws Exception {
        return Files.readString(Path.of("BENCHMARKS.md"));
    }

    private static String row(String table, String start) {
        return table.lines().filter(line -> line.startsWith(start)).findFirst().orElseThrow(() -> new AssertionError(start + "\n" + table));
    }

    /** A row's cell, counted from 0 (the goal). */
    private static String cell(String row, int index) {
        return row.substring(2, row.length() - 2).split(" \\| ", -1)[index];
    }

    @Test
    void aRunThatMeasuresNothingKeepsEveryGoalAndSection() throws Exception {
        String existing = benchmarks();
        String report = Report.markdown(Benchmark.Settings.fromSystemProperties(), MACHINE, Optional.empty(), null, null,
                null, null, existing);

        assertEquals(Report.goalsTable(existing), Report.goalsTable(report));
        assertEquals(Report.numberedSections(existing), Report.numberedSections(report));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), List.copyOf(Report.numberedSections(report).keySet()));
        assertTrue(report.indexOf("## Goals") < report.indexOf("## Machine"), "the goals open the file");
        assertTrue(report.stripTrailing().endsWith(existing.substring(existing.indexOf(Report.METHOD)).stripTrailing()),
                "how it is measured is written as the file has it");
        assertTrue(!report.contains("abc1234"), "no commit hash in the file");
    }

    @Test
    void aPartRunAloneReplacesItsOwnGoalsAndSectionAndKeepsTheRest() throws Exception {
        String existing = benchmarks();
        RoundTrips.Row one = new RoundTrips.Row(1, List.of(610.0, 620.0, 630.0),
                Map.of("LIST", 1, "PATCH", 1, "PUT", 2, "EVENT", 1));
        RoundTrips.Quiet quiet = new RoundTrips.Quiet(1000, 20, 3000, Map.of("LIST", 3, "PUT", 1000), List.of(1500.0),
                Map.of("LIST", 3), List.of(200.0), Map.of("LIST", 3), List.of(150.0));
        RoundTrips.Result result = new RoundTrips.Result(Duration.ofMillis(50), Duration.ofMillis(150), List.of(one), quiet);

        String report = Report.markdown(Benchmark.Settings.fromSystemProperties(), MACHINE, Optional.empty(), null, null,
                null, result, existing);

        String goals = Report.goalsTable(report);
        String was = row(Report.goalsTable(existing), "| `enableInjection` ≤ 500 ms, control plane 50 ms and clusters 150 ms away |");
        assertEquals("| `enableInjection` ≤ 500 ms, control plane 50 ms and clusters 150 ms away | " + cell(was, 2)
                + " | 620 ms with 1 cluster | not met | 1 before, 1 after | " + cell(was, 5) + " |",
                row(goals, "| `enableInjection` ≤ 500 ms, control plane 50 ms and clusters 150 ms away |"),
                "the figure the table had moves to before; the load average of this run");
        String quietRow = row(goals, "| Quiet `reconcile` under 1 s, control plane 50 ms away |");
        assertTrue(cell(quietRow, 2).startsWith("1,500 ms"), quietRow);
        assertEquals(Report.goalsTable(existing).lines().count(), goals.lines().count(), "no row lost or added");
        Map<Integer, String> before = Report.numberedSections(existing);
        Map<Integer, String> after = Report.numberedSections(report);
        for (int kept : List.of(1, 2, 3, 4, 6, 7, 8, 9)) {
            assertEquals(before.get(kept), after.get(kept), "section " + kept);
        }
        assertTrue(after.get(5).contains("620"), after.get(5));
    }

    @Test
    void aNewPartRunAloneReplacesOnlyItsOwnSectionAndGoals() throws Exception {
        String existing = benchmarks();
        String section = "## 8. A fleet upgrade: migrateRevision\n\nmeasured again: 1,234 ms\n";
        Report.Goal goal = new Report.Goal(Report.goalsTable(existing).lines()
                .filter(line -> line.startsWith("| `migrateRevision` of 100")).findFirst().orElseThrow().split(" \\| ")[0].substring(2),
                "9.99 (1,234 against 124 ms)", "not met", "the command");

        String report = Report.withGoals(Report.withSection(existing, 8, section), List.of(goal), "0.5 before, 0.7 after");

        Map<Integer, String> before = Report.numberedSections(existing);
        Map<Integer, String> after = Report.numberedSections(report);
        assertEquals(before.keySet(), after.keySet());
        for (int kept : List.of(1, 2, 3, 4, 5, 6, 7, 9)) {
            assertEquals(before.get(kept), after.get(kept), "section " + kept);
        }
        assertTrue(after.get(8).contains("measured again: 1,234 ms"), after.get(8));
        String goals = Report.goalsTable(report);
        assertTrue(goals.contains(" | 9.99 (1,234 against 124 ms) | not met | 0.5 before, 0.7 after | the command |"), goals);
        assertEquals(Report.goalsTable(existing).lines().count(), goals.lines().count(), "no row lost or added");
        assertEquals(existing.substring(existing.indexOf(Report.METHOD)), report.substring(report.indexOf(Report.METHOD)));
    }
}
