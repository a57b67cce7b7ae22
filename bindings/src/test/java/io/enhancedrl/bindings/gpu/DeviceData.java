package io.enhancedrl.bindings.gpu;

import io.enhancedrl.bindings.cuda.CudaContext;
import io.enhancedrl.bindings.cuda.CudaStream;
import io.enhancedrl.bindings.cuda.DeviceBuffer;
import io.enhancedrl.bindings.cuda.PinnedBuffer;

import java.util.SplittableRandom;

/** Test data for the device-buffer tests: random arrays and their copies on the device. */
final class DeviceData {

    private DeviceData() {
    }

    /** A new device buffer holding data (copied through pinned memory; the stream is synchronised). */
    static DeviceBuffer upload(CudaContext context, CudaStream stream, float[] data, String label) {
        DeviceBuffer d = new DeviceBuffer(context, 4L * data.length, label);
        try (PinnedBuffer h = new PinnedBuffer(context, 4L * data.length, label + " host")) {
            h.putFloats(data, 0, data.length);
            d.copyFrom(h, 4L * data.length, stream);
            stream.synchronize();
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** The first len floats of a device buffer (copied through pinned memory; the stream is synchronised). */
    static float[] download(CudaContext context, CudaStream stream, DeviceBuffer d, int len) {
        float[] out = new float[len];
        try (PinnedBuffer h = new PinnedBuffer(context, 4L * len, "download")) {
            d.copyTo(h, 4L * len, stream);
            stream.synchronize();
            h.getFloats(out, 0, len);
        }
        return out;
    }

    /** len values uniform in [-1, 1). */
    static float[] random(SplittableRandom rnd, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        return a;
    }
}
