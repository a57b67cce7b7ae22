package io.enhancedrl.spark;

import io.enhancedrl.data.DataLayout;
import io.enhancedrl.data.LoggedDataWriter;
import io.enhancedrl.data.WriteOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a task writes one part file of a logged-data set. The engine's {@link LoggedDataWriter} writes every
 * part, so a part written on an executor has exactly the schema and the footer metadata (format version,
 * layout) of a single-machine file, which Spark's own Parquet writer cannot add (parquet-java takes no
 * footer key-value pairs from the job configuration).
 *
 * <p>A plain path or a {@code file:} URI is written in place (atomic rename at close). Any other scheme
 * (hdfs:, s3a:, abfs: ...) is written to a local temporary file and then copied with the Hadoop
 * {@link FileSystem} of the executor, overwriting: a retried or speculative task rewrites the same part with
 * the same content, because a part's content is a function of its session range.
 */
final class PartOutput {

    private PartOutput() {
    }

    /** The part's name: the first session id, zero-padded, so that name order is session order. */
    static String partName(long firstSession) {
        return String.format("part-s%012d.parquet", firstSession);
    }

    interface StepWriter {
        void write(LoggedDataWriter writer) throws IOException;
    }

    /** Writes one part into the data set directory {@code dirUri}; returns the part's URI and step count. */
    static String[] write(String dirUri, String name, DataLayout layout, StepWriter body) throws IOException {
        URI dir = URI.create(dirUri.endsWith("/") ? dirUri : dirUri + "/");
        String scheme = dir.getScheme();
        WriteOptions options = WriteOptions.defaults().withOverwrite(true);
        if (scheme == null || scheme.equals("file")) {
            Path target = (scheme == null ? Path.of(dirUri) : Path.of(dir)).resolve(name);
            Files.createDirectories(target.getParent());
            long steps;
            try (LoggedDataWriter w = new LoggedDataWriter(target, layout, options)) {
                body.write(w);
                steps = w.stepsWritten();
            }
            return new String[]{target.toUri().toString(), Long.toString(steps)};
        }
        Path local = Files.createTempFile("enhancedrl-part-", ".parquet");
        try {
            long steps;
            try (LoggedDataWriter w = new LoggedDataWriter(local, layout, options)) {
                body.write(w);
                steps = w.stepsWritten();
            }
            URI target = dir.resolve(name);
            org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(target);
            FileSystem fs = FileSystem.get(target, new Configuration());
            fs.copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(local.toUri()), dst);
            return new String[]{target.toString(), Long.toString(steps)};
        } finally {
            Files.deleteIfExists(local);
        }
    }
}
