package io.enhancedrl.sim;

import java.util.List;

/**
 * Means of the session metrics over a set of finished sessions, each with the half-width of its normal 95%
 * confidence interval (1.96 * sd / sqrt(n)).
 */
public record OutcomeSummary(int sessions,
                             double validConsumption, double validConsumptionCi,
                             double watchTime, double watchTimeCi,
                             double depth, double depthCi,
                             double interactions, double interactionsCi,
                             double discountedReturn, double discountedReturnCi,
                             double truncatedShare) {

    public static OutcomeSummary of(List<SessionOutcome> outcomes) {
        int n = outcomes.size();
        if (n == 0) {
            throw new IllegalArgumentException("OutcomeSummary.of: no sessions");
        }
        double[] vc = new double[n];
        double[] wt = new double[n];
        double[] dp = new double[n];
        double[] in = new double[n];
        double[] dr = new double[n];
        int trunc = 0;
        for (int i = 0; i < n; i++) {
            SessionOutcome o = outcomes.get(i);
            vc[i] = o.validConsumption();
            wt[i] = o.watchTime();
            dp[i] = o.depth();
            in[i] = o.interactions();
            dr[i] = o.discountedReturn();
            if (o.truncated()) {
                trunc++;
            }
        }
        return new OutcomeSummary(n, mean(vc), ci(vc), mean(wt), ci(wt), mean(dp), ci(dp), mean(in), ci(in),
                mean(dr), ci(dr), trunc / (double) n);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double ci(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return 1.96 * Math.sqrt(ss / (v.length - 1)) / Math.sqrt(v.length);
    }

    @Override
    public String toString() {
        return String.format("sessions=%d UVC=%.3f±%.3f UDT=%.1f±%.1fs depth=%.2f±%.2f interactions=%.3f±%.3f "
                        + "return=%.3f±%.3f truncated=%.1f%%",
                sessions, validConsumption, validConsumptionCi, watchTime, watchTimeCi, depth, depthCi,
                interactions, interactionsCi, discountedReturn, discountedReturnCi, 100 * truncatedShare);
    }
}
