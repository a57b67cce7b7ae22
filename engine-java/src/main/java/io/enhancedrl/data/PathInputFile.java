package io.enhancedrl.data;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.IOException;
import java.nio.file.Path;

/**
 * parquet's LocalInputFile, named by its path: parquet puts the InputFile's toString() into its
 * messages ("... is not a Parquet file"), and LocalInputFile's is an object hash.
 */
final class PathInputFile implements InputFile {

    private final Path path;
    private final LocalInputFile delegate;

    PathInputFile(Path path) {
        this.path = path;
        this.delegate = new LocalInputFile(path);
    }

    @Override
    public long getLength() throws IOException {
        return delegate.getLength();
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
        return delegate.newStream();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
