package io.enhancedrl.model.fusion;

import java.util.Arrays;

/**
 * The fusion parameter space of the multiplicative formula
 * {@code score = sum_k power_k * ln(p_k + bias_k)}: for each of the K tasks a power range and a bias range.
 * An action is a vector in [-1,1]^(2K) laid out as {@code [power_0 .. power_{K-1}, bias_0 .. bias_{K-1}]};
 * each coordinate maps linearly onto its range ({@code -1 -> min, +1 -> max}).
 *
 * <p>The lower bias bound must be positive so that {@code ln(p + bias)} is finite for every p in (0,1).
 * Instances are immutable and thread-safe; {@link #map} does not allocate.
 */
public final class FusionSpace {

    /** The spec's default ranges [ours]: power in [0, 2], bias in [0.01, 0.5]. */
    public static final double DEFAULT_POWER_MIN = 0.0;
    public static final double DEFAULT_POWER_MAX = 2.0;
    public static final double DEFAULT_BIAS_MIN = 0.01;
    public static final double DEFAULT_BIAS_MAX = 0.5;

    private final int k;
    private final float[] powMin;
    private final float[] powScale; // (max - min) / 2
    private final float[] biasMin;
    private final float[] biasScale;
    private final double[] powMinD;
    private final double[] powMaxD;
    private final double[] biasMinD;
    private final double[] biasMaxD;

    /**
     * @param powMin per-task lower power bound [K]
     * @param powMax per-task upper power bound [K], each &gt;= powMin
     * @param biasMin per-task lower bias bound [K], each &gt; 0
     * @param biasMax per-task upper bias bound [K], each &gt;= biasMin
     */
    public FusionSpace(double[] powMin, double[] powMax, double[] biasMin, double[] biasMax) {
        if (powMin == null || powMax == null || biasMin == null || biasMax == null) {
            throw new IllegalArgumentException("FusionSpace: range arrays must not be null");
        }
        k = powMin.length;
        if (k < 1) {
            throw new IllegalArgumentException("FusionSpace: expected at least 1 task but powMin has length 0");
        }
        if (powMax.length != k || biasMin.length != k || biasMax.length != k) {
            throw new IllegalArgumentException("FusionSpace: range arrays must all have length K = " + k
                    + " but were powMax " + powMax.length + ", biasMin " + biasMin.length + ", biasMax " + biasMax.length);
        }
        this.powMin = new float[k];
        this.powScale = new float[k];
        this.biasMin = new float[k];
        this.biasScale = new float[k];
        for (int t = 0; t < k; t++) {
            check("powMin", t, powMin[t]);
            check("powMax", t, powMax[t]);
            check("biasMin", t, biasMin[t]);
            check("biasMax", t, biasMax[t]);
            if (powMax[t] < powMin[t]) {
                throw new IllegalArgumentException("FusionSpace: powMax[" + t + "] = " + powMax[t]
                        + " must be >= powMin[" + t + "] = " + powMin[t]);
            }
            if (!(biasMin[t] > 0)) {
                throw new IllegalArgumentException("FusionSpace: biasMin[" + t + "] must be > 0 (ln(p + bias) must be finite"
                        + " for p near 0) but was " + biasMin[t]);
            }
            if (biasMax[t] < biasMin[t]) {
                throw new IllegalArgumentException("FusionSpace: biasMax[" + t + "] = " + biasMax[t]
                        + " must be >= biasMin[" + t + "] = " + biasMin[t]);
            }
            this.powMin[t] = (float) powMin[t];
            this.powScale[t] = (float) ((powMax[t] - powMin[t]) / 2);
            this.biasMin[t] = (float) biasMin[t];
            this.biasScale[t] = (float) ((biasMax[t] - biasMin[t]) / 2);
        }
        this.powMinD = powMin.clone();
        this.powMaxD = powMax.clone();
        this.biasMinD = biasMin.clone();
        this.biasMaxD = biasMax.clone();
    }

