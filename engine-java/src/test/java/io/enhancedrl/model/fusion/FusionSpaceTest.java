package io.enhancedrl.model.fusion;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FusionSpaceTest {

    @Test
    void mapsEndpointsAndMidpointLinearly() {
        FusionSpace s = new FusionSpace(new double[]{0, -1}, new double[]{2, 3}, new double[]{0.01, 0.1}, new double[]{0.5, 0.1});
        float[] actions = {
                -1, -1, -1, -1,
                1, 1, 1, 1,
                0, 0, 0, 0,
                0.5f, -0.5f, 0.5f, 1};
        float[] power = new float[8];
        float[] bias = new float[8];
        s.map(4, actions, 0, power, 0, bias, 0);
        float[] expPower = {0, -1, 2, 3, 1, 1, 1.5f, 0};
        float[] expBias = {0.01f, 0.1f, 0.5f, 0.1f, 0.255f, 0.1f, 0.3775f, 0.1f};
        for (int i = 0; i < 8; i++) {
            assertEquals(expPower[i], power[i], 1e-6, "power " + i);
            assertEquals(expBias[i], bias[i], 1e-6, "bias " + i);
        }
    }

    @Test
    void mapHonoursOffsetsAndClampsOvershoot() {
        FusionSpace s = FusionSpace.defaults(1);
        float[] actions = {9, 9, 1.5f, -7f};
        float[] power = {5, 5, 5};
        float[] bias = {5, 5, 5};
        s.map(1, actions, 2, power, 1, bias, 2);
        assertEquals(5f, power[0]);
        assertEquals(2f, power[1], 0f);
        assertEquals(0.01f, bias[2], 0f);
        assertEquals(5f, bias[1], "untouched element outside the output range");
    }

    @Test
    void toActionInvertsMap() {
        FusionSpace s = FusionSpace.defaults(5);
        double[] power = {1.0, 0.0, 2.0, 0.3, 1.7};
        double[] bias = {0.05, 0.01, 0.5, 0.2, 0.3};
        float[] a = s.toAction(power, bias);
        assertEquals(10, a.length);
        float[] p = new float[5];
        float[] b = new float[5];
        s.map(1, a, 0, p, 0, b, 0);
        for (int t = 0; t < 5; t++) {
            assertEquals(power[t], p[t], 1e-6);
            assertEquals(bias[t], b[t], 1e-6);
        }
    }

    @Test
    void rejectsInvalidRangesWithNamedMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FusionSpace(new double[]{0}, new double[]{2}, new double[]{0.0}, new double[]{0.5}));
        assertTrue(e.getMessage().contains("biasMin[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new FusionSpace(new double[]{0, 0}, new double[]{2, -1}, new double[]{0.1, 0.1}, new double[]{0.5, 0.5}));
        assertTrue(e.getMessage().contains("powMax[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new FusionSpace(new double[]{0}, new double[]{2, 2}, new double[]{0.1}, new double[]{0.5}));
        assertTrue(e.getMessage().contains("length"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FusionSpace.defaults(2).toAction(new double[]{3, 0}, new double[]{0.1, 0.1}));
        assertTrue(e.getMessage().contains("power[0]"), e.getMessage());
    }
}
