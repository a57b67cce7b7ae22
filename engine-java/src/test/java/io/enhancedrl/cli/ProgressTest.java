package io.enhancedrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private PrintStream savedErr;

    @AfterEach
    void restore() {
        Progress.setQuiet(false);
        if (savedErr != null) {
            System.setErr(savedErr);
        }
    }

    /** Redirects System.err to a buffer until the test ends. */
    private ByteArrayOutputStream captureErr() {
        savedErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        return buf;
    }

    private static List<String> lines(ByteArrayOutputStream buf) {
        String s = buf.toString(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (String l : s.split("\n")) {
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void quietModePrintsNothing() {
        ByteArrayOutputStream err = captureErr();
        Progress.setQuiet(true);
        try (Progress p = Progress.start("simulate", 1000)) {
            for (int i = 0; i < 1000; i++) {
                p.step();
            }
            p.setExtra("td=0.1");
            assertEquals(1000, p.done());
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void nonTerminalPrintsBoundedPlainLinesFor10000Steps() {
        // Under surefire standard error is not a terminal, so this takes the plain-line path.
        ByteArrayOutputStream err = captureErr();
        try (Progress p = Progress.start("train EnhancedRL round 2", 10_000)) {
            for (int i = 0; i < 10_000; i++) {
                p.step();
                if (i == 5000) {
                    p.setExtra("td=0.12");
                }
            }
        }
        List<String> lines = lines(err);
        // start + 9 milestones (10%..90%) + end, plus heartbeats only if the loop took over a minute.
        assertTrue(lines.size() >= 3 && lines.size() <= 13, "lines: " + lines);
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("\r"), "no carriage returns in logs");
        assertEquals("train EnhancedRL round 2: started, 10000 units", lines.getFirst());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("train EnhancedRL round 2: 40% (4000/10000) elapsed ")),
                "a 40% line: " + lines);
        assertTrue(lines.getLast().startsWith("train EnhancedRL round 2: done 10000/10000 in "), lines.getLast());
        assertTrue(lines.getLast().endsWith(" td=0.12"), lines.getLast());
    }

    @Test
    void linesShowEtaFromTheRateAndAHeartbeatWhenMilestonesAreFarApart() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        AtomicLong clock = new AtomicLong(0);
        long sec = 1_000_000_000L;
        try (Progress p = Progress.startLines("evaluate", 100, out, clock::get)) {
            clock.set(20 * sec);
            p.step(10); // 10% after 20 s: ETA 180 s
            clock.set(50 * sec);
            p.step(1); // no milestone, no heartbeat yet (30 s since the last line)
            clock.set(85 * sec);
            p.step(1); // 65 s since the last line: heartbeat
            clock.set(100 * sec);
            p.step(0);
        }
        List<String> lines = lines(buf);
        assertEquals(List.of(
                "evaluate: started, 100 units",
                "evaluate: 10% (10/100) elapsed 20s ETA 3m00s",
                "evaluate: 12% (12/100) elapsed 1m25s ETA 10m23s",
                "evaluate: stopped at 12% (12/100) in 1m40s"), lines);
    }

    @Test
    void concurrentStepsAreAllCountedAndEachMilestonePrintedOnce() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Progress p = Progress.startLines("simulate", 40_000, out, System::nanoTime);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    p.step();
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        p.close();
        assertEquals(40_000, p.done());
        List<String> lines = lines(buf);
        for (int pct = 10; pct < 100; pct += 10) {
            String prefix = "simulate: " + pct + "% (";
            assertEquals(1, lines.stream().filter(l -> l.startsWith(prefix)).count(), prefix + " in " + lines);
        }
        assertEquals("simulate: done 40000/40000", lines.getLast().substring(0, "simulate: done 40000/40000".length()));
    }

    @Test
    void closeIsIdempotentAndStepAfterCloseIsAnError() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Progress p = Progress.startLines("x", 5, out, () -> 0L);
        p.step(5);
        p.close();
        p.close();
        assertEquals(2, lines(buf).size(), lines(buf).toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.step(1));
        assertTrue(e.getMessage().contains("'x' is closed"), e.getMessage());
    }

    @Test
    void badArgumentsAreNamed() {
        Progress.setQuiet(true);
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> Progress.start(" ", 3));
        assertTrue(e1.getMessage().startsWith("phase:"), e1.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> Progress.start("a", -1));
        assertTrue(e2.getMessage().contains("totalUnits: expected >= 0 but was -1"), e2.getMessage());
        try (Progress p = Progress.start("a", 3)) {
            IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> p.step(-2));
            assertTrue(e3.getMessage().contains("units: expected >= 0 but was -2"), e3.getMessage());
        }
    }

    @Test
    void modePropertyIsValidated() {
        String saved = System.getProperty(Progress.MODE_PROPERTY);
        try {
            System.setProperty(Progress.MODE_PROPERTY, "fancy");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Progress.start("a", 1));
            assertTrue(e.getMessage().contains("expected one of auto, bar, lines, quiet but was 'fancy'"),
                    e.getMessage());
            ByteArrayOutputStream err = captureErr();
            System.setProperty(Progress.MODE_PROPERTY, "quiet");
            try (Progress p = Progress.start("a", 1)) {
                p.step();
            }
            assertEquals("", err.toString(StandardCharsets.UTF_8));
        } finally {
            if (saved == null) {
                System.clearProperty(Progress.MODE_PROPERTY);
            } else {
                System.setProperty(Progress.MODE_PROPERTY, saved);
            }
        }
    }

    @Test
    void durationsAndEta() {
        assertEquals("0s", Progress.formatDuration(Duration.ZERO));
        assertEquals("59s", Progress.formatDuration(Duration.ofMillis(59_999)));
        assertEquals("1m20s", Progress.formatDuration(Duration.ofSeconds(80)));
        assertEquals("2h03m", Progress.formatDuration(Duration.ofSeconds(2 * 3600 + 3 * 60 + 59)));
        assertNull(Progress.eta(5, 0, 10));
        assertEquals(Duration.ofSeconds(30), Progress.eta(10_000_000_000L, 25, 100));
        assertEquals(Duration.ZERO, Progress.eta(10_000_000_000L, 120, 100));
    }
}
