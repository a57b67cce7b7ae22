package io.enhancedrl.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A logged-data file (or a row in it) is not what the format promises: not Parquet, truncated, a corrupt
 * footer or page, missing or wrong-typed columns, missing or unknown format metadata, a row whose lengths
 * disagree with the file's layout, non-finite values, bad shown indices, or parts of a data set with
 * different layouts.
 *
 * <p>It is an {@link IOException} because it is a property of the input, like a read error, and every
 * caller that opens a file already handles IOException. Invalid steps handed to
 * {@link LoggedDataWriter#write} are a caller bug and throw {@link IllegalArgumentException} instead.
 *
 * <p>The message always starts with the file, then the row when one is involved ("row 17", 0-based in
 * the file), then the problem.
 */
public final class DataFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** {@link #row()} when the problem is not about one row. */
    public static final long NO_ROW = -1;

    private final transient Path file;
    private final long row;

    public DataFormatException(Path file, String problem) {
        this(file, NO_ROW, problem, null);
    }

    public DataFormatException(Path file, long row, String problem) {
        this(file, row, problem, null);
    }

    public DataFormatException(Path file, long row, String problem, Throwable cause) {
        super(file + (row >= 0 ? ": row " + row : "") + ": " + problem, cause);
        this.file = file;
        this.row = row;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The 0-based row in {@link #file()}, or {@link #NO_ROW}. */
    public long row() {
        return row;
    }
}
