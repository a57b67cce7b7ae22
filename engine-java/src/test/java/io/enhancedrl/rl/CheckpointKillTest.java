package io.enhancedrl.rl;

import io.enhancedrl.data.LoggedDataWriter;
import io.enhancedrl.data.LoggedDataset;
import io.enhancedrl.model.io.KillableTrainingMain;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.Simulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety under real kills: `erl train --checkpoint-dir` runs in a child JVM that is killed with
 * SIGKILL ({@link Process#destroyForcibly()}) at seeded kill points: after a random delay, after a random
 * number of new checkpoints, and inside a checkpoint write (the child stops there on request: after the
 * header, leaving a partial temporary file, or after the fsync, before the rename). It is restarted with the
 * same command until it finishes; the policy file and the final checkpoint (all four networks, both
 * optimizers) must be bit-identical to those of an uninterrupted run with the same seed.
 */
class CheckpointKillTest {

    // 40 checkpoints: more than the planned kills can consume even at their bounds (delay kills at most 3 new
    // checkpoints, checkpoint kills at most 4, in-write kills at most 2 completed writes before the paused one)
    private static final int UPDATES = 800;
    private static final int EVERY = 20;
    private static final Pattern SEQ = Pattern.compile("checkpoint-(\\d{9})\\.safetensors");

    @TempDir
    Path dir;

    private enum Kill { DELAY, CHECKPOINTS, IN_WRITE_AFTER_HEADER, IN_WRITE_BEFORE_MOVE }

    @Test
    void killedTrainingResumesToTheUninterruptedResult() throws Exception {
        Path data = dir.resolve("logs");
        Path rlConfig = dir.resolve("rl.json");
        writeInputs(data, rlConfig);

        Path refOut = dir.resolve("ref.safetensors");
        Path refCk = dir.resolve("ref-ck");
        Child ref = Child.start(dir, trainArgs(data, rlConfig, refOut, refCk), -1, null);
        assertEquals(0, ref.waitFor(120), ref::output);
        String refOutput = ref.output();
        assertTrue(refOutput.contains("checkpoints: " + (UPDATES / EVERY) + " written"), refOutput);
        System.out.println("CheckpointKillTest reference run: " + refOutput.lines()
                .filter(l -> l.startsWith("checkpoints:")).findFirst().orElseThrow());

        Path out = dir.resolve("killed.safetensors");
        Path ck = dir.resolve("killed-ck");
        Random random = new Random(20261202L);
        // a fixed mix of kill kinds, in a seeded order with seeded parameters; then restarts until done
        List<Kill> plan = new ArrayList<>(List.of(Kill.DELAY, Kill.CHECKPOINTS, Kill.IN_WRITE_AFTER_HEADER,
                Kill.CHECKPOINTS, Kill.IN_WRITE_BEFORE_MOVE, Kill.DELAY, Kill.CHECKPOINTS, Kill.IN_WRITE_AFTER_HEADER));
        java.util.Collections.shuffle(plan, random);
        int kills = 0;
        int killsInWrite = 0;
        List<String> log = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            assertTrue(attempt < 30, "did not finish in 30 starts: " + log);
            Kill kill = attempt < plan.size() ? plan.get(attempt) : null;
            int pauseAt = 1 + random.nextInt(3);
            AtomicStage stage = kill == Kill.IN_WRITE_AFTER_HEADER ? AtomicStage.AFTER_HEADER
                    : kill == Kill.IN_WRITE_BEFORE_MOVE ? AtomicStage.BEFORE_MOVE : null;
            long before = newestSequence(ck);
            Child c = Child.start(dir, trainArgs(data, rlConfig, out, ck), stage == null ? -1 : pauseAt,
                    stage == null ? null : stage.name());
            boolean killed = false;
            if (kill == Kill.DELAY) {
                long delay = 300 + random.nextInt(2500);
                killed = c.killAt(ck, before + 3, delay);
                log.add("delay " + delay + " ms: " + (killed ? "killed" : "finished"));
            } else if (kill == Kill.CHECKPOINTS) {
                int n = 1 + random.nextInt(4);
                killed = c.killAt(ck, before + n, Long.MAX_VALUE / 2);
                log.add(n + " new checkpoints: " + (killed ? "killed at " + newestSequence(ck) : "finished"));
            } else if (stage != null) {
                String temp = c.killWhenPaused();
                killed = temp != null;
                if (killed) {
                    killsInWrite++;
                    assertTrue(Files.exists(Path.of(temp)), "the kill left the write's temporary file " + temp);
                }
                log.add("in write " + pauseAt + " at " + stage + ": " + (killed ? "killed" : "finished"));
            }
            if (killed) {
                kills++;
                continue;
            }
            assertEquals(0, c.waitFor(120), c::output);
            break;
        }
        assertTrue(kills >= 5, "kills " + kills + ": " + log);
        assertTrue(killsInWrite >= 2, "kills inside a checkpoint write " + killsInWrite + ": " + log);
        System.out.println("CheckpointKillTest: " + kills + " kills (" + killsInWrite + " inside a write): " + log);

        assertArrayEquals(Files.readAllBytes(refOut), Files.readAllBytes(out), "policy file bit-identical");
        TrainingCheckpoint a = TrainingCheckpoint.read(new CheckpointDirectory(refCk, 2).checkpoints().getLast());
        TrainingCheckpoint b = TrainingCheckpoint.read(new CheckpointDirectory(ck, 2).checkpoints().getLast());
        assertEquals(UPDATES, b.updates());
        assertTrue(b.roundComplete());
        assertTrue(a.learner().sameAs(b.learner()), "all networks and optimizer states bit-identical");
        assertEquals(a.rngState(), b.rngState());
        try (var s = Files.list(ck)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    /** The stages of AtomicFiles (package-private there) the child can stop at. */
    private enum AtomicStage { AFTER_HEADER, BEFORE_MOVE }

    private static String[] trainArgs(Path data, Path rlConfig, Path out, Path ck) {
        return new String[]{"train", "--data", data.toString(), "--out", out.toString(), "--updates",
                Integer.toString(UPDATES), "--rl-config", rlConfig.toString(), "--seed", "5", "--checkpoint-dir",
                ck.toString(), "--checkpoint-every", Integer.toString(EVERY)};
    }

    private static void writeInputs(Path data, Path rlConfig) throws IOException {
        CheckpointFixtures.smallConfig().save(rlConfig);
        Simulator sim = CheckpointFixtures.simulator();
        try (LoggedDataWriter w = new LoggedDataWriter(LoggedDataset.partFile(data, 0), Collector.layoutOf(sim.config()))) {
            new Collector(CheckpointFixtures.smallConfig(), 16).collect(sim,
                    FixedFusionPolicy.production(sim.fusionSpace()), 16, 1, 2, w::write, null);
        }
    }

    private static long newestSequence(Path ck) throws IOException {
        long best = -1;
        if (!Files.isDirectory(ck)) {
            return best;
        }
        try (var s = Files.list(ck)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = SEQ.matcher(p.getFileName().toString());
                if (m.matches()) {
                    best = Math.max(best, Long.parseLong(m.group(1)));
                }
            }
        }
        return best;
    }

    /** A child JVM running KillableTrainingMain, its output gathered by a reader thread. */
    private static final class Child {
        private final Process process;
        private final StringBuffer output = new StringBuffer();
        private volatile String pausedTemp;

        private Child(Process p) {
            this.process = p;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        output.append(line).append('\n');
                        if (line.startsWith("PAUSED-IN-WRITE ")) {
                            pausedTemp = line.substring("PAUSED-IN-WRITE ".length());
                        }
                    }
                } catch (IOException e) {
                    output.append("(reader: ").append(e).append(")\n");
                }
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Path dir, String[] args, int pauseAtWrite, String stage) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // the same module flags as this JVM (erl.jvm.flags), so the child picks the same kernel backend
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("--add-modules") || a.startsWith("--enable-native-access")) {
                    cmd.add(a);
                }
            }
            cmd.add("-XX:TieredStopAtLevel=1"); // short-lived child: C1 only starts faster on 2 cores
            if (pauseAtWrite > 0) {
                cmd.add("-Derl.test.pauseAtWrite=" + pauseAtWrite);
                cmd.add("-Derl.test.pauseStage=" + stage);
            }
            // surefire puts the real class path here (java.class.path may be a manifest-only booter jar)
            cmd.add("-cp");
            cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
            cmd.add(KillableTrainingMain.class.getName());
            cmd.addAll(List.of(args));
            return new Child(new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start());
        }

        int waitFor(int seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("child did not finish in " + seconds + " s:\n" + output);
            }
            return process.exitValue();
        }

        /**
         * Kills the child after delayMs or as soon as a checkpoint with at least this sequence number exists,
         * whichever comes first (false when the child finished before). The checkpoint bound keeps a time-based
         * kill from consuming most of the run on a fast machine, which would leave too few checkpoint writes
         * for the kills planned after it.
         */
        boolean killAt(Path ck, long sequence, long delayMs) throws Exception {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(120);
            while (newestSequence(ck) < sequence && System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(delayMs)) {
                if (process.waitFor(5, TimeUnit.MILLISECONDS)) {
                    return false;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no checkpoint " + sequence + " after 120 s:\n" + output);
                }
            }
            kill();
            return true;
        }

        /** Kills the child once it reports that it stopped inside a checkpoint write; its temp file, or null. */
        String killWhenPaused() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (pausedTemp == null) {
                if (process.waitFor(5, TimeUnit.MILLISECONDS)) {
                    return null;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("child never paused in a write in 120 s:\n" + output);
                }
            }
            kill();
            return pausedTemp;
        }

        private void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
            process.waitFor();
        }

        String output() {
            return output.toString();
        }
    }
}
