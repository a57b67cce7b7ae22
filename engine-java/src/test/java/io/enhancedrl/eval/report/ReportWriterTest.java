package io.enhancedrl.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.enhancedrl.eval.ExperimentResult;
import io.enhancedrl.eval.MethodResult;
import io.enhancedrl.eval.OnlineMetrics;

/**
 * The report folder from a small hand-built result. Rendering is the slow part (about a second for the
 * first chart), so the main report is written once and shared by the read-only checks.
 */
class ReportWriterTest {

    @TempDir
    static Path shared;
    static WrittenReport written;
    static String md;

    @BeforeAll
    static void writeOnce() throws IOException {
        written = ReportWriter.write(shared.resolve("report"), ReportFixtures.small());
        md = Files.readString(written.markdown());
    }

    @Test
    void comparisonTableRowsHaveEveryMetricAsMeanPlusMinusCiAndGauc() {
        assertTrue(md.contains("| method | valid consumption / session | watch time (s) / session | depth (steps)"
                + " | interactions / session | discounted return | offline MTF-GAUC |"), md);
        // {10, 11, 12}: mean 11, half-width 4.303 * 1 / sqrt(3) = 2.484 -> two significant digits.
        assertTrue(md.contains("| UnifiedRL | 11.0 ± 2.5 | 300.0 ± 5.0 | 20.0 ± 1.2 | 2.10 ± 0.25 | 8.00 ± 0.25 | 0.7954 |"), md);
        assertTrue(md.contains("| EnhancedRL | 20.5 ± 1.2 | 310.0 ± 5.0 | 20.0 ± 1.2 | 2.10 ± 0.25 | 8.00 ± 0.25 | 0.8037 |"), md);
        // No MTF-GAUC (NaN) prints as n/a, not "NaN".
        assertTrue(md.contains("| Global fusion (CEM) | 10.0 ± 2.5 | 250.0 ± 5.0 |"), md);
        assertTrue(md.contains("| 8.00 ± 0.25 | n/a |"), md);
        assertTrue(md.contains("over 3 seeds"), md);
    }

    @Test
    void ciSentenceNamesTheNonOverlappingPairsAndSaysWhenAllOverlap() {
        // Main: EnhancedRL [19.3, 21.7] is above UnifiedRL [8.5, 13.5] and Global [7.5, 12.5]; those two overlap.
        assertTrue(md.contains("Valid consumption / session: non-overlapping 95% CIs for EnhancedRL > UnifiedRL, "
                + "EnhancedRL > Global fusion (CEM); all other pairs of methods overlap."), md);
        // Ablation: {10, 11, 12} vs {11, 12, 13} overlap.
        String ablation = md.substring(md.indexOf("## Ablation: itemHeterogeneity = 0"));
        assertTrue(ablation.contains("Valid consumption / session: every pair of methods has overlapping 95% CIs; "
                + "no method is clearly above another."), ablation);
        assertTrue(ablation.contains("| EnhancedRL | 12.0 ± 2.5 |"), ablation);
    }

    @Test
    void markdownHasRunInfoLearningCurvesNotesAndChartLinks() {
        assertTrue(md.startsWith("# EnhancedRL vs baselines (test)\n"), md);
        assertTrue(md.contains("- Command: `erl experiment --seeds 3`"), md);
        assertTrue(md.contains("- Machine: test machine"), md);
        assertTrue(md.contains("- Date: 2025-01-02"), md);
        assertTrue(md.contains("| itemHeterogeneity | 1.0 |"), md);
        assertTrue(md.contains("| 1 | 9.00 ± 0.50 | 0.2500 | -1.5000 | 1000 |"), md);
        assertTrue(md.contains("| 2 | 20.50 ± 0.60 | 0.0625 | -3.0000 | 2000 |"), md);
        assertTrue(md.contains("- fake numbers for a test"), md);
        assertTrue(md.contains("![comparison](comparison.png)"), md);
        assertTrue(md.contains("![learning curves](learning-curves.png)"), md);
        assertTrue(md.contains("(ablation-itemheterogeneity-0.png)"), md);
        // Sections in the order the reader needs them.
        int run = md.indexOf("## How it was run");
        int main = md.indexOf("## Main comparison");
        int curves = md.indexOf("## Learning curves");
        int abl = md.indexOf("## Ablation:");
        int notes = md.indexOf("## Notes");
        assertTrue(run < main && main < curves && curves < abl && abl < notes, md);
    }

    @Test
    void chartsAreValidPngs() throws IOException {
        Map<String, int[]> expected = Map.of(
                "comparison.png", new int[] {2 * ReportCharts.PANEL_WIDTH, ReportCharts.HEIGHT},
                "learning-curves.png", new int[] {ReportCharts.WIDTH, ReportCharts.HEIGHT},
                // The ablation methods have no rounds: only its comparison chart.
                "ablation-itemheterogeneity-0.png", new int[] {2 * ReportCharts.PANEL_WIDTH, ReportCharts.HEIGHT});
        assertEquals(expected.keySet(), written.charts().stream().map(p -> p.getFileName().toString())
                .collect(Collectors.toSet()));
        for (var e : expected.entrySet()) {
            BufferedImage img = ImageIO.read(written.dir().resolve(e.getKey()).toFile());
            assertNotNull(img, e.getKey() + " does not decode as an image");
            assertEquals(e.getValue()[0], img.getWidth(), e.getKey());
            assertEquals(e.getValue()[1], img.getHeight(), e.getKey());
            assertTrue(distinctColours(img) > 5, e.getKey() + " looks blank");
        }
        assertNull(written.chartProblem());
    }

