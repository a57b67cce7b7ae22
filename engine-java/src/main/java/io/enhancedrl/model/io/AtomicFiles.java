package io.enhancedrl.model.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically: the content is written to a temporary file in the same directory, flushed to
 * the device ({@code fsync}) and renamed over the target. Readers of the target path therefore see either the
 * complete old file or the complete new one, never a partial write; if anything fails, the temporary file
 * is removed and the old file is untouched.
 */
final class AtomicFiles {

    /** Where a test can inject a failure (see {@link #FAULTS}). */
    enum Stage { AFTER_HEADER, BEFORE_FSYNC, BEFORE_MOVE }

    /** A failure injected by tests at a {@link Stage}. */
    @FunctionalInterface
    interface FaultInjector {
        void at(Stage stage, Path tempFile) throws IOException;
    }

    /** Writes the file content into the open temporary file. */
    @FunctionalInterface
    interface Body {
        void write(FileChannel channel, Path tempFile) throws IOException;
    }

    /**
     * Test hook: when set on the current thread, called at each {@link Stage} of a write. Thread-local so a
     * test cannot disturb writes made by other threads.
     */
    static final ThreadLocal<FaultInjector> FAULTS = new ThreadLocal<>();

    private static final int MAX_TEMP_BASE = 100;

    private AtomicFiles() {
    }

    static void fault(Stage stage, Path tempFile) throws IOException {
        FaultInjector f = FAULTS.get();
        if (f != null) {
            f.at(stage, tempFile);
        }
    }

    static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) {
            throw new IOException("path: expected a file path but was '" + target + "'");
        }
        Path tmp = null;
        boolean moved = false;
        try {
            FileChannel ch = null;
            // A random name opened with CREATE_NEW: no collision with a concurrent writer, and the file gets the
            // default permissions (umask) like any newly written file, unlike Files.createTempFile's 0600.
            for (int attempt = 0; ch == null; attempt++) {
                tmp = dir.resolve(tempName(abs.getFileName().toString()));
                try {
                    ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    tmp = null;
                    if (attempt >= 16) {
                        throw e;
                    }
                }
            }
            try (FileChannel c = ch) {
                body.write(c, tmp);
                fault(Stage.BEFORE_FSYNC, tmp);
                c.force(true);
            }
            fault(Stage.BEFORE_MOVE, tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Never fall back to a copy: that would expose a partial file at the target path.
                throw new IOException("cannot replace " + abs + " atomically (file system does not support atomic "
                        + "rename); the old file is unchanged", e);
            }
            moved = true;
        } finally {
            if (!moved && tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException cleanup) {
                    // Keep the original failure; a leftover temp file is harmless and has a recognisable name.
                }
            }
        }
        fsyncDirectory(dir);
    }

    /** Hidden, recognisable temp name: {@code .<name>.<random>.tmp}, base shortened to stay within name limits. */
    static String tempName(String base) {
        String b = base.length() > MAX_TEMP_BASE ? base.substring(0, MAX_TEMP_BASE) : base;
        return "." + b + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp";
    }

    /**
     * Makes the rename itself durable. Opening a directory for reading works on Linux and macOS; where it does
     * not (Windows) the rename is still atomic, only its durability after a power loss is not forced.
     */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort, see above
        }
    }
}
