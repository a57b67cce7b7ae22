package io.enhancedrl.data;

import java.io.IOException;

/**
 * A stream of logged steps read into a caller's holder: one file ({@link LoggedDataReader}) or all parts
 * of a data set in order ({@link LoggedDataset#openReader()}). Nothing beyond the current Parquet row
 * group is held in memory.
 */
public interface StepSource extends AutoCloseable {

    /** The widths every step has. */
    DataLayout layout();

    /**
     * Reads the next step into {@code into}, reusing its arrays where their lengths fit.
     *
     * @return false at the end (then {@code into} is unchanged)
     * @throws DataFormatException the next row is malformed; the content of {@code into} is then
     *                             unspecified and the source cannot continue
     */
    boolean next(LoggedStep into) throws IOException;

    @Override
    void close() throws IOException;
}
