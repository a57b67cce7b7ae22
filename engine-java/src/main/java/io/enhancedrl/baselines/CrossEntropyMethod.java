package io.enhancedrl.baselines;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The cross-entropy method over a box [-1,1]^d: sample a population from a diagonal Gaussian, keep the
 * elite fraction by objective, refit mean and standard deviation to the elites (with a floor on the
 * deviation so the search does not collapse early), repeat. This is the industry's "tuned global fusion"
 * baseline: one fusion parameter vector for everybody, searched on simulated session return.
 *
 * <p>Deterministic for a given seed and a deterministic objective.
 */
public final class CrossEntropyMethod {

    /** @param iterations rounds of sample-select-refit
     *  @param population candidates per round
     *  @param elites candidates kept per round
     *  @param initialStd starting standard deviation per coordinate
     *  @param minStd floor of the standard deviation */
    public record Settings(int iterations, int population, int elites, double initialStd, double minStd) {
        public Settings {
            if (iterations < 1 || population < 2 || elites < 1 || elites > population) {
                throw new IllegalArgumentException("CEM settings: expected iterations >= 1, population >= 2, "
                        + "1 <= elites <= population but was " + iterations + ", " + population + ", " + elites);
            }
        }
    }

    /** The best point found, its objective, and the mean objective of each round's elites. */
    public record Result(float[] best, double bestValue, double[] eliteMeanPerIteration) {
    }

    private CrossEntropyMethod() {
    }

    public static Result maximize(float[] start, Settings s, long seed, ToDoubleFunction<float[]> objective) {
        int d = start.length;
        SplittableRandom rng = new SplittableRandom(seed);
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = start[i];
            std[i] = s.initialStd();
        }
        float[][] pop = new float[s.population()][d];
        double[] value = new double[s.population()];
        Integer[] idx = new Integer[s.population()];
        float[] best = start.clone();
        double bestValue = objective.applyAsDouble(best);
        double[] curve = new double[s.iterations()];
        for (int it = 0; it < s.iterations(); it++) {
            for (int p = 0; p < s.population(); p++) {
                for (int i = 0; i < d; i++) {
                    double z = gaussian(rng);
                    pop[p][i] = (float) Math.max(-1, Math.min(1, mean[i] + std[i] * z));
                }
                value[p] = objective.applyAsDouble(pop[p]);
                idx[p] = p;
                if (value[p] > bestValue) {
                    bestValue = value[p];
                    best = pop[p].clone();
                }
            }
            Arrays.sort(idx, (a, b) -> Double.compare(value[b], value[a]));
            double eliteMean = 0;
            for (int i = 0; i < d; i++) {
                double mu = 0;
                for (int e = 0; e < s.elites(); e++) {
                    mu += pop[idx[e]][i];
                }
                mu /= s.elites();
                double var = 0;
                for (int e = 0; e < s.elites(); e++) {
                    double diff = pop[idx[e]][i] - mu;
                    var += diff * diff;
                }
                mean[i] = mu;
                std[i] = Math.max(s.minStd(), Math.sqrt(var / s.elites()));
            }
            for (int e = 0; e < s.elites(); e++) {
                eliteMean += value[idx[e]];
            }
            curve[it] = eliteMean / s.elites();
        }
        return new Result(best, bestValue, curve);
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller; one value per call keeps the stream simple and deterministic
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
