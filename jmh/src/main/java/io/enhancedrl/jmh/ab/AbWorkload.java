package io.enhancedrl.jmh.ab;

import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.api.RankerOptions;
import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.MlpWorkspace;
import io.enhancedrl.model.fusion.FusionSpace;

import java.util.SplittableRandom;

/**
 * One workload of {@link PairedAb}, built inside the class loader of one engine build, so that the same code
 * runs against two builds side by side. Uses only API that both builds have: {@link Mlp#forward},
 * {@link Mlp#backward} and {@link Ranker#rank}.
 */
public final class AbWorkload implements Runnable {

    /** RankBench's layout, restated: the A jar may be a whole benchmark jar with its own RankBench. */
    private static final FeatureLayout LAYOUT = new FeatureLayout(48, 12, 84, 5);

    private final Runnable body;

    /**
     * @param kind "forward" (the actor's forward pass over a batch), "train" (forward and backward with
     *             parameter gradients, the critic/actor step's kernels) or "rank" (one request of n candidates)
     * @param n    batch rows or candidates
     */
    public AbWorkload(String kind, int n) {
        KernelOps ops = Backends.select("vector");
        MlpSpec spec = MlpSpec.of(LAYOUT.stateWidth(), new int[] {256, 128, 64}, Activation.RELU,
                LAYOUT.actionWidth(), Activation.TANH);
        Mlp mlp = new Mlp(spec);
        mlp.initialize(42);
        SplittableRandom r = new SplittableRandom(n);
        switch (kind) {
            case "forward", "train" -> {
                float[] x = gaussian(r, n * spec.inputWidth());
                float[] dOut = gaussian(r, n * spec.outputWidth());
                float[] dOutCopy = dOut.clone();
                float[] grads = new float[spec.parameterCount()];
                MlpWorkspace ws = new MlpWorkspace(spec, n);
                boolean train = kind.equals("train");
                body = () -> {
                    mlp.forward(ops, n, x, 0, ws);
                    if (train) {
                        System.arraycopy(dOutCopy, 0, dOut, 0, dOut.length); // backward uses dOut as scratch
                        mlp.backward(ops, n, x, 0, ws, dOut, 0, grads, false, null, 0);
                    }
                };
            }
            case "rank" -> {
                float[] user = gaussian(r, LAYOUT.userWidth());
                float[] context = gaussian(r, LAYOUT.contextWidth());
                float[] items = gaussian(r, n * LAYOUT.itemWidth());
                float[] mtl = new float[n * LAYOUT.tasks()];
                for (int i = 0; i < mtl.length; i++) {
                    mtl[i] = (float) r.nextDouble(0.001, 0.999);
                }
                long[] ids = new long[n];
                for (int j = 0; j < n; j++) {
                    ids[j] = j;
                }
                Ranker.Model model = Ranker.Model.of(mlp, LAYOUT, FusionSpace.defaults(LAYOUT.tasks()), "ab");
                Ranker ranker = Ranker.create(model, RankerOptions.defaults().withMaxCandidates(Math.max(n, 1))
                        .withListLength(5).withOps(ops));
                RankRequest q = RankRequest.ofFlat(user, context, ids, items, mtl);
                RankResult res = new RankResult();
                body = () -> ranker.rank(q, res);
            }
            default -> throw new IllegalArgumentException("kind: expected forward, train or rank but was " + kind);
        }
    }

    @Override
    public void run() {
        body.run();
    }

    private static float[] gaussian(SplittableRandom r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
