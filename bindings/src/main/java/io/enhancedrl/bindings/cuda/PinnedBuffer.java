package io.enhancedrl.bindings.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * Page-locked host memory (cuMemHostAlloc / cuMemFreeHost), the staging area between Java arrays and the
 * device: asynchronous copies need it. The typed views are made once, so filling and draining allocate
 * nothing.
 */
public final class PinnedBuffer extends NativeOwner {

    private final long bytes;
    private final ByteBuffer buffer;
    private final FloatBuffer floats;
    private final IntBuffer ints;
    private final LongBuffer longs;

    public PinnedBuffer(CudaContext context, long bytes, String label) {
        super(context, label);
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bytes: expected 1.." + Integer.MAX_VALUE + " for pinned buffer '"
                    + label + "' but was " + bytes);
        }
        this.bytes = bytes;
        ByteBuffer[] out = new ByteBuffer[1];
        context.check(context.driver().memHostAlloc(out, bytes, 0), "cuMemHostAlloc", "bytes=" + bytes + ", buffer '" + label + "'");
        // The device is little-endian like every host the engine runs on; native order is what the kernels read.
        this.buffer = out[0].order(ByteOrder.nativeOrder());
        this.floats = buffer.asFloatBuffer();
        this.ints = buffer.asIntBuffer();
        this.longs = buffer.asLongBuffer();
    }

    public long bytes() {
        return bytes;
    }

    /** The whole buffer (position 0, limit bytes), for driver calls. */
    public ByteBuffer buffer() {
        ensureOpen();
        return buffer;
    }

    public void putFloats(float[] src, int off, int count) {
        ensureOpen();
        floats.put(0, src, off, count);
    }

    /** Writes count floats of src (from off) at float index {@code at} of this buffer. */
    public void putFloats(int at, float[] src, int off, int count) {
        ensureOpen();
        floats.put(at, src, off, count);
    }

    public void getFloats(float[] dst, int off, int count) {
        ensureOpen();
        floats.get(0, dst, off, count);
    }

    public void putInts(int[] src, int off, int count) {
        ensureOpen();
        ints.put(0, src, off, count);
    }

    public void getInts(int[] dst, int off, int count) {
        ensureOpen();
        ints.get(0, dst, off, count);
    }

    public void putLongs(long[] src, int off, int count) {
        ensureOpen();
        longs.put(0, src, off, count);
    }

    @Override
    protected String details() {
        return " (" + bytes + " bytes)";
    }

    @Override
    protected void release() {
        context.check(context.driver().memFreeHost(buffer), "cuMemFreeHost", describe());
    }
}
