package io.enhancedrl.jmh;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The core's FMA ceiling as the Vector API reaches it: 12 independent FMA chains on registers only (no memory
 * traffic), so the time is bound by the FMA pipes alone. One call = 100,000 x 12 vector FMAs of 2 x lanes FLOPs
 * each (lanes = 8 with AVX2, 16 with AVX-512; the setup prints it and the GFLOP/s factor). The ceiling that the GEMM kernels and ONNX Runtime are compared against in
 * docs/performance.md (a kernel cannot beat it, so neither can a ratio against a peer already near it).
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.enhancedrl.jmh.BenchMain FmaPeakBench -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FmaPeakBench {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int ITERATIONS = 100_000;
    static final int CHAINS = 12;

    public float a = 1.0000001f;
    public float b = 0.9999999f;

    @Benchmark
    public float fma() {
        FloatVector va = FloatVector.broadcast(S, a);
        FloatVector vb = FloatVector.broadcast(S, b);
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        FloatVector c8 = c0;
        FloatVector c9 = c0;
        FloatVector c10 = c0;
        FloatVector c11 = c0;
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = va.fma(vb, c0);
            c1 = va.fma(vb, c1);
            c2 = va.fma(vb, c2);
            c3 = va.fma(vb, c3);
            c4 = va.fma(vb, c4);
            c5 = va.fma(vb, c5);
            c6 = va.fma(vb, c6);
            c7 = va.fma(vb, c7);
            c8 = va.fma(vb, c8);
            c9 = va.fma(vb, c9);
            c10 = va.fma(vb, c10);
            c11 = va.fma(vb, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    @Setup
    public void printLanes() {
        System.out.println("FmaPeakBench: " + S.length() + " float lanes per vector; GFLOP/s = "
                + (long) ITERATIONS * CHAINS * 2 * S.length() / 1000 + " / (us per call)");
    }
}
