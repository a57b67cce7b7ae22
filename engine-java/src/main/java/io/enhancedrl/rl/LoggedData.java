package io.enhancedrl.rl;

import io.enhancedrl.data.DataLayout;
import io.enhancedrl.data.LoggedDataset;
import io.enhancedrl.data.LoggedStep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a logged-data set (a Parquet file or a folder of parts) as a stream and keeps, per step, only what
 * the trainer needs (shown candidates plus a weighted sample of unshown ones): the files need not fit in
 * memory, only the compact records do.
 */
public final class LoggedData {

    private LoggedData() {
    }

    public static List<StepRecord> load(LoggedDataset dataset, RlConfig cfg, long seed) throws IOException {
        DataLayout layout = dataset.layout();
        StepRecordBuilder builder = new StepRecordBuilder(cfg, seed);
        List<StepRecord> out = new ArrayList<>();
        LoggedStep step = new LoggedStep();
        try (var reader = dataset.openReader()) {
            while (reader.next(step)) {
                out.add(builder.add(step, layout.itemWidth(), layout.tasks()));
            }
        }
        return out;
    }
}