    /** The same ranges for every one of k tasks. */
    public static FusionSpace uniform(int k, double powMin, double powMax, double biasMin, double biasMax) {
        if (k < 1) {
            throw new IllegalArgumentException("FusionSpace.uniform: k expected >= 1 but was " + k);
        }
        double[] a = new double[k];
        double[] b = new double[k];
        double[] c = new double[k];
        double[] d = new double[k];
        Arrays.fill(a, powMin);
        Arrays.fill(b, powMax);
        Arrays.fill(c, biasMin);
        Arrays.fill(d, biasMax);
        return new FusionSpace(a, b, c, d);
    }

    /** The spec's default ranges for k tasks. */
    public static FusionSpace defaults(int k) {
        return uniform(k, DEFAULT_POWER_MIN, DEFAULT_POWER_MAX, DEFAULT_BIAS_MIN, DEFAULT_BIAS_MAX);
    }

    private static void check(String name, int t, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("FusionSpace: " + name + "[" + t + "] must be finite but was " + v);
        }
    }

    /** Number of tasks K. */
    public int tasks() {
        return k;
    }

    /** Width of one action, 2K. */
    public int actionWidth() {
        return 2 * k;
    }

    public double powerMin(int task) {
        return powMinD[task];
    }

    public double powerMax(int task) {
        return powMaxD[task];
    }

    public double biasMin(int task) {
        return biasMinD[task];
    }

    public double biasMax(int task) {
        return biasMaxD[task];
    }

    /**
     * Maps n actions [n][2K] to powers [n][K] and biases [n][K]. Coordinates outside [-1,1] are clamped
     * (a tanh output can round to exactly +-1; anything further is the caller's bug, checked by the facades).
     */
    public void map(int n, float[] actions, int aOff, float[] power, int pOff, float[] bias, int bOff) {
        int w = 2 * k;
        for (int i = 0; i < n; i++) {
            int a = aOff + i * w;
            int o = i * k;
            for (int t = 0; t < k; t++) {
                float ap = clamp(actions[a + t]);
                float ab = clamp(actions[a + k + t]);
                power[pOff + o + t] = powMin[t] + (ap + 1f) * powScale[t];
                bias[bOff + o + t] = biasMin[t] + (ab + 1f) * biasScale[t];
            }
        }
    }

    private static float clamp(float a) {
        return a < -1f ? -1f : (a > 1f ? 1f : a);
    }

    /**
     * The action (in [-1,1]^(2K)) that maps to the given power and bias per task: the inverse of {@link #map}.
     * Used to express a hand-set production fusion as an action.
     *
     * @throws IllegalArgumentException when a value lies outside its range
     */
    public float[] toAction(double[] power, double[] bias) {
        if (power.length != k || bias.length != k) {
            throw new IllegalArgumentException("toAction: expected power and bias of length K = " + k
                    + " but were " + power.length + " and " + bias.length);
        }
        float[] a = new float[2 * k];
        for (int t = 0; t < k; t++) {
            a[t] = inverse("power", t, power[t], powMinD[t], powMaxD[t]);
            a[k + t] = inverse("bias", t, bias[t], biasMinD[t], biasMaxD[t]);
        }
        return a;
    }

    private static float inverse(String what, int t, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException("toAction: " + what + "[" + t + "] = " + v + " is outside its range ["
                    + lo + ", " + hi + "]");
        }
        if (hi == lo) {
            return 0f;
        }
        return (float) (2 * (v - lo) / (hi - lo) - 1);
    }

    @Override
    public String toString() {
        return "FusionSpace{K=" + k + ", power=" + ranges(powMinD, powMaxD) + ", bias=" + ranges(biasMinD, biasMaxD) + "}";
    }

    private static String ranges(double[] lo, double[] hi) {
        StringBuilder sb = new StringBuilder("[");
        for (int t = 0; t < lo.length; t++) {
            if (t > 0) {
                sb.append(", ");
            }
            sb.append('[').append(lo[t]).append(", ").append(hi[t]).append(']');
        }
        return sb.append(']').toString();
    }
}
