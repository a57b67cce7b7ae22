package io.enhancedrl.model.io;

import java.util.Arrays;

/**
 * One tensor as described by a safetensors header: its name, dtype string (e.g. {@code "F32"}), shape and
 * byte range {@code [begin, end)} relative to the start of the data buffer. Validated by the header
 * parser: for an F32 entry {@code (end - begin) == 4 * product(shape)}.
 */
public record TensorEntry(String name, String dtype, long[] shape, long begin, long end) {

    public TensorEntry {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(dtype, "dtype");
        shape = java.util.Objects.requireNonNull(shape, "shape").clone();
    }

    /** Number of elements: the product of the shape (1 for a scalar of shape {@code []}). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Length of the byte range, {@code end - begin}. */
    public long byteLength() {
        return end - begin;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry t && name.equals(t.name) && dtype.equals(t.dtype)
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape) + Long.hashCode(begin);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
