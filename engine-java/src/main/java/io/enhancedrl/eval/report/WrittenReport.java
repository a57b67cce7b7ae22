package io.enhancedrl.eval.report;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ReportWriter#write} produced: the report folder, report.md, report.json, the charts in
 * report order, and why charts are missing (null when all were drawn), so the CLI can print the paths.
 */
public record WrittenReport(Path dir, Path markdown, Path json, List<Path> charts, String chartProblem) {
}
