package io.enhancedrl.baselines;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrossEntropyMethodTest {

    private static double negDistance(float[] x) {
        double[] target = {0.3, -0.6, 0.8};
        double s = 0;
        for (int i = 0; i < 3; i++) {
            s += (x[i] - target[i]) * (x[i] - target[i]);
        }
        return -s;
    }

    @Test
    void findsTheMaximumOfAConcaveObjective() {
        var r = CrossEntropyMethod.maximize(new float[3], new CrossEntropyMethod.Settings(30, 32, 6, 0.5, 0.01), 7,
                CrossEntropyMethodTest::negDistance);
        assertEquals(0.3, r.best()[0], 0.05);
        assertEquals(-0.6, r.best()[1], 0.05);
        assertEquals(0.8, r.best()[2], 0.05);
        assertTrue(r.eliteMeanPerIteration()[29] > r.eliteMeanPerIteration()[0]);
    }

    @Test
    void isDeterministicForASeed() {
        var s = new CrossEntropyMethod.Settings(5, 8, 2, 0.5, 0.05);
        var a = CrossEntropyMethod.maximize(new float[3], s, 11, CrossEntropyMethodTest::negDistance);
        var b = CrossEntropyMethod.maximize(new float[3], s, 11, CrossEntropyMethodTest::negDistance);
        assertArrayEquals(a.best(), b.best());
    }
}
