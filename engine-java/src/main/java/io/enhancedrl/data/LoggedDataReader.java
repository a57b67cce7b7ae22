package io.enhancedrl.data;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Streams the steps of one logged-data Parquet file (format: docs/data-format.md), one row group in
 * memory at a time, into a caller's reusable {@link LoggedStep}.
 *
 * <p>Opening checks the footer, the format metadata (name, version, layout), the columns and their types
 * and the compression codecs. Every row is then checked like the writer checks a step (lengths against
 * the layout and the row's candidate count, finite values, ranges, shown indices); a bad row throws
 * {@link DataFormatException} naming the file, the 0-based row and the problem. Page checksums, which
 * the writer always stores, are verified, so a flipped bit in a page is reported rather than read.
 *
 * <p>Not thread-safe.
 */
public final class LoggedDataReader implements StepSource {

    private final Path file;
    private final ParquetFileReader reader;
    private final DataLayout layout;
    private final Map<String, String> metadata;
    private final MessageColumnIO columnIO;
    private final StepMaterializer materializer = new StepMaterializer();
    private RecordReader<LoggedStep> records;
    private long rowsLeftInGroup;
    private long row;
    private boolean failed;
    private boolean closed;

    private LoggedDataReader(Path file, ParquetFileReader reader, DataLayout layout, Map<String, String> metadata,
                             MessageColumnIO columnIO) {
        this.file = file;
        this.reader = reader;
        this.layout = layout;
        this.metadata = metadata;
        this.columnIO = columnIO;
    }

    /**
     * Opens {@code file} and checks its footer, metadata and schema (no row is read yet).
     *
     * @throws NoSuchFileException the file does not exist
     * @throws DataFormatException the file is not a readable logged-step Parquet file
     */
    public static LoggedDataReader open(Path file) throws IOException {
        Path f = file.toAbsolutePath();
        if (!Files.exists(f)) {
            throw new NoSuchFileException(f.toString());
        }
        if (!Files.isRegularFile(f)) {
            throw new DataFormatException(f, "not a regular file (for a directory of parts use LoggedDataset.open)");
        }
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(new LocalCodecs())
                .usePageChecksumVerification(true)
                .build();
        ParquetFileReader reader;
        try {
            reader = ParquetFileReader.open(new PathInputFile(f), options);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String detail = String.valueOf(e.getMessage()).replace(f.toString(), "the file");
            throw new DataFormatException(f, DataFormatException.NO_ROW,
                    "not a Parquet file, or truncated, or its footer is corrupt (" + detail + ")", e);
        }
        try {
            Map<String, String> meta = withoutNullValues(reader.getFooter().getFileMetaData().getKeyValueMetaData());
            DataLayout layout = StepSchema.layoutFrom(meta, f);
            MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
            MessageType projection = StepSchema.projection(fileSchema, f);
            checkCodecs(reader, f);
            checkChunkExtents(reader, f, Files.size(f));
            reader.setRequestedSchema(projection);
            MessageColumnIO io = new ColumnIOFactory(false).getColumnIO(projection, fileSchema);
            return new LoggedDataReader(f, reader, layout, meta, io);
        } catch (IOException | RuntimeException e) {
            try {
                reader.close();
            } catch (IOException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /**
     * The footer's key-value metadata. A value is optional in the Parquet format, so a key may come without
     * one; such keys are left out (a format key without a value is then reported as missing). Found by
     * fuzzing (LoggedDataFuzzTargetTest): Map.copyOf threw a NullPointerException out of open().
     */
    static Map<String, String> withoutNullValues(Map<String, String> footer) {
        Map<String, String> kept = new java.util.LinkedHashMap<>();
        footer.forEach((k, v) -> {
            if (k != null && v != null) {
                kept.put(k, v);
            }
        });
        return Map.copyOf(kept);
    }

    /**
     * Every column chunk the footer describes must lie inside the file. The reader allocates a chunk's bytes as
     * the footer states them before reading, so a corrupt size would be an OutOfMemoryError instead of an error
     * naming the file (found by fuzzing: LoggedDataFuzzTargetTest, crash-b502290c...).
     */
    static void checkChunkExtents(ParquetFileReader reader, Path file, long fileBytes) throws DataFormatException {
        int group = 0;
        for (BlockMetaData block : reader.getRowGroups()) {
            for (ColumnChunkMetaData column : block.getColumns()) {
                long start = column.getStartingPos();
                long size = column.getTotalSize();
                if (start < 0 || size < 0 || start > fileBytes || size > fileBytes - start) {
                    throw new DataFormatException(file, "column '" + column.getPath().toDotString() + "' of row group "
                            + group + ": the footer puts it at bytes [" + start + ", " + (start + size)
                            + ") but the file has " + fileBytes + " bytes (corrupt footer or truncated file)");
                }
            }
            group++;
        }
    }

    private static void checkCodecs(ParquetFileReader reader, Path file) throws DataFormatException {
        for (BlockMetaData block : reader.getRowGroups()) {
            for (ColumnChunkMetaData column : block.getColumns()) {
                if (!LocalCodecs.supports(column.getCodec())) {
                    throw new DataFormatException(file, "column '" + column.getPath().toDotString()
                            + "' is compressed with " + column.getCodec() + ", which this reader does not support (supported: "
                            + LocalCodecs.SUPPORTED + ")");
                }
            }
        }
    }

    @Override
    public DataLayout layout() {
        return layout;
    }

    /** The file (absolute). */
    public Path file() {
        return file;
    }

    /** All key-value metadata of the file, including the caller's extra keys (keys that have no value are left out). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Rows in the file, from the footer (no row is read). */
    public long rowCount() {
        return reader.getRecordCount();
    }

    /** Rows returned so far; also the 0-based row number of the next one. */
    public long rowsRead() {
        return row;
    }

    @Override
    public boolean next(LoggedStep into) throws IOException {
        if (closed) {
            throw new IllegalStateException("reader for " + file + " is closed");
        }
        if (failed) {
            throw new IllegalStateException("reader for " + file + " failed at row " + row + " and cannot continue");
        }
        failed = true; // cleared on success: any exception below leaves the reader failed
        while (rowsLeftInGroup == 0) {
            PageReadStore pages;
            try {
                pages = reader.readNextRowGroup();
            } catch (IOException | RuntimeException e) {
                throw new DataFormatException(file, DataFormatException.NO_ROW,
                        "cannot read the row group starting at row " + row + " (" + e.getMessage() + ")", e);
            }
            if (pages == null) {
                if (row != reader.getRecordCount()) {
                    throw new DataFormatException(file, "the footer promises " + reader.getRecordCount()
                            + " rows but the row groups end after " + row);
                }
                failed = false;
                return false;
            }
            rowsLeftInGroup = pages.getRowCount();
            try {
                // building the record reader already reads (and decompresses) the first page of every column
                records = columnIO.getRecordReader(pages, materializer);
            } catch (RuntimeException e) {
                throw new DataFormatException(file, row, "cannot decode the row group's first pages ("
                        + e.getMessage() + ")", e);
            }
        }
        try {
            records.read();
        } catch (RuntimeException e) {
            throw new DataFormatException(file, row, "cannot decode the row (" + e.getMessage() + ")", e);
        }
        String problem = materializer.finish(into);
        if (problem == null) {
            problem = StepValidator.problem(into, layout, true);
        }
        if (problem != null) {
            throw new DataFormatException(file, row, problem);
        }
        rowsLeftInGroup--;
        row++;
        failed = false;
        return true;
    }

    /** Idempotent. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            reader.close();
        }
    }
}
