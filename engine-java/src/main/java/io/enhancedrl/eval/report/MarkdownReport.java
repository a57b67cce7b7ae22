package io.enhancedrl.eval.report;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.enhancedrl.eval.ExperimentResult;
import io.enhancedrl.eval.MethodResult;
import io.enhancedrl.eval.OnlineMetrics;
import io.enhancedrl.eval.RoundStats;

import static io.enhancedrl.eval.report.ReportFormat.NA;
import static io.enhancedrl.eval.report.ReportFormat.cell;

/**
 * report.md: a reader's view of an {@link ExperimentResult}. Sections: how it was run (command, machine,
 * date, settings table), the main comparison (one row per method, every online metric as mean ± 95% CI
 * plus offline MTF-GAUC, the sentence saying which methods are clearly apart on valid consumption, the
 * comparison chart), learning curves (chart and a per-round table per method), each ablation likewise,
 * and the notes. Charts are embedded by relative links to the PNGs beside the file.
 */
final class MarkdownReport {

    /** What charts exist beside report.md; the Markdown links only to these. */
    record Charts(Set<String> written, Map<String, String> ablationFiles, String problem) {
        boolean has(String file) {
            return file != null && written.contains(file);
        }
    }

    private final StringBuilder md = new StringBuilder();

    private MarkdownReport() {
    }

    static String render(ExperimentResult r, Charts charts) {
        MarkdownReport w = new MarkdownReport();
        w.write(r, charts);
        return w.md.toString();
    }

    private void write(ExperimentResult r, Charts charts) {
        line("# " + oneLine(r.title()));
        line("");
        howItWasRun(r);
        line("## Main comparison");
        line("");
        comparison(r.methods(), charts, ChartFiles.COMPARISON, "comparison");
        if (charts.problem() != null) {
            line("Charts could not be drawn on this machine (" + oneLine(charts.problem())
                    + "); the tables above and below carry every number.");
            line("");
        }
        line("## Learning curves");
        line("");
        learningCurves(r.methods(), charts.has(ChartFiles.LEARNING_CURVES));
        Map<String, List<MethodResult>> ablations = r.ablations() == null ? Map.of() : r.ablations();
        for (var e : ablations.entrySet()) {
            line("## Ablation: " + oneLine(e.getKey()));
            line("");
            String file = charts.ablationFiles().get(e.getKey());
            comparison(e.getValue(), charts, file, "ablation " + oneLine(e.getKey()));
            if (e.getValue().stream().anyMatch(m -> m.rounds() != null && !m.rounds().isEmpty())) {
                line("### Learning curves (" + oneLine(e.getKey()) + ")");
                line("");
                learningCurves(e.getValue(), false);
            }
        }
        line("## Notes");
        line("");
        List<String> notes = r.notes() == null ? List.of() : r.notes();
        if (notes.isEmpty()) {
            line("- (none)");
        }
        for (String n : notes) {
            line("- " + oneLine(n));
        }
    }

    private void howItWasRun(ExperimentResult r) {
        line("## How it was run");
        line("");
        line("- Command: `" + oneLine(r.command()).replace("`", "'") + "`");
        line("- Machine: " + oneLine(r.machine()));
        line("- Date: " + oneLine(r.date()));
        line("");
        Map<String, String> settings = r.settings() == null ? Map.of() : r.settings();
        if (!settings.isEmpty()) {
            line("| setting | value |");
            line("|---|---|");
            for (var e : settings.entrySet()) {
                line("| " + cell(e.getKey()) + " | " + cell(e.getValue()) + " |");
            }
            line("");
        }
    }

    /** The table of methods x metrics, the CI sentence and the chart link. */
    private void comparison(List<MethodResult> methods, Charts charts, String chartFile, String alt) {
        if (methods == null || methods.isEmpty()) {
            line("No methods were run.");
            line("");
            return;
        }
        line("Online metrics in the simulator: mean ± 95% CI half-width (Student t) over "
                + seedCounts(methods) + ". Offline MTF-GAUC on held-out logged data.");
        line("");
        StringBuilder head = new StringBuilder("| method |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String metric : OnlineMetrics.ALL) {
            head.append(' ').append(cell(metric)).append(" |");
            rule.append("---:|");
        }
        head.append(" offline MTF-GAUC |");
        rule.append("---:|");
        line(head.toString());
        line(rule.toString());
        for (MethodResult m : methods) {
            StringBuilder row = new StringBuilder("| ").append(cell(m.method())).append(" |");
            for (String metric : OnlineMetrics.ALL) {
                row.append(' ').append(ReportFormat.meanCi(m.online() == null ? null : m.online().get(metric)))
                        .append(" |");
            }
            row.append(' ').append(ReportFormat.fixed(m.offlineGauc(), 4)).append(" |");
            line(row.toString());
        }
        line("");
        line(CiComparison.sentence(methods, OnlineMetrics.VALID_CONSUMPTION));
        line("");
        if (charts.has(chartFile)) {
            line("![" + alt + "](" + chartFile + ")");
            line("");
        }
    }

    private void learningCurves(List<MethodResult> methods, boolean chart) {
        if (chart) {
            line("![learning curves](" + ChartFiles.LEARNING_CURVES + ")");
            line("");
        }
        boolean any = false;
        for (MethodResult m : methods) {
            if (m.rounds() == null || m.rounds().isEmpty()) {
                continue;
            }
            any = true;
            line("#### " + oneLine(m.method()));
            line("");
            line("| round | " + cell(OnlineMetrics.VALID_CONSUMPTION) + " | critic TD error | actor loss | logged steps |");
            line("|---:|---:|---:|---:|---:|");
            for (RoundStats rs : m.rounds()) {
                line("| " + rs.round() + " | " + ReportFormat.meanCi(rs.validConsumption(), rs.validConsumptionCi())
                        + " | " + ReportFormat.fixed(rs.criticTdError(), 4) + " | "
                        + ReportFormat.fixed(rs.actorLoss(), 4) + " | " + rs.loggedSteps() + " |");
            }
            line("");
        }
        if (!any) {
            line("No method has training rounds.");
            line("");
        }
    }

    /** "5 seeds", or "3-5 seeds (per method: ...)" when the methods differ. */
    private static String seedCounts(List<MethodResult> methods) {
        Set<Integer> counts = new TreeSet<>();
        StringBuilder per = new StringBuilder();
        for (MethodResult m : methods) {
            var s = m.online() == null ? null : m.online().get(OnlineMetrics.VALID_CONSUMPTION);
            int n = s == null || s.values() == null ? 0 : s.values().length;
            counts.add(n);
            per.append(per.isEmpty() ? "" : ", ").append(m.method()).append(' ').append(n);
        }
        if (counts.size() == 1) {
            int n = counts.iterator().next();
            return n + (n == 1 ? " seed (no interval from one seed)" : " seeds");
        }
        return "different seed counts (" + per + ")";
    }

    private static String oneLine(String s) {
        return s == null ? NA : s.replace("\r", " ").replace("\n", " ");
    }

    private void line(String s) {
        md.append(s).append('\n');
    }
}
