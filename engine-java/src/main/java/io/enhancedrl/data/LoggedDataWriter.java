package io.enhancedrl.data;

import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.PrimitiveType;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;

/**
 * Writes logged steps to one Parquet file (format: docs/data-format.md), on the local file system,
 * without Hadoop.
 *
 * <p><b>Validation.</b> Every step is checked against the layout before any byte of it is written
 * (lengths, finite values, ranges, shown indices; see {@link LoggedStep}); a bad step throws
 * {@link IllegalArgumentException} naming the field, the expected and the actual value.
 *
 * <p><b>Atomicity.</b> Rows go to a hidden temporary file beside the target (".NAME.*.tmp", which Spark
 * and {@link LoggedDataset} ignore); {@link #close()} finishes it, forces it to disk and renames it onto
 * the target in one atomic move, so the target is either absent (or the previous file) or complete.
 * Once a {@link #write} has failed, for a bad step or an I/O error, the writer is failed: later writes
 * throw {@link IllegalStateException} and close() deletes the temporary file and throws, so a
 * try-with-resources block that ends in an exception leaves no partial target. To discard the output
 * for a reason of the caller's own, call {@link #abort()}.
 *
 * <p>Not thread-safe.
 */
public final class LoggedDataWriter implements AutoCloseable {

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Path target;
    private final Path temp;
    private final DataLayout layout;
    private final WriteOptions options;
    private final ParquetWriter<LoggedStep> writer;
    private long steps;
    private String failure;
    private boolean closed;

    /** Writes {@code file} with {@link WriteOptions#defaults()}. */
    public LoggedDataWriter(Path file, DataLayout layout) throws IOException {
        this(file, layout, WriteOptions.defaults());
    }

    /**
     * Starts a file. Creates missing parent directories.
     *
     * @throws FileAlreadyExistsException when {@code file} exists and {@code options.overwrite()} is false
     */
    public LoggedDataWriter(Path file, DataLayout layout, WriteOptions options) throws IOException {
        this.target = Objects.requireNonNull(file, "file").toAbsolutePath();
        this.layout = Objects.requireNonNull(layout, "layout");
        this.options = Objects.requireNonNull(options, "options");
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException("file: " + target + " is a directory; pass the path of a file");
        }
        if (!options.overwrite() && Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "the target exists and overwrite is off");
        }
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: it makes the file owner-only (0600), which the rename would carry to
        // the target. A random name created by parquet (CREATE fails if it exists) keeps the umask.
        this.temp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        try {
            Builder b = new Builder(new LocalOutputFile(temp), StepSchema.metadata(layout, options.extraMetadata()))
                    .withConf(new PlainParquetConfiguration())
                    .withCodecFactory(new LocalCodecs())
                    .withCompressionCodec(options.compression().parquetName)
                    .withRowGroupSize(options.rowGroupBytes())
                    .withWriteMode(ParquetFileWriter.Mode.CREATE)
                    .withPageWriteChecksumEnabled(true)
                    .withDictionaryEncoding(true);
            // Float columns hold near-unique values: a dictionary would be built, overflow and be thrown
            // away on every page. Integer columns (ids, indices, counts) keep it.
            for (StepField f : StepField.values()) {
                if (f.list && f.type == PrimitiveType.PrimitiveTypeName.FLOAT) {
                    b.withDictionaryEncoding(f.column + ".list.element", false);
                }
            }
            this.writer = b.build();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Validates {@code step} and appends it as the next row.
     *
     * @throws IllegalArgumentException the step does not fit the layout (nothing is written; the writer is failed)
     * @throws IllegalStateException    the writer is closed or failed
     */
    public void write(LoggedStep step) throws IOException {
        if (closed) {
            throw new IllegalStateException("writer for " + target + " is closed");
        }
        if (failure != null) {
            throw new IllegalStateException("writer for " + target + " failed earlier (" + failure + "); nothing more can be written");
        }
        Objects.requireNonNull(step, "step");
        String problem = StepValidator.problem(step, layout, false);
        if (problem != null) {
            String message = "step " + steps + " (session " + step.sessionId + ", step index " + step.stepIndex
                    + ") does not fit " + layout + ": " + problem;
            failure = message;
            throw new IllegalArgumentException(message);
        }
        try {
            writer.write(step);
        } catch (IOException | RuntimeException e) {
            failure = "writing step " + steps + " failed: " + e;
            throw e;
        }
        steps++;
    }

    /** Rows written so far. */
    public long stepsWritten() {
        return steps;
    }

    public DataLayout layout() {
        return layout;
    }

    /** The target path (absolute). */
    public Path file() {
        return target;
    }

    /** Discards everything written: deletes the temporary file; the target is left as it was. Idempotent. */
    public void abort() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        discard(null);
    }

    /**
     * Finishes the file and renames it onto the target. If a write failed earlier, deletes the temporary
     * file instead and throws. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (failure != null) {
            IOException e = new IOException(target + ": not written because an earlier write failed: " + failure);
            discard(e);
            throw e;
        }
        try {
            writer.close();
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            if (!options.overwrite() && Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString(), null,
                        "the target appeared while writing and overwrite is off");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException d) {
                e.addSuppressed(d);
            }
            throw e;
        }
    }

    private void discard(IOException primary) throws IOException {
        try {
            writer.close(); // releases buffers and the stream; the bytes go to the temp file only
        } catch (IOException | RuntimeException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
        Files.deleteIfExists(temp);
    }

    private static final class Builder extends ParquetWriter.Builder<LoggedStep, Builder> {
        private final Map<String, String> metadata;

        Builder(OutputFile file, Map<String, String> metadata) {
            super(file);
            this.metadata = metadata;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<LoggedStep> getWriteSupport(ParquetConfiguration conf) {
            return new StepWriteSupport(metadata);
        }

        /** Hadoop's entry point; unused (the writer passes a PlainParquetConfiguration). */
        @Override
        @SuppressWarnings("deprecation") // abstract in parquet 1.17, so it must be implemented
        protected WriteSupport<LoggedStep> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return new StepWriteSupport(metadata);
        }
    }
}
