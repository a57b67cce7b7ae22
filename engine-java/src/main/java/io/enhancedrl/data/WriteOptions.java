package io.enhancedrl.data;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.util.Map;

/**
 * How a {@link LoggedDataWriter} writes: page compression, row-group size, whether an existing target may
 * be replaced, and extra key-value metadata (provenance such as the simulator seed or behaviour names).
 *
 * @param compression   page compression (default {@link Compression#ZSTD})
 * @param rowGroupBytes target bytes per Parquet row group, >= 1 MiB (default 32 MiB). A reader holds one
 *                      row group's column chunks in memory at a time, so this bounds its footprint; it is
 *                      also Spark's unit of parallelism when splitting a file.
 * @param overwrite     replace an existing target file on close (default false: the constructor refuses)
 * @param extraMetadata extra key-value metadata; keys starting with "enhancedrl." are reserved
 */
public record WriteOptions(Compression compression, long rowGroupBytes, boolean overwrite,
                           Map<String, String> extraMetadata) {

    /** Page compression codecs the writer offers (all are standard Parquet codecs that Spark reads). */
    public enum Compression {
        NONE(CompressionCodecName.UNCOMPRESSED),
        SNAPPY(CompressionCodecName.SNAPPY),
        ZSTD(CompressionCodecName.ZSTD),
        GZIP(CompressionCodecName.GZIP);

        final CompressionCodecName parquetName;

        Compression(CompressionCodecName parquetName) {
            this.parquetName = parquetName;
        }
    }

    public static final long DEFAULT_ROW_GROUP_BYTES = 32L << 20;

    public WriteOptions {
        if (compression == null) {
            throw new IllegalArgumentException("compression must not be null");
        }
        if (rowGroupBytes < (1L << 20) || rowGroupBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rowGroupBytes: expected in [1 MiB, 2 GiB) but was " + rowGroupBytes);
        }
        extraMetadata = Map.copyOf(extraMetadata == null ? Map.of() : extraMetadata);
        for (String key : extraMetadata.keySet()) {
            if (key.startsWith(StepSchema.RESERVED_PREFIX)) {
                throw new IllegalArgumentException("extraMetadata: key '" + key + "' uses the reserved prefix '"
                        + StepSchema.RESERVED_PREFIX + "'");
            }
        }
    }

    /** ZSTD, 32 MiB row groups, no overwrite, no extra metadata. */
    public static WriteOptions defaults() {
        return new WriteOptions(Compression.ZSTD, DEFAULT_ROW_GROUP_BYTES, false, Map.of());
    }

    public WriteOptions withCompression(Compression c) {
        return new WriteOptions(c, rowGroupBytes, overwrite, extraMetadata);
    }

    public WriteOptions withRowGroupBytes(long bytes) {
        return new WriteOptions(compression, bytes, overwrite, extraMetadata);
    }

    public WriteOptions withOverwrite(boolean o) {
        return new WriteOptions(compression, rowGroupBytes, o, extraMetadata);
    }

    public WriteOptions withExtraMetadata(Map<String, String> m) {
        return new WriteOptions(compression, rowGroupBytes, overwrite, m);
    }
}
