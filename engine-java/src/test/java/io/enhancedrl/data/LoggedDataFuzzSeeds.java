package io.enhancedrl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed corpus of {@link LoggedDataFuzzTargetTest}: small files of a small layout, so that the fuzzer mutates
 * inputs of a few KB. Valid files (one per codec, a Spark-style file with optional columns) start the fuzzer
 * past the footer checks; truncations and a file with a bad row start it on the rejection paths. Committed
 * under src/test/resources/io/enhancedrl/data/LoggedDataFuzzTargetTestInputs/readLoggedData and checked by
 * {@link LoggedDataFuzzSeedsTest}, which rewrites them with {@code -Derl.regenerateSeeds=true}.
 */
final class LoggedDataFuzzSeeds {

    /** Small widths: each file is a few KB, mostly Parquet metadata. */
    static final DataLayout LAYOUT = new DataLayout(2, 1, 2, 2, 2, 1);

    /** Seeds whose name starts with this read to the end; all others are rejected. */
    static final String VALID_PREFIX = "valid_";

    private LoggedDataFuzzSeeds() {
    }

    /** Writes every seed into {@code dir} (scratch files go to {@code scratch}); returns name -> bytes. */
    static Map<String, byte[]> generate(Path scratch) throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        List<LoggedStep> steps = TestSteps.randomSteps(LAYOUT, 3, 3, 7);
        for (WriteOptions.Compression c : WriteOptions.Compression.values()) {
            Path f = scratch.resolve("valid_" + c.name().toLowerCase() + ".parquet");
            try (LoggedDataWriter w = new LoggedDataWriter(f, LAYOUT,
                    WriteOptions.defaults().withCompression(c).withOverwrite(true))) {
                for (LoggedStep s : steps) {
                    w.write(s);
                }
            }
            seeds.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
        Path spark = scratch.resolve("valid_spark_optional_columns.parquet");
        TestSteps.writeWithGroupApi(spark, TestSteps.optionalSchema(), TestSteps.metadata(LAYOUT), steps);
        seeds.put(spark.getFileName().toString(), Files.readAllBytes(spark));

        List<LoggedStep> bad = new ArrayList<>(TestSteps.randomSteps(LAYOUT, 3, 3, 7));
        bad.get(1).userFeatures[0] = Float.NaN;
        Path nan = scratch.resolve("row1_nan.parquet");
        TestSteps.writeWithGroupApi(nan, StepSchema.SCHEMA, TestSteps.metadata(LAYOUT), bad);
        seeds.put(nan.getFileName().toString(), Files.readAllBytes(nan));

        byte[] base = seeds.get("valid_none.parquet");
        int[] cuts = {0, 4, base.length / 2, base.length - 9, base.length - 8, base.length - 4, base.length - 1};
        for (int cut : cuts) {
            seeds.put("trunc_" + cut + "_of_" + base.length + ".parquet", Arrays.copyOf(base, cut));
        }
        return seeds;
    }
}