    @Test
    void jsonParsesBackWithValuesAndNaNAsString() throws IOException {
        JsonNode root = new ObjectMapper().readTree(written.json().toFile());
        assertEquals("EnhancedRL vs baselines (test)", root.get("title").asText());
        JsonNode vc = root.get("methods").get(1).get("online").get(OnlineMetrics.VALID_CONSUMPTION);
        assertEquals(20.5, vc.get("mean").asDouble(), 1e-12);
        assertEquals(3, vc.get("values").size());
        assertEquals(21.0, vc.get("values").get(2).asDouble(), 0);
        assertEquals("NaN", root.get("methods").get(2).get("offlineGauc").textValue());
        assertEquals(2, root.get("methods").get(0).get("rounds").size());
        assertTrue(root.get("ablations").has("itemHeterogeneity = 0"));

        ExperimentResult back = ReportJson.read(written.json());
        assertEquals(ReportFixtures.small().settings(), back.settings());
        assertTrue(Double.isNaN(back.methods().get(2).offlineGauc()));
        assertEquals(ReportFixtures.small().methods().get(0).rounds(), back.methods().get(0).rounds());
    }

    @Test
    void filesAreReadableByOthersAndNoTempFilesRemain() throws IOException {
        try (Stream<Path> files = Files.list(written.dir())) {
            Set<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(List.of("report.md", "report.json", "comparison.png", "learning-curves.png",
                    "ablation-itemheterogeneity-0.png")), names);
        }
        if (Files.getFileStore(written.markdown()).supportsFileAttributeView("posix")) {
            assertTrue(Files.getPosixFilePermissions(written.markdown()).contains(PosixFilePermission.OTHERS_READ));
        }
    }

    @Test
    void rewritingOverAnExistingReportReplacesFilesAndDropsStaleCharts(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("out");
        ExperimentResult first = ReportFixtures.small();
        ReportWriter.write(dir, first);
        Files.writeString(dir.resolve("mine.txt"), "not the writer's");
        assertTrue(Files.exists(dir.resolve("ablation-itemheterogeneity-0.png")));

        ExperimentResult second = new ExperimentResult("Second run", first.command(), first.machine(), first.date(),
                first.settings(), first.methods(), Map.of(), List.of());
        WrittenReport w = ReportWriter.write(dir, second);
        String text = Files.readString(w.markdown());
        assertTrue(text.startsWith("# Second run\n"), text);
        assertFalse(text.contains("## Ablation"), text);
        assertTrue(text.contains("- (none)"), text);
        assertFalse(Files.exists(dir.resolve("ablation-itemheterogeneity-0.png")), "stale ablation chart removed");
        assertEquals("not the writer's", Files.readString(dir.resolve("mine.txt")), "foreign files are left alone");
        assertEquals("Second run", new ObjectMapper().readTree(w.json().toFile()).get("title").asText());
        assertNotNull(ImageIO.read(dir.resolve("comparison.png").toFile()));
    }

    @Test
    void withoutChartsTheReportIsStillWrittenAndSaysWhy(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("out");
        Files.createDirectories(dir);
        Files.write(dir.resolve("comparison.png"), new byte[] {1, 2, 3}); // from an earlier run
        WrittenReport w = ReportWriter.write(dir, ReportFixtures.small(), (r, files) -> {
            throw new NoClassDefFoundError("java/awt/Color");
        });
        String text = Files.readString(w.markdown());
        assertEquals("NoClassDefFoundError: java/awt/Color", w.chartProblem());
        assertTrue(text.contains("Charts could not be drawn on this machine (NoClassDefFoundError: java/awt/Color)"), text);
        assertFalse(text.contains(".png)"), "no links to charts that do not exist: " + text);
        assertTrue(text.contains("| EnhancedRL | 20.5 ± 1.2 |"), text);
        assertFalse(Files.exists(dir.resolve("comparison.png")), "a stale chart must not sit beside the new report");
        assertTrue(w.charts().isEmpty());
    }

    @Test
    void numbersUseDotsWhateverTheDefaultLocale(@TempDir Path tmp) throws IOException {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            WrittenReport w = ReportWriter.write(tmp, ReportFixtures.small(), (r, f) -> Map.of());
            String text = Files.readString(w.markdown(), StandardCharsets.UTF_8);
            assertTrue(text.contains("| UnifiedRL | 11.0 ± 2.5 |"), text);
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void badInputIsRejectedWithTheArgumentNamed(@TempDir Path tmp) throws IOException {
        ExperimentResult ok = ReportFixtures.small();
        ExperimentResult empty = new ExperimentResult("t", "c", "m", "d", Map.of(), List.of(), Map.of(), List.of());
        var e1 = assertThrows(IllegalArgumentException.class, () -> ReportWriter.write(tmp, empty));
        assertTrue(e1.getMessage().startsWith("result.methods: expected at least one method but was empty"), e1.getMessage());

        MethodResult a = ok.methods().get(0);
        ExperimentResult dup = new ExperimentResult("t", "c", "m", "d", Map.of(), List.of(a, a), Map.of(), List.of());
        var e2 = assertThrows(IllegalArgumentException.class, () -> ReportWriter.write(tmp, dup));
        assertTrue(e2.getMessage().contains("expected distinct method names but 'UnifiedRL' appears twice"), e2.getMessage());

        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        var e3 = assertThrows(IllegalArgumentException.class, () -> ReportWriter.write(file, ok));
        assertTrue(e3.getMessage().startsWith("dir: expected a folder but"), e3.getMessage());
    }

    private static int distinctColours(BufferedImage img) {
        Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
