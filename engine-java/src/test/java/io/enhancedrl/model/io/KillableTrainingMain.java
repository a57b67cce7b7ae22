package io.enhancedrl.model.io;

import io.enhancedrl.cli.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The child process of CheckpointKillTest: runs the CLI ({@code erl <args>}) and, when asked, stops inside
 * the n-th checkpoint write of this process so that the parent can kill it there. System properties:
 * {@code erl.test.pauseAtWrite} (1-based count of checkpoint writes; absent: never) and
 * {@code erl.test.pauseStage} (an {@link AtomicFiles.Stage}: AFTER_HEADER leaves a partial temporary file,
 * BEFORE_MOVE a complete one not yet renamed). It prints {@code PAUSED-IN-WRITE <temp file>} and waits.
 * In package model.io for {@link AtomicFiles#FAULTS}, the write's test hook.
 */
public final class KillableTrainingMain {

    private KillableTrainingMain() {
    }

    public static void main(String[] args) {
        int pauseAt = Integer.getInteger("erl.test.pauseAtWrite", -1);
        AtomicFiles.Stage stage = AtomicFiles.Stage.valueOf(System.getProperty("erl.test.pauseStage", "BEFORE_MOVE"));
        if (pauseAt > 0) {
            int[] writes = {0};
            AtomicFiles.FAULTS.set((s, temp) -> pause(s, temp, stage, pauseAt, writes));
        }
        int code = new CommandLine(new Main()).execute(args);
        System.exit(code);
    }

    private static void pause(AtomicFiles.Stage s, Path temp, AtomicFiles.Stage stage, int pauseAt, int[] writes)
            throws IOException {
        if (!temp.getFileName().toString().startsWith(".checkpoint-")) {
            return;
        }
        if (s == AtomicFiles.Stage.AFTER_HEADER) {
            writes[0]++; // the first stage of every write
        }
        if (s == stage && writes[0] == pauseAt) {
            System.out.println("PAUSED-IN-WRITE " + temp);
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                throw new IOException("interrupted while paused", e);
            }
        }
    }
}
