package io.enhancedrl.eval.report;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

import io.enhancedrl.eval.ExperimentResult;
import io.enhancedrl.eval.MethodResult;
import io.enhancedrl.eval.MetricSummary;
import io.enhancedrl.eval.OnlineMetrics;
import io.enhancedrl.eval.RoundStats;

/**
 * The report's PNG charts, drawn with XChart off screen (headless): learning curves (valid consumption
 * per round, one line per method, CI error bars) and comparison bar charts (methods x valid consumption,
 * and watch time beside it, with CI error bars). Each method keeps one colour in every chart.
 *
 * <p>Bars start at zero: a bar whose baseline is cut makes a 3% difference look like a factor of two. The
 * table gives the exact numbers and the CI sentence says which differences are clear.
 */
final class ReportCharts {
    static final int WIDTH = 900;
    static final int PANEL_WIDTH = 640;
    static final int HEIGHT = 480;

    /** Okabe-Ito: distinguishable with the common colour-vision deficiencies and in greyscale print. */
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xE69F00),
        new Color(0xCC79A7), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442),
    };

    private ReportCharts() {
    }

    /**
     * Every chart of the report, file name -> PNG bytes in report order; a chart with nothing to show
     * (no rounds, no valid-consumption metric) is left out.
     */
    static Map<String, byte[]> renderAll(ExperimentResult r, Map<String, String> ablationFiles) throws IOException {
        ensureHeadless();
        Map<String, List<MethodResult>> ablations = r.ablations() == null ? Map.of() : r.ablations();
        Map<String, Color> colours = colours(r.methods(), ablations.values());
        Map<String, byte[]> out = new LinkedHashMap<>();
        putIfDrawn(out, ChartFiles.COMPARISON, comparison("Main comparison", r.methods(), colours));
        putIfDrawn(out, ChartFiles.LEARNING_CURVES, learningCurves(r.methods(), colours));
        for (var e : ablations.entrySet()) {
            putIfDrawn(out, ablationFiles.get(e.getKey()), comparison(e.getKey(), e.getValue(), colours));
        }
        return out;
    }

    private static void putIfDrawn(Map<String, byte[]> out, String file, byte[] png) {
        if (png != null) {
            out.put(file, png);
        }
    }

    /**
     * The learning-curve chart, or null when no method has rounds (e.g. only tuned global fusion, which
     * has no training rounds).
     */
    static byte[] learningCurves(List<MethodResult> methods, Map<String, Color> colours) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Learning curves: " + OnlineMetrics.VALID_CONSUMPTION + " (mean ± 95% CI)")
                .xAxisTitle("round").yAxisTitle(OnlineMetrics.VALID_CONSUMPTION).build();
        style(chart);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        // Rounds are whole numbers: leave fractional ticks unlabelled rather than print "1.5".
        chart.getStyler().setxAxisTickLabelsFormattingFunction(
                x -> x == Math.rint(x) ? String.valueOf(Math.round(x)) : "");
        int series = 0;
        for (MethodResult m : methods) {
            List<RoundStats> rounds = m.rounds() == null ? List.of() : m.rounds().stream()
                    .filter(r -> Double.isFinite(r.validConsumption())).toList();
            if (rounds.isEmpty()) {
                continue;
            }
            double[] x = new double[rounds.size()];
            double[] y = new double[rounds.size()];
            double[] e = new double[rounds.size()];
            for (int i = 0; i < rounds.size(); i++) {
                x[i] = rounds.get(i).round();
                y[i] = rounds.get(i).validConsumption();
                e[i] = finiteOrZero(rounds.get(i).validConsumptionCi());
            }
            var s = chart.addSeries(m.method(), x, y, e);
            s.setLineColor(colours.get(m.method()));
            s.setMarkerColor(colours.get(m.method()));
            s.setMarker(SeriesMarkers.CIRCLE);
            series++;
        }
        return series == 0 ? null : png(chart);
    }

    /**
     * Bars of valid consumption per method, with watch time in a second panel when any method reports it;
     * null when no method has the valid-consumption metric.
     */
    static byte[] comparison(String title, List<MethodResult> methods, Map<String, Color> colours)
            throws IOException {
        CategoryChart vc = bars(title, OnlineMetrics.VALID_CONSUMPTION, methods, colours);
        if (vc == null) {
            return null;
        }
        CategoryChart wt = bars(title, OnlineMetrics.WATCH_TIME, methods, colours);
        if (wt == null) {
            return png(vc);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(List.of(vc, wt), 1, 2, out, BitmapFormat.PNG);
        return out.toByteArray();
    }

    /** One colour per method name, in first-seen order over the main methods and then the ablations. */
    static Map<String, Color> colours(List<MethodResult> main, Collection<List<MethodResult>> ablations) {
        Map<String, Color> out = new LinkedHashMap<>();
        List<MethodResult> all = new ArrayList<>(main);
        ablations.forEach(all::addAll);
        for (MethodResult m : all) {
            out.computeIfAbsent(m.method(), k -> PALETTE[out.size() % PALETTE.length]);
        }
        return out;
    }

    /** Headless before the first AWT class loads; an explicit setting by the user is left alone. */
    static void ensureHeadless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static CategoryChart bars(String title, String metric, List<MethodResult> methods,
                                      Map<String, Color> colours) {
        List<String> names = new ArrayList<>();
        List<MetricSummary> sums = new ArrayList<>();
        for (MethodResult m : methods) {
            MetricSummary s = m.online() == null ? null : m.online().get(metric);
            if (s != null && Double.isFinite(s.mean())) {
                names.add(m.method());
                sums.add(s);
            }
        }
        if (names.isEmpty()) {
            return null;
        }
        CategoryChart chart = new CategoryChartBuilder().width(PANEL_WIDTH).height(HEIGHT)
                .title(title + ": " + metric).xAxisTitle("").yAxisTitle(metric + " (mean ± 95% CI)").build();
        style(chart);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setErrorBarsColor(Color.BLACK);
        // One series per method, each with a value only in its own category and overlapped, so that every
        // bar takes its method's colour yet sits centred and full width over its label.
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setAvailableSpaceFill(0.6);
        // Method names are long ("Tuned global fusion (CEM)"): tilted labels do not run into each other.
        chart.getStyler().setXAxisLabelRotation(20);
        boolean allNonNegative = sums.stream().allMatch(s -> lower(s) >= 0);
        if (allNonNegative) {
            chart.getStyler().setYAxisMin(0.0);
        }
        for (int i = 0; i < names.size(); i++) {
            List<Double> y = new ArrayList<>();
            List<Double> e = new ArrayList<>();
            for (int j = 0; j < names.size(); j++) {
                // y null, not 0: a zero bar would still draw its zero-width error bar at the base. (XChart
                // skips null values but needs a number for every error bar.)
                y.add(j == i ? sums.get(i).mean() : Double.NaN);
                e.add(j == i ? finiteOrZero(sums.get(i).ci95HalfWidth()) : 0.0);
            }
            var s = chart.addSeries(names.get(i), names, y, e);
            s.setFillColor(colours.get(names.get(i)));
        }
        return chart;
    }

    private static double lower(MetricSummary s) {
        return s.mean() - finiteOrZero(s.ci95HalfWidth());
    }

    private static void style(Chart<?, ?> chart) {
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBorderVisible(false);
        chart.getStyler().setLegendBorderColor(Color.WHITE);
        chart.getStyler().setChartTitleBoxVisible(false);
        chart.getStyler().setAntiAlias(true);
    }

    private static double finiteOrZero(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }

    private static byte[] png(Chart<?, ?> chart) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
    }
}
