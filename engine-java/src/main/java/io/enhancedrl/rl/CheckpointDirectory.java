package io.enhancedrl.rl;

import io.enhancedrl.model.io.ModelFileException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A directory of training checkpoints {@code checkpoint-<sequence>.safetensors}, each written atomically
 * ({@link TrainingCheckpoint#write}), of which the newest {@link #keep} are kept.
 *
 * <p>{@link #loadLatest} reads the newest; if it is unreadable (truncated, corrupt, wrong format) it logs a
 * warning, renames it to {@code *.corrupt} (kept for inspection, never read again) and falls back to the
 * previous one. If there are checkpoints but none is readable it throws: a run never starts afresh silently
 * over checkpoints it could not read. A readable checkpoint of a different run (fingerprint mismatch) is
 * refused with {@link CheckpointMismatchException}, not fallen back from. Not thread-safe; one training
 * process per directory.
 */
public final class CheckpointDirectory {

    private static final System.Logger LOG = System.getLogger(CheckpointDirectory.class.getName());
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{9})\\.safetensors");
    /** Temporary files of interrupted atomic writes: {@code .checkpoint-...tmp} and {@code .round-...tmp}. */
    private static final Pattern TEMP = Pattern.compile("\\.(checkpoint|round)-.*\\.tmp");

    private final Path dir;
    private final int keep;
    private long nextSequence = -1;
    private int written;
    private long writeNanos;
    private long lastBytes;

    /**
     * @param dir  the directory (created if missing)
     * @param keep how many of the newest checkpoints to keep, &gt;= 2 so that a corrupt newest one has a
     *             predecessor to fall back to
     */
    public CheckpointDirectory(Path dir, int keep) throws IOException {
        if (keep < 2) {
            throw new IllegalArgumentException("keep: expected >= 2 (a fallback for a corrupt newest checkpoint) but was "
                    + keep);
        }
        this.dir = dir;
        this.keep = keep;
        Files.createDirectories(dir);
    }

    public Path directory() {
        return dir;
    }

    /** The checkpoint files present, oldest first. */
    public List<Path> checkpoints() throws IOException {
        TreeMap<Long, Path> bySeq = new TreeMap<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    bySeq.put(Long.parseLong(m.group(1)), p);
                }
            }
        }
        return new ArrayList<>(bySeq.values());
    }

    /**
     * The newest readable checkpoint, after checking its fingerprint against {@code expected}; empty when the
     * directory holds no checkpoint. Leftover temporary files of interrupted writes are deleted first.
     *
     * @throws CheckpointMismatchException when the newest readable checkpoint belongs to another run
     * @throws IOException                 when checkpoints exist but none can be read (all problems listed)
     */
    public Optional<TrainingCheckpoint> loadLatest(Map<String, String> expected) throws IOException {
        deleteTemporaryFiles();
        List<Path> files = checkpoints();
        List<String> problems = new ArrayList<>();
        for (int i = files.size() - 1; i >= 0; i--) {
            Path f = files.get(i);
            TrainingCheckpoint c;
            try {
                c = TrainingCheckpoint.read(f);
            } catch (ModelFileException e) {
                problems.add(e.getMessage());
                Path aside = f.resolveSibling(f.getFileName() + ".corrupt");
                LOG.log(System.Logger.Level.WARNING, "unreadable checkpoint, moved to " + aside.getFileName()
                        + (i > 0 ? "; falling back to " + files.get(i - 1).getFileName() : "") + ": " + e.getMessage());
                Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
                continue;
            }
            checkFingerprint(f, c.fingerprint(), expected);
            return Optional.of(c);
        }
        if (!problems.isEmpty()) {
            throw new IOException("no readable checkpoint in " + dir + " (unreadable ones were renamed to *.corrupt): "
                    + String.join("; ", problems) + "; remove the directory to start afresh");
        }
        return Optional.empty();
    }

    static void checkFingerprint(Path file, Map<String, String> actual, Map<String, String> expected)
            throws CheckpointMismatchException {
        TreeSet<String> keys = new TreeSet<>(actual.keySet());
        keys.addAll(expected.keySet());
        List<String> diffs = new ArrayList<>();
        for (String k : keys) {
            String a = actual.get(k);
            String e = expected.get(k);
            if (a == null || !a.equals(e)) {
                diffs.add(k + ": checkpoint " + abbreviate(a) + " vs now " + abbreviate(e));
            }
        }
        if (!diffs.isEmpty()) {
            throw new CheckpointMismatchException(file, String.join("; ", diffs));
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "(absent)";
        }
        return s.length() <= 200 ? "'" + s + "'" : "'" + s.substring(0, 200) + "...'";
    }

    /** Writes a checkpoint as the newest one (atomically), then deletes all but the newest {@link #keep}. */
    public Path save(TrainingCheckpoint c) throws IOException {
        if (nextSequence < 0) {
            nextSequence = 0;
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                // count *.corrupt files too, so that a new checkpoint never reuses a set-aside name
                Pattern any = Pattern.compile("checkpoint-(\\d{9})\\.safetensors(\\.corrupt)?");
                for (Path p : s) {
                    Matcher m = any.matcher(p.getFileName().toString());
                    if (m.matches()) {
                        nextSequence = Math.max(nextSequence, Long.parseLong(m.group(1)) + 1);
                    }
                }
            }
        }
        Path file = dir.resolve(String.format("checkpoint-%09d.safetensors", nextSequence));
        long t0 = System.nanoTime();
        c.write(file);
        writeNanos += System.nanoTime() - t0;
        written++;
        lastBytes = Files.size(file);
        nextSequence++;
        List<Path> files = checkpoints();
        for (int i = 0; i < files.size() - keep; i++) {
            Files.deleteIfExists(files.get(i));
        }
        return file;
    }

    private void deleteTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (TEMP.matcher(p.getFileName().toString()).matches()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Checkpoints written by this instance. */
    public int written() {
        return written;
    }

    /** Total time spent in {@link #save}'s atomic writes, in nanoseconds. */
    public long writeNanos() {
        return writeNanos;
    }

    /** Size of the last checkpoint written, in bytes. */
    public long lastBytes() {
        return lastBytes;
    }
}
