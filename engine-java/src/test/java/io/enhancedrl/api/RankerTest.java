package io.enhancedrl.api;

import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.fusion.FusionSpace;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static io.enhancedrl.api.ServingFixtures.SIM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serving facade's results: against a brute-force reference, both request forms, files, swaps, allocation. */
class RankerTest {

    @TempDir
    Path dir;

    /** Scores agree with the reference up to float summation order (the split first layer sums differently). */
    private static final Tolerance TOL = Tolerance.FP32.forReduction(256);

    @ParameterizedTest(name = "{0} layout, N={1}, listLength={2}, {3}")
    @CsvSource({
            "sim, 1, 5, scalar", "sim, 7, 5, scalar", "sim, 64, 5, vector", "sim, 300, 1000, vector",
            "paper, 128, 10, scalar", "paper, 513, 5, vector", "tiny, 3, 2, scalar"})
    void matchesBruteForceReference(String layoutName, int n, int listLength, String backend) {
        FeatureLayout l = switch (layoutName) {
            case "sim" -> SIM;
            case "paper" -> new FeatureLayout(48, 12, 84, 5);
            default -> new FeatureLayout(1, 0, 0, 1);
        };
        int[] hidden = layoutName.equals("paper") ? new int[] {256, 128, 64} : new int[] {32, 16};
        Mlp actor = ServingFixtures.actor(l, hidden, 7);
        FusionSpace f = ServingFixtures.fusion(l.tasks());
        Ranker ranker = Ranker.create(Ranker.Model.of(actor, l, f, "test"),
                RankerOptions.defaults().withMaxCandidates(1024).withListLength(listLength).withBackend(backend));
        RankRequest q = ServingFixtures.request(l, n, 11 + n);
        RankResult res = ranker.rank(q);
        ServingFixtures.Reference ref = ServingFixtures.reference(actor, l, f, q);

        int size = Math.min(listLength, n);
        assertEquals(size, res.size());
        assertEquals(n, res.candidateCount());
        assertEquals(ranker.model().version(), res.modelVersion());
        float[] expScore = new float[size];
        float[] gotScore = new float[size];
        float[] expParams = new float[size * l.tasks() * 2];
        float[] gotParams = new float[size * l.tasks() * 2];
        for (int r = 0; r < size; r++) {
            int j = res.index(r);
            assertEquals(q.ids[j], res.id(r), "id of rank " + r);
            // the order may differ from the reference only between candidates whose scores tie within tolerance
            int e = ref.order()[r];
            if (e != j) {
                double gap = Math.abs(ref.scores()[e] - ref.scores()[j]);
                assertTrue(gap <= TOL.atol + TOL.rtol * Math.abs(ref.scores()[e]),
                        "rank " + r + ": candidate " + j + " instead of " + e + " with a score gap of " + gap);
            }
            expScore[r] = ref.scores()[j];
            gotScore[r] = res.score(r);
            if (r > 0) {
                assertTrue(res.score(r) <= res.score(r - 1), "scores descend");
            }
            for (int t = 0; t < l.tasks(); t++) {
                expParams[(r * l.tasks() + t) * 2] = ref.power()[j * l.tasks() + t];
                expParams[(r * l.tasks() + t) * 2 + 1] = ref.bias()[j * l.tasks() + t];
                gotParams[(r * l.tasks() + t) * 2] = res.power(r, t);
                gotParams[(r * l.tasks() + t) * 2 + 1] = res.bias(r, t);
            }
        }
        TOL.assertClose("fused scores", expScore, gotScore);
        TOL.assertClose("power and bias", expParams, gotParams);
    }

    @Test
    void flatAndRowsFormsGiveIdenticalResults() {
        Ranker ranker = simRanker(RankerOptions.defaults().withAllCandidates());
        RankRequest rows = ServingFixtures.request(SIM, 200, 3);
        RankResult a = ranker.rank(rows);
        RankResult b = ranker.rank(ServingFixtures.flat(rows));
        assertEquals(200, a.size());
        assertTrue(a.contentEquals(b), a + " vs " + b);
    }

    @Test
    void reusedResultIsOverwrittenAndRequestsAreReusable() {
        Ranker ranker = simRanker(RankerOptions.defaults());
        RankRequest big = ServingFixtures.request(SIM, 100, 4);
        RankRequest small = ServingFixtures.request(SIM, 3, 5);
        RankResult reuse = new RankResult();
        RankResult expectedSmall = ranker.rank(small);
        assertSame(reuse, ranker.rank(big, reuse));
        assertEquals(5, reuse.size());
        ranker.rank(small, reuse);
        assertEquals(3, reuse.size(), "N = 3 < listLength 5 returns all three");
        assertTrue(expectedSmall.contentEquals(reuse));
        RankRequest q = new RankRequest().set(small.user, small.context, small.ids, small.items, small.mtl);
        assertTrue(expectedSmall.contentEquals(ranker.rank(q)));
    }

