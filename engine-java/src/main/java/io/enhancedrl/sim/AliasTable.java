package io.enhancedrl.sim;

import java.util.SplittableRandom;

/**
 * Walker's alias method (Vose's construction) for O(1) sampling from a fixed discrete distribution; used by
 * popularity retrieval. Built once per catalogue; sampling draws one double.
 */
final class AliasTable {

    private final double[] prob;
    private final int[] alias;

    /** @param weights non-negative, finite, with a positive sum */
    AliasTable(double[] weights) {
        int n = weights.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("AliasTable: weights[" + i + "] must be finite and >= 0 but was " + weights[i]);
            }
            sum += weights[i];
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("AliasTable: the weights must have a positive sum but it was " + sum);
        }
        prob = new double[n];
        alias = new int[n];
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = weights[i] * n / sum;
            if (scaled[i] < 1.0) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            prob[s] = scaled[s];
            alias[s] = l;
            scaled[l] = (scaled[l] + scaled[s]) - 1.0;
            if (scaled[l] < 1.0) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        // leftovers are 1 up to rounding
        while (nl > 0) {
            int l = large[--nl];
            prob[l] = 1.0;
            alias[l] = l;
        }
        while (ns > 0) {
            int s = small[--ns];
            prob[s] = 1.0;
            alias[s] = s;
        }
    }

    int size() {
        return prob.length;
    }

    int sample(SplittableRandom rng) {
        double u = rng.nextDouble() * prob.length;
        int i = (int) u;
        if (i >= prob.length) {
            i = prob.length - 1;
        }
        return (u - i) < prob[i] ? i : alias[i];
    }
}
