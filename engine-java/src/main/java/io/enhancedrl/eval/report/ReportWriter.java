package io.enhancedrl.eval.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.enhancedrl.eval.ExperimentResult;
import io.enhancedrl.eval.MethodResult;

/**
 * Writes an experiment's report folder:
 * <ul>
 *   <li>{@code report.md}: how it was run, the comparison table (mean ± 95% CI of every online metric
 *       plus offline MTF-GAUC), which methods are clearly apart on valid consumption, learning-curve
 *       tables, ablations, notes, with the charts embedded by relative links;</li>
 *   <li>{@code report.json}: the whole result ({@link ReportJson}; NaN written as the string "NaN");</li>
 *   <li>{@code comparison.png}, {@code learning-curves.png}, {@code ablation-<slug>.png}: XChart PNGs,
 *       drawn headless.</li>
 * </ul>
 * Every file is written to a temporary file in the folder and moved over the old one, so a reader (or a
 * crash) never sees half a report file; report.md goes last, so when it is there the charts it links are
 * too. Rewriting over an earlier report removes that report's chart files that this one does not produce
 * (only names this writer uses: learning-curves.png, comparison.png, ablation-*.png).
 *
 * <p>Charts are secondary: if they cannot be drawn (e.g. a runtime without java.desktop, or a machine
 * without fonts), report.md and report.json are still written, report.md says why the charts are missing,
 * and {@link WrittenReport#chartProblem()} carries the reason.
 */
public final class ReportWriter {
    public static final String MARKDOWN = "report.md";
    public static final String JSON = "report.json";

    private static final System.Logger LOG = System.getLogger(ReportWriter.class.getName());

    /** Draws the charts: file name -> PNG bytes. Replaceable in tests to exercise the no-charts path. */
    @FunctionalInterface
    interface ChartRenderer {
        Map<String, byte[]> render(ExperimentResult result, Map<String, String> ablationFiles) throws IOException;
    }

    private ReportWriter() {
    }

    /**
     * Writes (or rewrites) the report for {@code result} into {@code dir}, creating the folder if needed.
     *
     * @throws IllegalArgumentException when the result has no methods, a method without a name, or two
     *                                  methods of the same name in one comparison, or dir is a file
     */
    public static WrittenReport write(Path dir, ExperimentResult result) throws IOException {
        return write(dir, result, ReportCharts::renderAll);
    }

    static WrittenReport write(Path dir, ExperimentResult result, ChartRenderer renderer) throws IOException {
        validate(dir, result);
        Files.createDirectories(dir);
        Map<String, List<MethodResult>> ablations = result.ablations() == null ? Map.of() : result.ablations();
        Map<String, String> ablationFiles = ChartFiles.forAblations(ablations.keySet());

        Map<String, byte[]> pngs;
        String problem = null;
        try {
            pngs = renderer.render(result, ablationFiles);
        } catch (RuntimeException | Error e) {
            // AWT failures surface as errors: NoClassDefFoundError without java.desktop, InternalError or
            // AWTError when fontconfig finds no fonts. Those cost the charts, not the report. Genuine VM
            // trouble (out of memory, stack overflow) is not ours to swallow.
            if (e instanceof VirtualMachineError && !(e instanceof InternalError)) {
                throw e;
            }
            problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            LOG.log(System.Logger.Level.WARNING, "report charts not drawn in " + dir + ": " + problem
                    + " (report.md and report.json are still written)");
            LOG.log(System.Logger.Level.DEBUG, "report chart failure", e);
            pngs = Map.of();
        }

        List<Path> charts = new ArrayList<>();
        for (var e : pngs.entrySet()) {
            Path p = dir.resolve(e.getKey());
            writeAtomically(p, e.getValue());
            charts.add(p);
        }
        removeStaleCharts(dir, pngs.keySet());

        Path json = dir.resolve(JSON);
        writeAtomically(json, ReportJson.toBytes(result));
        Path md = dir.resolve(MARKDOWN);
        String text = MarkdownReport.render(result,
                new MarkdownReport.Charts(pngs.keySet(), ablationFiles, problem));
        writeAtomically(md, text.getBytes(StandardCharsets.UTF_8));
        return new WrittenReport(dir, md, json, List.copyOf(charts), problem);
    }

    private static void validate(Path dir, ExperimentResult result) {
        if (dir == null) {
            throw new IllegalArgumentException("dir: expected a folder path but was null");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("dir: expected a folder but " + dir + " is a file");
        }
        if (result == null) {
            throw new IllegalArgumentException("result: expected an experiment result but was null");
        }
        if (result.methods() == null || result.methods().isEmpty()) {
            throw new IllegalArgumentException("result.methods: expected at least one method but was "
                    + (result.methods() == null ? "null" : "empty"));
        }
        checkNames("result.methods", result.methods());
        if (result.ablations() != null) {
            for (var e : result.ablations().entrySet()) {
                String where = "result.ablations['" + e.getKey() + "']";
                if (e.getValue() == null) {
                    throw new IllegalArgumentException(where + ": expected a list of methods but was null");
                }
                checkNames(where, e.getValue());
            }
        }
    }

    /** Method names label table rows, chart bars and colours: they must be present and distinct. */
    private static void checkNames(String where, List<MethodResult> methods) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < methods.size(); i++) {
            MethodResult m = methods.get(i);
            if (m == null || m.method() == null || m.method().isBlank()) {
                throw new IllegalArgumentException(where + "[" + i + "]: expected a method with a name but was "
                        + (m == null ? "null" : "'" + m.method() + "'"));
            }
            if (!seen.add(m.method())) {
                throw new IllegalArgumentException(where + ": expected distinct method names but '" + m.method()
                        + "' appears twice");
            }
        }
    }

    /** Temp file in the same folder (same file system), then a rename over the target. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            Files.write(tmp, bytes);
            // Temp files are created owner-only; a report is meant to be read by others too. Keep the old
            // file's permissions when replacing one, else rw-r--r--.
            if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(tmp, Files.exists(target)
                        ? Files.getPosixFilePermissions(target) : PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void removeStaleCharts(Path dir, Set<String> keep) throws IOException {
        Map<String, Path> stale = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile).forEach(p -> {
                String name = p.getFileName().toString();
                if (ChartFiles.OURS.matcher(name).matches() && !keep.contains(name)) {
                    stale.put(name, p);
                }
            });
        }
        for (Path p : stale.values()) {
            Files.deleteIfExists(p);
        }
    }
}