    @Test
    void policyFileRoundTripServesTheSameResults() throws Exception {
        Mlp actor = ServingFixtures.actor(SIM, new int[] {32, 16}, 21);
        FusionSpace f = ServingFixtures.fusion(SIM.tasks());
        Path file = dir.resolve("policy.safetensors");
        PolicyFile.save(file, actor, SIM, f);
        PolicyFile.Policy p = PolicyFile.load(file);
        assertEquals(SIM, p.layout());
        assertArrayEquals(actor.params(), p.actor().params());
        for (int t = 0; t < SIM.tasks(); t++) {
            assertEquals(f.powerMin(t), p.fusion().powerMin(t));
            assertEquals(f.powerMax(t), p.fusion().powerMax(t));
            assertEquals(f.biasMin(t), p.fusion().biasMin(t));
            assertEquals(f.biasMax(t), p.fusion().biasMax(t));
        }
        RankerOptions o = RankerOptions.defaults().withOps(ScalarKernelOps.INSTANCE);
        Ranker fromFile = Ranker.load(file, o);
        Ranker inMemory = Ranker.create(Ranker.Model.of(actor, SIM, f, "mem"), o);
        RankRequest q = ServingFixtures.request(SIM, 50, 8);
        RankResult a = fromFile.rank(q);
        RankResult b = inMemory.rank(q);
        assertArrayEquals(b.ids(), a.ids());
        assertArrayEquals(b.scores(), a.scores());
        assertEquals(file.toString(), fromFile.model().source());
    }

    @Test
    void modelOwnsACopyOfTheWeights() {
        Mlp actor = ServingFixtures.actor(SIM, new int[] {16}, 2);
        Ranker ranker = Ranker.create(Ranker.Model.of(actor, SIM, ServingFixtures.fusion(5), "m"), RankerOptions.defaults());
        RankRequest q = ServingFixtures.request(SIM, 20, 1);
        RankResult before = ranker.rank(q);
        java.util.Arrays.fill(actor.params(), 0f); // the trainer keeps training its own actor
        assertTrue(before.contentEquals(ranker.rank(q)), "serving must not see writes to the caller's actor");
    }

    /**
     * A model's packed weights are built once per backend when a ranker installs it and shared afterwards; the
     * packed ranker agrees with the scalar reference, which packs nothing (bit identity of packed and unpacked
     * forward passes is MlpTest's).
     */
    @Test
    void theModelPacksItsWeightsOncePerBackendAndServesTheSameResults() {
        Mlp actor = ServingFixtures.actor(SIM, new int[] {40, 20}, 3);
        Ranker.Model model = Ranker.Model.of(actor, SIM, ServingFixtures.fusion(5), "packed");
        io.enhancedrl.kernels.KernelOps vector = io.enhancedrl.kernels.Backends.select("vector");
        Ranker ranker = Ranker.create(model, RankerOptions.defaults().withOps(vector));
        float[][] packs = model.packedFor(vector);
        assertTrue(packs != null && packs.length == actor.spec().layerCount() + 1, "the vector backend packs the actor");
        assertSame(packs, model.packedFor(vector), "built once, then shared");
        assertEquals(null, model.packedFor(ScalarKernelOps.INSTANCE), "the reference packs nothing");
        Ranker reference = Ranker.create(model, RankerOptions.defaults().withOps(ScalarKernelOps.INSTANCE));
        for (int n : new int[] {1, 7, 48, 49, 130}) {
            RankRequest q = ServingFixtures.request(SIM, n, n);
            assertEquals(null, ServingFixtures.differences(reference.rank(q), ranker.rank(q), 1e-4),
                    "vector with packed weights vs the scalar reference, N = " + n);
        }
    }

    @Test
    void swapChangesTheServingModelAndReportsItsVersion() throws Exception {
        FusionSpace f = ServingFixtures.fusion(5);
        Ranker.Model m1 = Ranker.Model.of(ServingFixtures.actor(SIM, new int[] {32, 16}, 1), SIM, f, "one");
        Path file2 = dir.resolve("two.safetensors");
        // a different architecture: the per-thread workspaces must follow
        PolicyFile.save(file2, ServingFixtures.actor(SIM, new int[] {8}, 2), SIM, f);
        Ranker ranker = Ranker.create(m1, RankerOptions.defaults());
        RankRequest q = ServingFixtures.request(SIM, 40, 9);
        RankResult r1 = ranker.rank(q);
        assertEquals(m1.version(), r1.modelVersion());
        Ranker.Model old = ranker.swap(file2);
        assertSame(m1, old);
        RankResult r2 = ranker.rank(q);
        assertNotEquals(m1.version(), r2.modelVersion());
        assertEquals(ranker.model().version(), r2.modelVersion());
        assertNotEquals(r1.score(0), r2.score(0));
        ranker.swap(m1);
        RankResult r3 = ranker.rank(q);
        assertTrue(r1.contentEquals(r3), "swapping back serves exactly the first model's results");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"scalar, 5000", "vector, 20000"}) // the Vector API allocates until C2 has compiled the kernels
    void rankWithReusedResultAllocatesNothing(String backend, int calls) {
        Ranker ranker = simRanker(RankerOptions.defaults().withListLength(10).withBackend(backend));
        RankRequest q = ServingFixtures.flat(ServingFixtures.request(SIM, 64, 12));
        RankResult reuse = new RankResult();
        long bytes = ServingFixtures.bytesAllocatedBy(() -> ranker.rank(q, reuse), calls);
        // even one 16-byte object per call would be 32 kB or more; allow a little for the JIT's own noise
        assertTrue(bytes < 4_096, "rank(request, reuse) on " + backend + " allocated " + bytes + " bytes in "
                + calls + " calls");
    }

    private static Ranker simRanker(RankerOptions o) {
        return Ranker.create(Ranker.Model.of(ServingFixtures.actor(SIM, new int[] {32, 16}, 5), SIM,
                ServingFixtures.fusion(5), "sim"), o);
    }
}
