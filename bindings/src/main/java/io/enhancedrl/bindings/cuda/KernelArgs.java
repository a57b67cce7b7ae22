package io.enhancedrl.bindings.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * One kernel launch as the driver receives it: the parameters in declaration order, with their C types kept
 * (so the driver can build {@code void** kernelParams} and tests can check the order against
 * {@code erl_kernels.h}), and the grid, block and dynamic shared memory ({@link #launch}).
 *
 * <p>A builder is reused per thread by the backend ({@link #clear()}) and stores everything in primitive
 * arrays, so building a launch allocates nothing; {@link #get}, {@link #list()} and {@link #config()} make
 * objects and are meant for tests and error messages.
 */
public final class KernelArgs {

    /** More parameters than any kernel of erl_kernels.h has (the most is 21). */
    public static final int MAX_ARGS = 32;

    /** The C type of a kernel parameter, as spelled in erl_kernels.h. */
    public enum Kind {
        /** int */
        I32,
        /** long long */
        I64,
        /** float */
        F32,
        /** a device pointer (any element type) */
        PTR
    }

    /** One parameter: a number (its bits in {@code value}) or a device pointer (allocation + byte offset). */
    public record Arg(Kind kind, long value, long offset) {

        /** The int value of an I32 argument. */
        public int asInt() {
            return (int) value;
        }

        /** The float value of an F32 argument. */
        public float asFloat() {
            return Float.intBitsToFloat((int) value);
        }

        /** Whether this is the NULL device pointer. */
        public boolean isNull() {
            return kind == Kind.PTR && value == 0;
        }
    }

    private final Kind[] kinds = new Kind[MAX_ARGS];
    private final long[] values = new long[MAX_ARGS];
    private final long[] offsets = new long[MAX_ARGS];
    private int size;
    // grid x, y, z, block x, y, z, dynamic shared bytes; gridX 0 = not configured yet
    private int gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes;

    /** Forgets the parameters and the launch configuration. */
    public KernelArgs clear() {
        size = 0;
        gridX = 0;
        return this;
    }

    private KernelArgs add(Kind kind, long value, long offset) {
        if (size == MAX_ARGS) {
            throw new IllegalStateException("kernel arguments: more than " + MAX_ARGS + " parameters");
        }
        kinds[size] = kind;
        values[size] = value;
        offsets[size] = offset;
        size++;
        return this;
    }

    public KernelArgs i32(int v) {
        return add(Kind.I32, v, 0);
    }

    public KernelArgs i64(long v) {
        return add(Kind.I64, v, 0);
    }

    public KernelArgs f32(float v) {
        return add(Kind.F32, Float.floatToRawIntBits(v), 0);
    }

    /** The start of a device buffer. */
    public KernelArgs ptr(DeviceBuffer b) {
        return add(Kind.PTR, b.handle(), 0);
    }

    /** A device pointer: allocation handle (0 = NULL) plus a byte offset. */
    public KernelArgs ptr(long allocation, long byteOffset) {
        return add(Kind.PTR, allocation, byteOffset);
    }

    /** The NULL device pointer (optional kernel inputs and outputs). */
    public KernelArgs nullPtr() {
        return ptr(0, 0);
    }

    /**
     * The grid, block and dynamic shared memory of this launch (ErlKernels computes them per kernel).
     *
     * @throws IllegalArgumentException if a dimension is below 1 or sharedBytes below 0
     */
    public KernelArgs launch(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || sharedBytes < 0) {
            throw new IllegalArgumentException("launch configuration: expected grid and block >= 1 and shared >= 0 but was "
                    + "grid (" + gridX + ", " + gridY + ", " + gridZ + ") block (" + blockX + ", " + blockY + ", "
                    + blockZ + ") shared " + sharedBytes);
        }
        this.gridX = gridX;
        this.gridY = gridY;
        this.gridZ = gridZ;
        this.blockX = blockX;
        this.blockY = blockY;
        this.blockZ = blockZ;
        this.sharedBytes = sharedBytes;
        return this;
    }

    /** Whether {@link #launch} was called since the last {@link #clear()}. */
    public boolean isConfigured() {
        return gridX > 0;
    }

    public int gridX() {
        return gridX;
    }

    public int gridY() {
        return gridY;
    }

    public int gridZ() {
        return gridZ;
    }

    public int blockX() {
        return blockX;
    }

    public int blockY() {
        return blockY;
    }

    public int blockZ() {
        return blockZ;
    }

    public int sharedBytes() {
        return sharedBytes;
    }

    /** The launch configuration as a value (allocates; for tests and messages). */
    public LaunchConfig config() {
        if (!isConfigured()) {
            throw new IllegalStateException("kernel arguments: no launch configuration set");
        }
        return new LaunchConfig(gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes);
    }

    public int size() {
        return size;
    }

    public Kind kind(int i) {
        return kinds[checkIndex(i)];
    }

    /** An I32/I64 value, an F32's bits, or a PTR's allocation handle (0 = NULL). */
    public long value(int i) {
        return values[checkIndex(i)];
    }

    /** A PTR's byte offset into its allocation (0 for numbers). */
    public long offset(int i) {
        return offsets[checkIndex(i)];
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("kernel argument " + i + " of " + size);
        }
        return i;
    }

    /** Parameter i as a value (allocates; for tests and messages). */
    public Arg get(int i) {
        return new Arg(kind(i), value(i), offset(i));
    }

    /** A copy of the parameters (allocates; for tests). */
    public List<Arg> list() {
        List<Arg> l = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            l.add(get(i));
        }
        return l;
    }

    /** The parameter kinds in order, for signature checks. */
    public List<Kind> kinds() {
        List<Kind> k = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            k.add(kinds[i]);
        }
        return k;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            long v = values[i];
            switch (kinds[i]) {
                case I32 -> sb.append((int) v);
                case I64 -> sb.append(v).append('L');
                case F32 -> sb.append(Float.intBitsToFloat((int) v)).append('f');
                case PTR -> sb.append(v == 0 ? "NULL" : "dev#" + v + (offsets[i] == 0 ? "" : "+" + offsets[i]));
            }
        }
        return sb.append(')').toString();
    }
}
