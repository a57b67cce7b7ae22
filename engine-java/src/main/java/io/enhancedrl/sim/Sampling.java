package io.enhancedrl.sim;

import java.util.SplittableRandom;

/**
 * The simulator's scalar maths. StrictMath throughout: its results are specified bit for bit on every
 * platform, which the golden-trajectory test relies on (Math.exp may differ by an ulp between CPUs).
 */
final class Sampling {

    private Sampling() {
    }

    /** The one sigmoid of a logit (never applied twice: probabilities are never fed back in as logits). */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + StrictMath.exp(-x));
        }
        double e = StrictMath.exp(x);
        return e / (1.0 + e);
    }

    /** ln(sigmoid(x)), stable for large |x|. */
    static double logSigmoid(double x) {
        if (x >= 0) {
            return -StrictMath.log1p(StrictMath.exp(-x));
        }
        return x - StrictMath.log1p(StrictMath.exp(x));
    }

    /** Beta(a, b) by two gamma draws; when both underflow (tiny shapes) returns the mean. */
    static double beta(SplittableRandom rng, double a, double b) {
        double x = gamma(rng, a);
        double y = gamma(rng, b);
        double s = x + y;
        if (!(s > 0)) {
            return a / (a + b);
        }
        return x / s;
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang (2000), with the shape &lt; 1 boost. */
    static double gamma(SplittableRandom rng, double shape) {
        if (shape < 1) {
            double u = rng.nextDouble();
            // u^(1/shape) as exp(ln u / shape): StrictMath.pow allocates temporaries in JDK 25's FdLibm port
            return gamma(rng, shape + 1) * StrictMath.exp(StrictMath.log(u) / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / StrictMath.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = rng.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.nextDouble();
            double x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2) {
                return d * v;
            }
            if (StrictMath.log(u) < 0.5 * x2 + d * (1 - v + StrictMath.log(v))) {
                return d * v;
            }
        }
    }
}
