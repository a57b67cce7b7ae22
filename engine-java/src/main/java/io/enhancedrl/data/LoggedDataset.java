package io.enhancedrl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A logged data set: one Parquet file, or a directory of part files read in file-name order
 * (part-00000.parquet, part-00001.parquet, ...; see {@link #partFile(Path, int)}). In a directory every
 * regular file whose name ends in ".parquet" is a part, except hidden ones (starting with "." or "_",
 * as Spark and the writer's temporary files are); other files (such as Spark's _SUCCESS) are ignored.
 *
 * <p>{@link #open} reads every part's footer and checks that all parts have the same layout, so a mixed
 * data set fails at once, not halfway through an epoch. Rows are read only by {@link #openReader()} and
 * {@link #forEach}.
 */
public final class LoggedDataset {

    private final Path root;
    private final List<Path> parts;
    private final List<Long> rowCounts;
    private final DataLayout layout;

    private LoggedDataset(Path root, List<Path> parts, List<Long> rowCounts, DataLayout layout) {
        this.root = root;
        this.parts = parts;
        this.rowCounts = rowCounts;
        this.layout = layout;
    }

    /** The conventional name of part {@code index} in {@code dir}: dir/part-00042.parquet. */
    public static Path partFile(Path dir, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index: expected >= 0 but was " + index);
        }
        return dir.resolve(String.format(Locale.ROOT, "part-%05d.parquet", index));
    }

    /**
     * Opens a single file or a directory of parts and checks every part's footer, metadata and schema.
     *
     * @throws NoSuchFileException {@code dirOrFile} does not exist
     * @throws DataFormatException a part is malformed, the directory has no parts, or layouts differ
     */
    public static LoggedDataset open(Path dirOrFile) throws IOException {
        Path root = dirOrFile.toAbsolutePath();
        if (!Files.exists(root)) {
            throw new NoSuchFileException(root.toString());
        }
        List<Path> parts = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                s.filter(LoggedDataset::isPart).sorted().forEach(parts::add);
            }
            if (parts.isEmpty()) {
                throw new DataFormatException(root, "no part files: expected files named *.parquet (not starting with '.' or '_')");
            }
        } else {
            parts.add(root);
        }
        List<Long> counts = new ArrayList<>();
        DataLayout layout = null;
        for (Path part : parts) {
            try (LoggedDataReader r = LoggedDataReader.open(part)) {
                if (layout == null) {
                    layout = r.layout();
                } else if (!layout.equals(r.layout())) {
                    throw new DataFormatException(part, "layout " + r.layout() + " differs from " + layout + " of "
                            + parts.getFirst() + "; all parts of a data set must share one layout");
                }
                counts.add(r.rowCount());
            }
        }
        return new LoggedDataset(root, List.copyOf(parts), List.copyOf(counts), layout);
    }

    private static boolean isPart(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_") && Files.isRegularFile(p);
    }

    /** The directory or file this data set was opened from (absolute). */
    public Path root() {
        return root;
    }

    /** The part files in reading order. */
    public List<Path> parts() {
        return parts;
    }

    public DataLayout layout() {
        return layout;
    }

    /** Steps in all parts, from the footers read at {@link #open} (no row is read). */
    public long countSteps() {
        long n = 0;
        for (long c : rowCounts) {
            n += c;
        }
        return n;
    }

    /** A source over all steps of all parts, in order; it opens one part at a time. */
    public StepSource openReader() {
        return new Chain();
    }

    /**
     * Calls {@code action} for every step in order. The same {@link LoggedStep} instance is passed each
     * time and overwritten by the next step: keep a {@link LoggedStep#copy()} if you need one later.
     */
    public void forEach(Consumer<? super LoggedStep> action) throws IOException {
        LoggedStep step = new LoggedStep();
        try (StepSource source = openReader()) {
            while (source.next(step)) {
                action.accept(step);
            }
        }
    }

    /** Reads the parts one after another; a part is re-checked when opened (it may have changed). */
    private final class Chain implements StepSource {
        private int nextPart;
        private LoggedDataReader current;
        private boolean closed;

        @Override
        public DataLayout layout() {
            return layout;
        }

        @Override
        public boolean next(LoggedStep into) throws IOException {
            if (closed) {
                throw new IllegalStateException("reader over " + root + " is closed");
            }
            while (true) {
                if (current == null) {
                    if (nextPart == parts.size()) {
                        return false;
                    }
                    Path part = parts.get(nextPart++);
                    current = LoggedDataReader.open(part);
                    if (!current.layout().equals(layout)) {
                        throw new DataFormatException(part, "layout " + current.layout() + " differs from " + layout
                                + " (the part changed after the data set was opened)");
                    }
                }
                if (current.next(into)) {
                    return true;
                }
                current.close();
                current = null;
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                if (current != null) {
                    current.close();
                    current = null;
                }
            }
        }
    }
}
