package io.enhancedrl.bindings.gpu;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.BackendProvider;
import io.enhancedrl.kernels.KernelOps;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The short benchmark of ci/gpu-check.sh: mean wall time of one linearForward (the actor's first layer,
 * 149 -> 256, ReLU) per available backend at n = 512 and 16,384, host arrays in and out (so the CUDA column
 * includes staging copies and synchronisation). Then, with a device, the same product on device-resident
 * buffers: the hand-written kernel ("cuda-dev") against cuBLASLt's RELU_BIAS GEMM ("cublasLt", its descriptors and
 * algorithm chosen once per shape by CublasLtLinear, so a launch is one cublasLtMatmul), 50 launches
 * queued and one synchronisation, so these rows are the kernels' own time; and without activation, the hand kernel
 * ("cuda-id") against JCublas's two SGEMMs ("jcublas", libcublas.so.12). Prints "backend n us/call GFLOP/s".
 */
public final class GpuBench {

    private GpuBench() {
    }

    public static void main(String[] args) {
        int in = 149, out = 256;
        SplittableRandom rnd = new SplittableRandom(1);
        System.out.printf("%-8s %7s %12s %9s%n", "backend", "n", "us/call", "GFLOP/s");
        for (BackendProvider p : Backends.providers()) {
            if (!p.probe().available()) {
                System.out.printf("%-8s %7s %12s %9s  (%s)%n", p.name(), "-", "-", "-", p.probe().detail());
                continue;
            }
            KernelOps ops = p.create();
            for (int n : new int[]{512, 16_384}) {
                float[] x = new float[n * in], w = new float[in * out], b = new float[out], y = new float[n * out];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextDouble(-1, 1);
                }
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) rnd.nextDouble(-0.1, 0.1);
                }
                int reps = p.name().equals("scalar") ? 3 : 20;
                for (int r = 0; r < 3; r++) {
                    ops.linearForward(n, in, out, x, 0, w, 0, b, 0, n, Activation.RELU, y, 0);
                }
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    ops.linearForward(n, in, out, x, 0, w, 0, b, 0, n, Activation.RELU, y, 0);
                }
                double us = (System.nanoTime() - t0) / 1e3 / reps;
                System.out.printf(Locale.ROOT, "%-8s %7d %12.1f %9.1f%n", p.name(), n, us, 2.0 * n * in * out / us / 1e3);
            }
            if (ops instanceof io.enhancedrl.bindings.cuda.CudaKernelOps cuda) {
                deviceResident(cuda, in, out, rnd);
            }
        }
    }

    /** Hand kernel vs cuBLASLt on device buffers (see the class comment). */
    private static void deviceResident(io.enhancedrl.bindings.cuda.CudaKernelOps cuda, int in, int out, SplittableRandom rnd) {
        io.enhancedrl.bindings.ffm.CublasLt lt = null;
        try {
            lt = io.enhancedrl.bindings.ffm.CublasLt.load();
        } catch (RuntimeException | LinkageError e) {
            System.out.printf("%-8s %7s %12s %9s  (%s)%n", "cublasLt", "-", "-", "-", e.getMessage());
        }
        var c = cuda.context();
        c.bindCurrentThread();
        for (int n : new int[]{512, 16_384}) {
            try (var stream = new io.enhancedrl.bindings.cuda.CudaStream(c, "bench");
                 var x = new io.enhancedrl.bindings.cuda.DeviceBuffer(c, 4L * n * in, "x");
                 var w = new io.enhancedrl.bindings.cuda.DeviceBuffer(c, 4L * in * out, "w");
                 var b = new io.enhancedrl.bindings.cuda.DeviceBuffer(c, 4L * out, "bias");
                 var y = new io.enhancedrl.bindings.cuda.DeviceBuffer(c, 4L * n * out, "y");
                 var host = new io.enhancedrl.bindings.cuda.PinnedBuffer(c, 4L * n * in, "host")) {
                float[] data = new float[n * in];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) rnd.nextDouble(-1, 1);
                }
                host.putFloats(data, 0, data.length);
                x.copyFrom(host, 4L * n * in, stream);
                host.putFloats(data, 0, in * out);
                w.copyFrom(host, 4L * in * out, stream);
                host.putFloats(data, 0, out);
                b.copyFrom(host, 4L * out, stream);
                stream.synchronize();
                Runnable hand = () -> cuda.linearForward(stream, n, in, out, x, w, b, Activation.RELU, y);
                time("cuda-dev", n, in, out, hand, stream);
                if (lt != null) {
                    try (var linear = new io.enhancedrl.bindings.cuda.CublasLtLinear(c, lt, 4 << 20)) {
                        time("cublasLt", n, in, out, () -> linear.reluBiasForward(stream, n, in, out, x, w, b, y), stream);
                    }
                }
                time("cuda-id", n, in, out, () -> cuda.linearForward(stream, n, in, out, x, w, b, Activation.IDENTITY, y),
                        stream);
                try (var blas = new io.enhancedrl.bindings.cuda.JCublasLinear(c)) {
                    time("jcublas", n, in, out, () -> blas.forward(stream, n, in, out, x, w, b, y), stream);
                } catch (IllegalStateException e) {
                    System.out.printf("%-8s %7s %12s %9s  (%s)%n", "jcublas", "-", "-", "-", e.getMessage());
                }
            }
        }
    }

    private static void time(String name, int n, int in, int out, Runnable launch,
                             io.enhancedrl.bindings.cuda.CudaStream stream) {
        for (int r = 0; r < 5; r++) {
            launch.run();
        }
        stream.synchronize();
        int reps = 50;
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            launch.run();
        }
        stream.synchronize();
        double us = (System.nanoTime() - t0) / 1e3 / reps;
        System.out.printf(Locale.ROOT, "%-8s %7d %12.1f %9.1f%n", name, n, us, 2.0 * n * in * out / us / 1e3);
    }
}
