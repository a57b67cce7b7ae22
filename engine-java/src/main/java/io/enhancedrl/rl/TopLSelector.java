package io.enhancedrl.rl;

import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.fusion.FusionSpace;

/**
 * The target actor's own top-l at t+1 among the next units of each transition in the batch: maps the
 * target actions to fusion parameters, scores each unit with the MTL scores stored at the end of its state
 * row, and keeps the best l per transition (ties by item id).
 */
final class TopLSelector implements NextListSelector {

    private final FusionSpace space;
    private final KernelOps ops;
    private final int l;
    private final int k;
    private final float[] power;
    private final float[] bias;
    private final float[] mtl;
    private final float[] scores;
    private final int[] picked;

    TopLSelector(FusionSpace space, KernelOps ops, int listLength, int tasks, int maxRows) {
        this.space = space;
        this.ops = ops;
        this.l = listLength;
        this.k = tasks;
        power = new float[maxRows * tasks];
        bias = new float[maxRows * tasks];
        mtl = new float[maxRows * tasks];
        scores = new float[maxRows];
        picked = new int[listLength];
    }

    @Override
    public void select(UnitBatch b, float[] targetActions, float[] weightsOut) {
        int n = b.nextUnits;
        space.map(n, targetActions, 0, power, 0, bias, 0);
        for (int j = 0; j < n; j++) {
            System.arraycopy(b.nextStates, j * b.stateWidth + b.stateWidth - k, mtl, j * k, k);
        }
        ops.fusionScore(n, k, mtl, 0, power, 0, bias, 0, scores, 0);
        java.util.Arrays.fill(weightsOut, 0, n, 0f);
        int start = 0;
        while (start < n) {
            int end = start;
            while (end < n && b.nextTransition[end] == b.nextTransition[start]) {
                end++;
            }
            int take = Math.min(l, end - start);
            ops.topK(end - start, scores, start, b.nextItemIds, start, take, picked, 0);
            for (int i = 0; i < take; i++) {
                weightsOut[start + picked[i]] = 1f;
            }
            start = end;
        }
    }
}
