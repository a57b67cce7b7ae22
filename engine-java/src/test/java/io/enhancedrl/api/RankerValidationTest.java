package io.enhancedrl.api;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.fusion.FusionSpace;
import io.enhancedrl.model.io.ModelBundle;
import io.enhancedrl.model.io.ModelFile;
import io.enhancedrl.model.io.ModelFileException;
import io.enhancedrl.model.io.NetworkEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.enhancedrl.api.ServingFixtures.SIM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bad-input contract: every rejection names the argument, the expected and the actual value. */
class RankerValidationTest {

    @TempDir
    Path dir;

    private Ranker ranker;
    private RankRequest good;

    @BeforeEach
    void setUp() {
        ranker = Ranker.create(Ranker.Model.of(ServingFixtures.actor(SIM, new int[] {16}, 3), SIM,
                ServingFixtures.fusion(5), "v"), RankerOptions.defaults().withMaxCandidates(100));
        good = ServingFixtures.request(SIM, 10, 1);
        ranker.rank(good); // the valid request passes
    }

    private static <T extends Throwable> void rejects(Class<T> type, Executable call, String... fragments) {
        T e = assertThrows(type, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    private void rejectsRequest(RankRequest q, String... fragments) {
        rejects(IllegalArgumentException.class, () -> ranker.rank(q), fragments);
    }

    @Test
    void wrongWidths() {
        rejectsRequest(RankRequest.of(new float[23], good.context, good.ids, good.items, good.mtl),
                "request.user", "expected length 24", "but was 23");
        rejectsRequest(RankRequest.of(good.user, new float[5], good.ids, good.items, good.mtl),
                "request.context", "expected length 4", "but was 5");
        float[][] items = good.items.clone();
        items[4] = new float[25];
        rejectsRequest(RankRequest.of(good.user, good.context, good.ids, items, good.mtl),
                "request.items[4]", "expected length 24", "but was 25");
        float[][] mtl = good.mtl.clone();
        mtl[9] = new float[] {0.5f, 0.5f};
        rejectsRequest(RankRequest.of(good.user, good.context, good.ids, good.items, mtl),
                "request.mtl[9]", "expected length 5", "but was 2");
        rejectsRequest(RankRequest.of(good.user, good.context, good.ids, java.util.Arrays.copyOf(good.items, 9), good.mtl),
                "request.items", "expected N = 10 rows", "but was 9");
        RankRequest flat = ServingFixtures.flat(good);
        rejectsRequest(RankRequest.ofFlat(good.user, good.context, good.ids, new float[10 * 24 - 1], flat.mtlFlat),
                "request.items", "expected length 240", "N*d_i = 10*24", "but was 239");
        rejectsRequest(RankRequest.ofFlat(good.user, good.context, good.ids, flat.itemsFlat, new float[10 * 6]),
                "request.mtl", "expected length 50", "but was 60");
    }

    @Test
    void layoutMismatchNamesTheModel() {
        // a request built for another layout (the paper-scale one) against the simulator-layout model
        RankRequest other = ServingFixtures.request(new FeatureLayout(48, 12, 84, 5), 4, 2);
        rejectsRequest(other, "request.user", "expected length 24", "model v" + ranker.model().version(),
                "but was 48");
    }

    @Test
    void nonFiniteValues() {
        RankRequest q = ServingFixtures.request(SIM, 10, 1);
        q.user[3] = Float.NaN;
        rejectsRequest(q, "request.user[3]", "expected a finite value", "but was NaN");
        q = ServingFixtures.request(SIM, 10, 1);
        q.context[0] = Float.POSITIVE_INFINITY;
        rejectsRequest(q, "request.context[0]", "expected a finite value", "but was Infinity");
        q = ServingFixtures.request(SIM, 10, 1);
        q.items[7][20] = Float.NEGATIVE_INFINITY;
        rejectsRequest(q, "request.items[7][20]", "expected a finite value", "but was -Infinity");
        q = ServingFixtures.request(SIM, 10, 1);
        q.mtl[2][4] = Float.NaN;
        rejectsRequest(q, "request.mtl[2][4]", "expected an MTL score in (0, 1)", "but was NaN");
        RankRequest flat = ServingFixtures.flat(ServingFixtures.request(SIM, 10, 1));
        flat.itemsFlat[3 * 24 + 5] = Float.NaN;
        rejectsRequest(flat, "request.items[3][5]", "but was NaN");
    }

    @Test
    void mtlScoresOutsideTheOpenUnitInterval() {
        for (float bad : new float[] {0f, 1f, -0.1f, 1.5f, -0f}) {
            RankRequest q = ServingFixtures.request(SIM, 10, 1);
            q.mtl[5][1] = bad;
            rejectsRequest(q, "request.mtl[5][1]", "expected an MTL score in (0, 1)", "but was " + bad);
        }
        // the extremes of (0,1) in float are accepted
        RankRequest q = ServingFixtures.request(SIM, 10, 1);
        q.mtl[0][0] = Float.MIN_VALUE;
        q.mtl[0][1] = Math.nextDown(1f);
        assertEquals(5, ranker.rank(q).size());
    }

    @Test
    void candidateCount() {
        rejectsRequest(RankRequest.of(good.user, good.context, new long[0], new float[0][], new float[0][]),
                "request.ids", "expected N >= 1", "N = 0");
        RankRequest big = ServingFixtures.request(SIM, 101, 4);
        rejectsRequest(big, "request.ids", "expected N <= 100", "maxCandidates", "N = 101");
        assertEquals(5, ranker.rank(ServingFixtures.request(SIM, 100, 4)).size(), "N = maxCandidates is fine");
    }

    @Test
    void nullArrays() {
        rejects(NullPointerException.class, () -> ranker.rank(null), "request");
        rejects(NullPointerException.class, () -> ranker.rank(good, null), "reuse");
        rejects(NullPointerException.class, () -> ranker.rank(new RankRequest()), "request.user", "but was null");
        rejects(NullPointerException.class,
                () -> ranker.rank(RankRequest.of(good.user, null, good.ids, good.items, good.mtl)), "request.context",
                "float[4]", "but was null");
        rejects(NullPointerException.class,
                () -> ranker.rank(RankRequest.of(good.user, good.context, null, good.items, good.mtl)), "request.ids",
                "but was null");
        rejects(NullPointerException.class,
                () -> ranker.rank(RankRequest.of(good.user, good.context, good.ids, null, good.mtl)), "request.items",
                "but was null");
        float[][] mtl = good.mtl.clone();
        mtl[6] = null;
        rejects(NullPointerException.class,
                () -> ranker.rank(RankRequest.of(good.user, good.context, good.ids, good.items, mtl)), "request.mtl[6]",
                "float[5]", "but was null");
        rejects(NullPointerException.class,
                () -> ranker.rank(RankRequest.ofFlat(good.user, good.context, good.ids, null, new float[50])),
                "request.items", "float[240]", "but was null");
    }

    @Test
    void sameArrayForTwoArguments() {
        // d_u = d_i = 24 and N = 1: the same float[24] would pass every width check
        float[] shared = new float[24];
        rejectsRequest(RankRequest.ofFlat(shared, good.context, new long[] {1}, shared, new float[] {.1f, .2f, .3f, .4f, .5f}),
                "request.items", "same array as request.user");
        FeatureLayout square = new FeatureLayout(3, 3, 1, 1);
        Ranker r = Ranker.create(Ranker.Model.of(ServingFixtures.actor(square, new int[] {4}, 1), square,
                ServingFixtures.fusion(1), "sq"), RankerOptions.defaults());
        float[] u = {1, 2, 3};
        rejects(IllegalArgumentException.class,
                () -> r.rank(RankRequest.of(u, u, new long[] {1}, new float[][] {{1}}, new float[][] {{.5f}})),
                "request.context", "same array as request.user");
        float[][] rows = {{0.5f}};
        rejects(IllegalArgumentException.class,
                () -> r.rank(RankRequest.of(u, new float[3], new long[] {1}, rows, rows)),
                "request.mtl", "same array as request.items");
    }

    @Test
    void missingAndCorruptModelFiles() throws IOException {
        Path missing = dir.resolve("nope.safetensors");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Ranker.load(missing, RankerOptions.defaults()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

        Path corrupt = dir.resolve("corrupt.safetensors");
        Files.write(corrupt, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        ModelFileException c = assertThrows(ModelFileException.class, () -> Ranker.load(corrupt, RankerOptions.defaults()));
        assertTrue(c.getMessage().startsWith(corrupt.toString()), c.getMessage());

        // a valid model file that is not a policy (no layout properties)
        Path plain = dir.resolve("plain.safetensors");
        Mlp actor = ServingFixtures.actor(SIM, new int[] {8}, 1);
        ModelFile.save(plain, new ModelBundle(Map.of("actor", NetworkEntry.single(actor.spec(), actor.params())), Map.of()));
        rejects(ModelFileException.class, () -> Ranker.load(plain, RankerOptions.defaults()), plain.toString(),
                "policyFormat", "missing");

        // properties that disagree with the actor: K = 4 says state 56, the actor takes 57
        Path mismatch = dir.resolve("mismatch.safetensors");
        Map<String, String> props = new LinkedHashMap<>(PolicyFile.toBundle(
                new PolicyFile.Policy(actor, SIM, ServingFixtures.fusion(5))).properties());
        props.put(PolicyFile.KEY_ITEM_WIDTH, "23");
        ModelFile.save(mismatch, new ModelBundle(Map.of("actor", NetworkEntry.single(actor.spec(), actor.params())), props));
        rejects(ModelFileException.class, () -> Ranker.load(mismatch, RankerOptions.defaults()), mismatch.toString(),
                "actor input width", "expected 56", "but was 57");

        props.put(PolicyFile.KEY_ITEM_WIDTH, "24");
        props.put(PolicyFile.KEY_BIAS_MIN, "0.1,0.1,0.1");
        ModelFile.save(mismatch, new ModelBundle(Map.of("actor", NetworkEntry.single(actor.spec(), actor.params())), props));
        rejects(ModelFileException.class, () -> Ranker.load(mismatch, RankerOptions.defaults()), "biasMin",
                "expected 5 comma-separated numbers", "found 3");

        props.put(PolicyFile.KEY_BIAS_MIN, "0.1,0.1,0.1,0.1,0.1");
        props.put(PolicyFile.KEY_TASKS, "five");
        ModelFile.save(mismatch, new ModelBundle(Map.of("actor", NetworkEntry.single(actor.spec(), actor.params())), props));
        rejects(ModelFileException.class, () -> Ranker.load(mismatch, RankerOptions.defaults()), "tasks",
                "expected a decimal integer", "'five'");
    }

    @Test
    void failedSwapKeepsTheServingModel() throws IOException {
        Ranker.Model before = ranker.model();
        assertThrows(NoSuchFileException.class, () -> ranker.swap(dir.resolve("missing.safetensors")));
        FeatureLayout other = new FeatureLayout(24, 4, 20, 5);
        Ranker.Model otherLayout = Ranker.Model.of(ServingFixtures.actor(other, new int[] {8}, 1), other,
                ServingFixtures.fusion(5), "other");
        rejects(IllegalArgumentException.class, () -> ranker.swap(otherLayout), "expected layout", "d_i=24",
                "d_i=20", "model v" + otherLayout.version());
        assertEquals(before.version(), ranker.model().version());
        assertEquals(before.version(), ranker.rank(good).modelVersion());
    }

    @Test
    void finiteFeaturesThatOverflowTheActorAreRejectedNotRankedByNaN() {
        // Found by RankerFuzzTargetTest: finite values near Float.MAX_VALUE of both signs make a pre-activation
        // infinite on each side, inf - inf = NaN, and the candidate was ranked by a NaN score.
        RankRequest q = ServingFixtures.request(SIM, 10, 1);
        for (int c = 0; c < q.items[4].length; c++) {
            q.items[4][c] = c % 2 == 0 ? Float.MAX_VALUE : -Float.MAX_VALUE;
        }
        rejects(IllegalArgumentException.class, () -> ranker.rank(q), "request.items[4]", "id " + q.ids[4],
                "float overflow in the actor", "3.4028235E38");
        assertEquals(ranker.rank(good).size(), 5); // the ranker serves on
    }

    @Test
    void inconsistentModelsAndOptions() {
        Mlp wrongOut = new Mlp(MlpSpec.of(57, new int[] {8}, Activation.RELU, 8, Activation.TANH));
        rejects(IllegalArgumentException.class, () -> Ranker.Model.of(wrongOut, SIM, ServingFixtures.fusion(5), "x"),
                "actor output width", "expected 10", "but was 8");
        Mlp ok = ServingFixtures.actor(SIM, new int[] {8}, 1);
        rejects(IllegalArgumentException.class, () -> Ranker.Model.of(ok, SIM, FusionSpace.defaults(4), "x"),
                "fusion tasks", "expected 5", "but was 4");
        ok.params()[3] = Float.NaN;
        rejects(IllegalArgumentException.class, () -> Ranker.Model.of(ok, SIM, ServingFixtures.fusion(5), "x"),
                "actor.params[3]", "finite", "NaN");
        rejects(IllegalArgumentException.class, () -> RankerOptions.defaults().withMaxCandidates(0), "maxCandidates",
                "expected >= 1", "but was 0");
        rejects(IllegalArgumentException.class, () -> RankerOptions.defaults().withListLength(-2), "listLength",
                "but was -2");
        rejects(IllegalArgumentException.class, () -> new FeatureLayout(0, 0, 3, 2), "userWidth + contextWidth",
                "expected >= 1");
    }
}
