package io.enhancedrl.model.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes F32 tensors in the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, so that other safetensors readers can open the files.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON, an object mapping each
 * tensor name to {@code {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}} plus an optional
 * {@code "__metadata__"} object of string values; then the data buffer, offsets relative to its start,
 * tensors little-endian in C (row-major) order. The writer pads the header with spaces so the data buffer
 * starts 8-byte aligned, and lays tensors out contiguously in the map's iteration order.
 *
 * <p>The reader validates everything before trusting it (see {@link #read(Path)}); writes are atomic
 * (see {@link #write(Path, LinkedHashMap, Map)}).
 */
public final class SafeTensors {

    /** Largest header the reader accepts; a larger length prefix is treated as corruption. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** Size of a Java array the reader is willing to allocate per tensor (a little under Integer.MAX_VALUE). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final int IO_CHUNK_BYTES = 1 << 16;
    private static final JsonFactory JSON = new JsonFactory();

    private SafeTensors() {
    }

    /**
     * An F32 tensor: its shape and its values in C order. The shape is copied; the data array is not (tensors
     * can be large), so callers must not modify it after handing it over.
     */
    public record Tensor(long[] shape, float[] data) {

        public Tensor {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
            shape = shape.clone();
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    throw new IllegalArgumentException("shape[" + i + "]: expected >= 0 but was " + shape[i]);
                }
                n = Math.multiplyExact(n, shape[i]);
            }
            if (n != data.length) {
                throw new IllegalArgumentException("data.length: expected " + n + " (product of shape "
                        + Arrays.toString(shape) + ") but was " + data.length);
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            // Bitwise float comparison (Arrays.equals uses floatToIntBits): a round trip must be exact.
            return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Tensor" + Arrays.toString(shape);
        }
    }

    /** What {@link #read(Path)} returns: tensors in data-buffer order, and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /**
     * A validated header: tensor entries sorted by offset, metadata, and where the data buffer lies in the file
     * ({@code dataStart = 8 + header length}).
     */
    public record Header(List<TensorEntry> tensors, Map<String, String> metadata, long dataStart, long dataLength) {
    }

    /**
     * Writes {@code tensors} (in iteration order) and {@code metadata} to {@code path}, atomically: a temporary
     * file in the same directory is written, fsynced and renamed over {@code path}. No partial file is ever
     * visible at {@code path}; on failure the previous file (if any) is unchanged and the temporary file is
     * removed.
     *
     * @throws IllegalArgumentException for an empty or reserved tensor name, a null metadata key or value, or a
     *                                  non-finite value (the reader would reject the file)
     */
    public static void write(Path path, LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensors, "tensors");
        Map<String, String> meta = metadata == null ? Map.of() : metadata;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals("__metadata__")) {
                throw new IllegalArgumentException("tensors: tensor name must be non-empty and not '__metadata__' but was "
                        + (name == null ? "null" : "'" + name + "'"));
            }
            Tensor t = Objects.requireNonNull(e.getValue(), () -> "tensors['" + name + "']");
            int bad = firstNonFinite(t.data);
            if (bad >= 0) {
                throw new IllegalArgumentException("tensors['" + name + "']: non-finite value " + t.data[bad]
                        + " at flat index " + bad + " (shape " + Arrays.toString(t.shape) + "); refusing to write a file"
                        + " the reader would reject");
            }
        }
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("metadata: keys and values must be non-null strings but found "
                        + e.getKey() + " -> " + e.getValue());
            }
        }
        byte[] header = encodeHeader(tensors, meta);
        AtomicFiles.write(path, (ch, tmp) -> {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(ch, prefix);
            writeFully(ch, ByteBuffer.wrap(header));
            AtomicFiles.fault(AtomicFiles.Stage.AFTER_HEADER, tmp);
            ByteBuffer buf = ByteBuffer.allocate(IO_CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                writeFloats(ch, buf, t.data);
            }
        });
    }

    /** The header JSON, space-padded so that 8 + its length is a multiple of 8. */
    static byte[] encodeHeader(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart("__metadata__");
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue();
                long end = offset + (long) t.data.length * Float.BYTES;
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", HeaderParser.F32);
                g.writeArrayFieldStart("shape");
                for (long d : t.shape) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(end);
                g.writeEndArray();
                g.writeEndObject();
                offset = end;
            }
            g.writeEndObject();
        }
        while (out.size() % 8 != 0) {
            out.write(' ');
        }
        if (out.size() > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("header would be " + out.size() + " bytes, more than the "
                    + MAX_HEADER_BYTES + "-byte limit readers accept (too many tensors or too much metadata)");
        }
        return out.toByteArray();
    }

    /**
     * Reads and fully validates {@code path}: length prefix, header (UTF-8 JSON object, entry fields and types,
     * dtype F32, shape vs byte size, offsets in range, sorted, contiguous, covering the data buffer exactly,
     * no duplicate names, string-only metadata) and finally every value (no NaN or infinity). Sizes are checked
     * against the file length before anything is allocated, so a corrupt header cannot cause a huge allocation.
     *
     * @throws ModelFileException for invalid content, naming the file and the problem
     * @throws IOException        if the file cannot be read at all
     */
    public static Contents read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Header h = readHeader(path, ch);
            for (TensorEntry e : h.tensors()) {
                if (e.elementCount() > MAX_ELEMENTS) {
                    throw new ModelFileException(path, "tensor '" + e.name() + "' has " + e.elementCount()
                            + " elements, more than a Java array can hold (" + MAX_ELEMENTS + ")");
                }
            }
            LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
            ByteBuffer buf = ByteBuffer.allocate(IO_CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (TensorEntry e : h.tensors()) {
                float[] data = new float[(int) e.elementCount()];
                readFloats(path, ch, buf, h.dataStart() + e.begin(), data);
                int bad = firstNonFinite(data);
                if (bad >= 0) {
                    throw new ModelFileException(path, "tensor '" + e.name() + "' has a non-finite value " + data[bad]
                            + " at flat index " + bad + " (shape " + Arrays.toString(e.shape()) + ")");
                }
                tensors.put(e.name(), new Tensor(e.shape(), data));
            }
            return new Contents(Collections.unmodifiableMap(tensors), h.metadata());
        }
    }

    /** Reads and validates only the header of {@code path} (all checks of {@link #read} except the values). */
    public static Header readHeader(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return readHeader(path, ch);
        }
    }

    private static Header readHeader(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new ModelFileException(path, "file truncated: it has " + size
                    + " bytes, shorter than the 8-byte header length prefix");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(path, ch, prefix, 0);
        long n = prefix.flip().getLong();
        // Unsigned in the format: a negative long is a length >= 2^63.
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new ModelFileException(path, "header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes (corrupt length prefix?); the file has " + size + " bytes");
        }
        if (n > size - 8) {
            throw new ModelFileException(path, "header length " + n + " is larger than the file: only " + (size - 8)
                    + " bytes follow the 8-byte prefix (file truncated or length prefix corrupt)");
        }
        if (n == 0) {
            throw new ModelFileException(path, "header is empty (length 0); expected a JSON object");
        }
        ByteBuffer header = ByteBuffer.allocate((int) n);
        readFully(path, ch, header, 8);
        return HeaderParser.parse(path, header.array(), 8 + n, size - 8 - n);
    }

    private static void readFloats(Path path, FileChannel ch, ByteBuffer buf, long position, float[] dst)
            throws IOException {
        int done = 0;
        while (done < dst.length) {
            int count = Math.min(dst.length - done, buf.capacity() / Float.BYTES);
            buf.clear().limit(count * Float.BYTES);
            readFully(path, ch, buf, position + (long) done * Float.BYTES);
            buf.flip().asFloatBuffer().get(dst, done, count);
            done += count;
        }
    }

    private static void readFully(Path path, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                // Sizes were checked against the file length, so only a concurrent truncation gets here.
                throw new ModelFileException(path, "file truncated while reading (unexpected end of file at byte "
                        + pos + ")");
            }
            pos += r;
        }
    }

    private static void writeFloats(FileChannel ch, ByteBuffer buf, float[] src) throws IOException {
        int done = 0;
        while (done < src.length) {
            int count = Math.min(src.length - done, buf.capacity() / Float.BYTES);
            buf.clear();
            FloatBuffer fb = buf.asFloatBuffer();
            fb.put(src, done, count);
            buf.limit(count * Float.BYTES);
            writeFully(ch, buf);
            done += count;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Index of the first NaN or infinite value, or -1. */
    static int firstNonFinite(float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                return i;
            }
        }
        return -1;
    }
}
