package io.enhancedrl.spark;

import io.enhancedrl.data.DataFormatException;
import io.enhancedrl.data.DataLayout;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

import static org.apache.spark.sql.functions.col;

/**
 * A logged-data set as Spark reads it, checked as strictly as the engine's own reader checks it
 * (docs/data-format.md):
 * <ul>
 *   <li>the layout comes from the parts' footers (format name, version, widths), read on the driver through
 *       Hadoop's file systems (so {@code hdfs:} and {@code s3a:} work); parts that declare different layouts, a
 *       part that is not an EnhancedRL file and a set without parts are errors naming the file. Spark's own
 *       reader ignores this metadata, which is why it is read here;</li>
 *   <li>every row carries its file and its 0-based row in that file (Spark's hidden {@code _metadata} columns,
 *       kept as {@link #FILE_COLUMN} and {@link #ROW_COLUMN} through shuffles), so that a bad record found on an
 *       executor is reported as "file: row N: column ..." exactly as a single-machine read reports it.</li>
 * </ul>
 * Reading the footers costs one small read per part on the driver (a set of 400 parts: 400 footer reads).
 *
 * @param steps  the rows of the set plus {@link #FILE_COLUMN} and {@link #ROW_COLUMN}
 * @param layout the layout every part declares
 */
public record SparkLoggedData(Dataset<Row> steps, DataLayout layout) {

    /** The file a row was read from (a URI string). */
    public static final String FILE_COLUMN = "_erl_file";
    /** The row's 0-based index in its file. */
    public static final String ROW_COLUMN = "_erl_row";

    /** Opens the data set at {@code path} (a directory or file; a plain path or any Hadoop URI). */
    public static SparkLoggedData read(SparkSession spark, String path) throws IOException {
        Dataset<Row> raw;
        try {
            raw = spark.read().parquet(path);
        } catch (RuntimeException e) {
            throw new DataFormatException(Path.of(path), DataFormatException.NO_ROW,
                    "Spark cannot read it as a Parquet data set (" + e.getMessage() + ")", e);
        }
        String[] files = raw.inputFiles();
        if (files.length == 0) {
            throw new DataFormatException(Path.of(path), "expected at least one Parquet part but the data set has none");
        }
        java.util.Arrays.sort(files);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DataLayout layout = null;
        for (String f : files) {
            DataLayout l = footerLayout(f, conf);
            if (layout == null) {
                layout = l;
            } else if (!layout.equals(l)) {
                throw new DataFormatException(Path.of(f), "its layout " + l + " differs from " + layout + " of "
                        + files[0] + "; a data set holds one layout");
            }
        }
        Dataset<Row> steps = raw.select(col("*"), col("_metadata.file_path").as(FILE_COLUMN),
                col("_metadata.row_index").as(ROW_COLUMN));
        return new SparkLoggedData(steps, layout);
    }

    private static DataLayout footerLayout(String file, Configuration conf) throws IOException {
        Path named = Path.of(file);
        try (ParquetFileReader r = ParquetFileReader.open(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(URI.create(file)), conf))) {
            return DataLayout.fromMetadata(r.getFooter().getFileMetaData().getKeyValueMetaData(), named);
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(named, DataFormatException.NO_ROW,
                    "not a Parquet file, or truncated, or its footer is corrupt (" + e.getMessage() + ")", e);
        }
    }
}
