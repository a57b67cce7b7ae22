package io.enhancedrl.cli;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress with an ETA for a long CLI phase (simulate, train a round, evaluate), written to standard error
 * so that it never mixes with results on standard output.
 *
 * <pre>{@code
 * try (Progress p = Progress.start("train EnhancedRL round 2", totalUnits)) {
 *     p.step(n);            // thread-safe; call from any worker
 *     p.setExtra("td=0.12"); // shown after the counts
 * }
 * }</pre>
 *
 * <p>How it is shown depends on where standard error goes:
 * <ul>
 *   <li>an interactive terminal: a redrawn ASCII bar (me.tongfei progressbar), updated a few times a
 *       second;</li>
 *   <li>anything else (CI logs, a file, a pipe): plain lines such as
 *       {@code train: 40% (400/1000) elapsed 10s ETA 15s}, one when the phase starts, one at each 10%
 *       and otherwise at most one a minute, and one when it ends. A redrawn bar there would be thousands of
 *       carriage-return updates in one log line, which is why the library bar is not used;</li>
 *   <li>quiet ({@link #setQuiet(boolean)}, for tests and {@code --quiet}): nothing.</li>
 * </ul>
 * The system property {@code erl.progress} ({@code auto}, {@code bar}, {@code lines}, {@code quiet})
 * overrides the choice, e.g. when standard error is redirected but the console check still says "terminal".
 *
 * <p>Steps beyond the total are counted and shown as they are (a caller that under-estimated the total
 * sees 110%, not a silent clamp); the ETA is then 0.
 */
public final class Progress implements AutoCloseable {

    /** System property that forces the display: auto (default), bar, lines or quiet. */
    public static final String MODE_PROPERTY = "erl.progress";

    /** Plain-line mode prints at each multiple of this percentage. */
    static final int LINE_EVERY_PERCENT = 10;
    /** Plain-line mode prints at least this often when the milestones are far apart. */
    static final Duration LINE_HEARTBEAT = Duration.ofSeconds(60);

    private static volatile boolean quiet;

    private final String phase;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String extra = "";
    private final Display display;

    private Progress(String phase, long total, Display display) {
        this.phase = phase;
        this.total = total;
        this.display = display;
    }

    /**
     * Starts showing progress of a phase.
     *
     * @param phase      what is running, e.g. "train EnhancedRL round 2" (not blank)
     * @param totalUnits how many units {@link #step(long)} will count in all (>= 0)
     */
    public static Progress start(String phase, long totalUnits) {
        checkArgs(phase, totalUnits);
        Mode mode = quiet ? Mode.QUIET : Mode.fromProperty(System.getProperty(MODE_PROPERTY, "auto"));
        if (mode == Mode.AUTO) {
            mode = stderrIsTerminal() ? Mode.BAR : Mode.LINES;
        }
        return switch (mode) {
            case QUIET -> new Progress(phase, totalUnits, Display.NONE);
            case BAR -> new Progress(phase, totalUnits, new BarDisplay(phase, totalUnits));
            case LINES, AUTO -> startLines(phase, totalUnits, System.err, System::nanoTime);
        };
    }

    /** Plain-line progress on {@code out} with the given nanosecond clock (tests drive the clock). */
    static Progress startLines(String phase, long totalUnits, PrintStream out, LongSupplier nanoClock) {
        checkArgs(phase, totalUnits);
        Progress p = new Progress(phase, totalUnits, new LineDisplay(out, nanoClock));
        ((LineDisplay) p.display).begin(p);
        return p;
    }

    /** Quiet mode shows nothing for every progress started afterwards (tests, {@code --quiet}). */
    public static void setQuiet(boolean value) {
        quiet = value;
    }

    public static boolean isQuiet() {
        return quiet;
    }

    /** Counts one unit. */
    public void step() {
        step(1);
    }

    /**
     * Counts {@code units} more units done. Thread-safe and cheap (an atomic add, a clock read in line
     * mode), so it may be called per batch from several workers.
     */
    public void step(long units) {
        if (units < 0) {
            throw new IllegalArgumentException("units: expected >= 0 but was " + units + " (phase '" + phase + "')");
        }
        if (closed.get()) {
            throw new IllegalStateException("progress of phase '" + phase + "' is closed; step(" + units
                    + ") came after close()");
        }
        long now = done.addAndGet(units);
        display.stepped(this, units, now);
    }

    /** A short free text shown after the counts, e.g. "td=0.12"; null clears it. */
    public void setExtra(String text) {
        extra = text == null ? "" : text;
        display.extraChanged(this);
    }

    /** Units counted so far. */
    public long done() {
        return done.get();
    }

    public long total() {
        return total;
    }

    public String phase() {
        return phase;
    }

    /** Ends the display (final line or bar); idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            display.finished(this);
        }
    }

    private static void checkArgs(String phase, long totalUnits) {
        if (phase == null || phase.isBlank()) {
            throw new IllegalArgumentException("phase: expected a non-blank name but was '" + phase + "'");
        }
        if (totalUnits < 0) {
            throw new IllegalArgumentException("totalUnits: expected >= 0 but was " + totalUnits
                    + " (phase '" + phase + "')");
        }
    }

    private static boolean stderrIsTerminal() {
        // System.console() may be non-null with redirected streams on recent JDKs; isTerminal() says
        // whether it really is an interactive terminal.
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** "42s", "3m05s", "2h03m": short enough for a progress line, precise enough for an ETA. */
    static String formatDuration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** Linear ETA from the rate so far; null when nothing is done yet. */
    static Duration eta(long elapsedNanos, long done, long total) {
        if (done <= 0) {
            return null;
        }
        long left = Math.max(0, total - done);
        return Duration.ofNanos((long) ((double) elapsedNanos * left / done));
    }

    private enum Mode {
        AUTO, BAR, LINES, QUIET;

        static Mode fromProperty(String value) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(value.strip())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("system property " + MODE_PROPERTY
                    + ": expected one of auto, bar, lines, quiet but was '" + value + "'");
        }
    }

    /** How a progress is shown; the Progress keeps the counts, the display only renders them. */
    private interface Display {
        Display NONE = new Display() {
        };

        default void stepped(Progress p, long units, long now) {
        }

        default void extraChanged(Progress p) {
        }

        default void finished(Progress p) {
        }
    }

    /** The library bar for interactive terminals: redrawn in place by its own timer thread. */
    private static final class BarDisplay implements Display {
        private final ProgressBar bar;

        BarDisplay(String phase, long total) {
            bar = new ProgressBarBuilder()
                    .setTaskName(phase)
                    .setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(250)
                    .build();
        }

        @Override
        public void stepped(Progress p, long units, long now) {
            bar.stepBy(units);
        }

        @Override
        public void extraChanged(Progress p) {
            bar.setExtraMessage(p.extra);
        }

        @Override
        public void finished(Progress p) {
            bar.close();
        }
    }

    /** Plain lines for logs: start, each 10%, a heartbeat when milestones are far apart, end. */
    private static final class LineDisplay implements Display {
        private final PrintStream out;
        private final LongSupplier clock;
        private final long heartbeatNanos = LINE_HEARTBEAT.toNanos();
        private long startNanos;
        // Written under the lock, read without it as a cheap "might need a line" test.
        private volatile long nextMilestoneUnits;
        private volatile long lastLineNanos;

        LineDisplay(PrintStream out, LongSupplier clock) {
            this.out = out;
            this.clock = clock;
        }

        void begin(Progress p) {
            startNanos = clock.getAsLong();
            lastLineNanos = startNanos;
            nextMilestoneUnits = milestoneAfter(0, p.total);
            out.println(p.phase + ": started, " + p.total + " units");
            out.flush();
        }

        @Override
        public void stepped(Progress p, long units, long now) {
            long t = clock.getAsLong();
            if (now < nextMilestoneUnits && t - lastLineNanos < heartbeatNanos) {
                return;
            }
            synchronized (this) {
                // Re-check under the lock: another worker may just have printed this milestone.
                long current = p.done.get();
                if (current < nextMilestoneUnits && t - lastLineNanos < heartbeatNanos) {
                    return;
                }
                nextMilestoneUnits = milestoneAfter(current, p.total);
                lastLineNanos = t;
                if (p.closed.get() || current >= p.total) {
                    return; // the end line reports completion
                }
                out.println(line(p, current, t));
                out.flush();
            }
        }

        @Override
        public synchronized void finished(Progress p) {
            long t = clock.getAsLong();
            long current = p.done.get();
            String extra = p.extra.isEmpty() ? "" : " " + p.extra;
            String what = current >= p.total
                    ? "done " + current + "/" + p.total
                    : "stopped at " + percent(current, p.total) + "% (" + current + "/" + p.total + ")";
            out.println(p.phase + ": " + what + " in " + formatDuration(Duration.ofNanos(t - startNanos)) + extra);
            out.flush();
        }

        private String line(Progress p, long current, long t) {
            long elapsed = t - startNanos;
            Duration eta = eta(elapsed, current, p.total);
            return p.phase + ": " + percent(current, p.total) + "% (" + current + "/" + p.total + ") elapsed "
                    + formatDuration(Duration.ofNanos(elapsed)) + " ETA " + (eta == null ? "?" : formatDuration(eta))
                    + (p.extra.isEmpty() ? "" : " " + p.extra);
        }

        private static long percent(long current, long total) {
            return total == 0 ? 100 : (long) Math.floor(100.0 * current / total);
        }

        /**
         * The unit count of the first 10% milestone strictly above {@code current}, below 100% (the end
         * line covers 100%); Long.MAX_VALUE when none is left.
         */
        private static long milestoneAfter(long current, long total) {
            for (int pct = LINE_EVERY_PERCENT; pct < 100; pct += LINE_EVERY_PERCENT) {
                long units = (long) Math.ceil(total * (pct / 100.0));
                if (units > current) {
                    return units;
                }
            }
            return Long.MAX_VALUE;
        }
    }
}
