package io.enhancedrl.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzz target (Jazzer, docs/reliability.md) for the request contract of {@link Ranker#rank}: the fuzzer
 * builds requests in both forms with any widths (null arrays and null rows included), any N (0 and above
 * maxCandidates included), any floats (NaN, infinities, scores of exactly 0 or 1, subnormals) and arrays passed
 * for two arguments. An independent statement of the contract ({@link #problem}) decides whether the request
 * is valid:
 * <ul>
 *   <li>valid: rank must succeed with min(listLength, N) distinct candidates of the request, in non-increasing
 *       finite score order, and the same request in the other form must give the same result bit for bit;</li>
 *   <li>invalid: rank must throw IllegalArgumentException or NullPointerException whose message names the
 *       argument ("request.") - never another exception type, never a result.</li>
 * </ul>
 * In a normal test run this replays the committed inputs in RankerFuzzTargetTestInputs/rankRequest; with
 * JAZZER_FUZZ=1 (ci/fuzz.sh) it fuzzes.
 */
class RankerFuzzTargetTest {

    /** Small widths (d_u != d_c != d_i so a swapped argument is a width error) and a small maxCandidates. */
    private static final FeatureLayout LAYOUT = new FeatureLayout(3, 2, 4, 2);
    private static final int MAX_N = 6;
    private static final int LIST_LENGTH = 3;
    private static final Ranker RANKER = Ranker.create(
            Ranker.Model.of(ServingFixtures.actor(LAYOUT, new int[] {5}, 11), LAYOUT, ServingFixtures.fusion(2), "fuzz"),
            RankerOptions.defaults().withMaxCandidates(MAX_N).withListLength(LIST_LENGTH));
    /** Reused across executions, as a serving thread would: exercises the allocation-free path. */
    private static final RankResult REUSE = new RankResult();

    @FuzzTest(maxDuration = "60s")
    void rankRequest(FuzzedDataProvider data) {
        RankRequest q = request(data);
        String problem = problem(q);
        RankResult r;
        try {
            r = RANKER.rank(q, REUSE);
        } catch (IllegalArgumentException | NullPointerException rejected) {
            if (problem == null && !(overflowPossible(q) && rejected instanceof IllegalArgumentException
                    && rejected.getMessage().contains("float overflow in the actor"))) {
                throw new AssertionError("a valid request was rejected: " + rejected + " for " + describe(q), rejected);
            }
            String m = rejected.getMessage();
            assertTrue(m != null && m.startsWith("request."), () -> "message should name the argument: " + m
                    + " (expected problem: " + problem + ", request " + describe(q) + ")");
            return;
        }
        if (problem != null) {
            fail("an invalid request was ranked (" + problem + ")");
        }
        int n = q.ids.length;
        assertEquals(Math.min(LIST_LENGTH, n), r.size());
        assertEquals(n, r.candidateCount());
        boolean[] used = new boolean[n];
        for (int rank = 0; rank < r.size(); rank++) {
            int j = r.index(rank);
            assertTrue(j >= 0 && j < n && !used[j], "index " + j + " at rank " + rank);
            used[j] = true;
            assertEquals(q.ids[j], r.id(rank));
            float score = r.score(rank);
            assertTrue(Float.isFinite(score), () -> "score " + score + " for " + describe(q));
            assertTrue(rank == 0 || r.score(rank) <= r.score(rank - 1), "scores out of order at rank " + rank);
        }
        RankResult first = r.copy();
        RankResult other = RANKER.rank(otherForm(q));
        assertTrue(first.contentEquals(other), () -> "rows and flat forms disagree: " + first + " vs " + other);
    }

    /** The contract (Ranker class comment) restated independently: null when valid, else the first problem. */
    static String problem(RankRequest q) {
        if (q.user == null || q.context == null || q.ids == null) {
            return "missing user, context or ids";
        }
        if (q.user.length != LAYOUT.userWidth() || q.context.length != LAYOUT.contextWidth()) {
            return "user or context width";
        }
        int n = q.ids.length;
        if (n == 0 || n > MAX_N) {
            return "N = " + n;
        }
        int di = LAYOUT.itemWidth();
        int k = LAYOUT.tasks();
        if (!finite(q.user, 0, q.user.length) || !finite(q.context, 0, q.context.length)) {
            return "non-finite user or context";
        }
        if (q.flat) {
            if (q.itemsFlat == null || q.mtlFlat == null) {
                return "missing flat items or mtl";
            }
            if (q.itemsFlat.length != n * di || q.mtlFlat.length != n * k) {
                return "flat widths";
            }
            Object[] arrays = {q.user, q.context, q.itemsFlat, q.mtlFlat};
            for (int a = 0; a < arrays.length; a++) {
                for (int b = 0; b < a; b++) {
                    if (arrays[a] == arrays[b] && ((float[]) arrays[a]).length > 0) {
                        return "aliased arrays";
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                if (!finite(q.itemsFlat, j * di, di) || !scores(q.mtlFlat, j * k, k)) {
                    return "values of candidate " + j;
                }
            }
        } else {
            if (q.items == null || q.mtl == null) {
                return "missing items or mtl";
            }
            if (q.items.length != n || q.mtl.length != n) {
                return "rows";
            }
            for (int j = 0; j < n; j++) {
                if (q.items[j] == null || q.mtl[j] == null) {
                    return "missing row " + j;
                }
                if (q.items[j].length != di || q.mtl[j].length != k) {
                    return "width of row " + j;
                }
            }
            if (q.context == q.user || q.items == q.mtl) {
                return "aliased arrays";
            }
            for (int j = 0; j < n; j++) {
                if (!finite(q.items[j], 0, di) || !scores(q.mtl[j], 0, k)) {
                    return "values of candidate " + j;
                }
            }
        }
        return null;
    }

    /**
     * Whether the fixture's actor (weights below 1 in magnitude, at most 9 inputs per unit) can overflow on this
     * request: only with a feature of magnitude near Float.MAX_VALUE, far above this bound. Such a valid
     * request may be rejected for float overflow (the Ranker's documented exception) instead of ranked.
     */
    private static boolean overflowPossible(RankRequest q) {
        return largest(q.user) >= OVERFLOW_BOUND || largest(q.context) >= OVERFLOW_BOUND
                || (q.flat ? largest(q.itemsFlat) >= OVERFLOW_BOUND : largestRow(q.items) >= OVERFLOW_BOUND);
    }

    private static final float OVERFLOW_BOUND = 1e30f;

    private static float largest(float[] a) {
        float max = 0f;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static float largestRow(float[][] rows) {
        float max = 0f;
        for (float[] r : rows) {
            max = Math.max(max, largest(r));
        }
        return max;
    }

    private static boolean finite(float[] a, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (!Float.isFinite(a[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean scores(float[] a, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (!(a[i] > 0f && a[i] < 1f)) {
                return false;
            }
        }
        return true;
    }

    // ---- decoding the fuzzer's bytes into a request ----

    private static RankRequest request(FuzzedDataProvider data) {
        boolean flat = data.consumeBoolean();
        int n = pickLength(data, 2); // around 0..MAX_N+2, or null (-1)
        long[] ids = n < 0 ? null : new long[n];
        int idCount = ids == null ? 0 : ids.length;
        for (int j = 0; j < idCount; j++) {
            ids[j] = data.consumeLong();
        }
        float[] user = vector(data, LAYOUT.userWidth(), false);
        float[] context = vector(data, LAYOUT.contextWidth(), false);
        RankRequest q;
        if (flat) {
            int rows = Math.max(0, idCount);
            float[] items = vector(data, rows * LAYOUT.itemWidth(), false);
            float[] mtl = vector(data, rows * LAYOUT.tasks(), true);
            switch (data.consumeInt(0, 7)) { // pass one array for two arguments now and then
                case 1 -> context = user;
                case 2 -> mtl = items;
                case 3 -> items = context;
                case 4 -> mtl = user;
                default -> { }
            }
            q = RankRequest.ofFlat(user, context, ids, items, mtl);
        } else {
            float[][] items = rows(data, idCount, LAYOUT.itemWidth(), false);
            float[][] mtl = rows(data, idCount, LAYOUT.tasks(), true);
            switch (data.consumeInt(0, 5)) {
                case 1 -> context = user;
                case 2 -> mtl = items;
                default -> { }
            }
            q = RankRequest.of(user, context, ids, items, mtl);
        }
        return q;
    }

    /** Mostly {@code expected}; sometimes null (-1), 0, or off by one or two. */
    private static int pickLength(FuzzedDataProvider data, int expectedOrMax) {
        return switch (data.consumeInt(0, 15)) {
            case 0 -> -1;
            case 1 -> 0;
            case 2 -> MAX_N + 1;
            case 3 -> MAX_N + data.consumeInt(2, 40);
            default -> data.consumeInt(1, MAX_N);
        };
    }

    private static float[] vector(FuzzedDataProvider data, int expected, boolean probabilities) {
        int len = switch (data.consumeInt(0, 19)) {
            case 0 -> -1;
            case 1 -> Math.max(0, expected - 1);
            case 2 -> expected + 1;
            case 3 -> 0;
            default -> expected;
        };
        if (len < 0) {
            return null;
        }
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = value(data, probabilities);
        }
        return a;
    }

    private static float[][] rows(FuzzedDataProvider data, int n, int width, boolean probabilities) {
        int count = switch (data.consumeInt(0, 19)) {
            case 0 -> -1;
            case 1 -> Math.max(0, n - 1);
            case 2 -> n + 1;
            default -> n;
        };
        if (count < 0) {
            return null;
        }
        float[][] a = new float[count][];
        for (int j = 0; j < count; j++) {
            a[j] = vector(data, width, probabilities);
        }
        return a;
    }

    /** Mostly ordinary values; NaN, infinities, 0, 1, subnormals and huge values when the fuzzer wants them. */
    private static float value(FuzzedDataProvider data, boolean probability) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> data.consumeFloat(); // any float, NaN and infinities included
            case 1 -> data.pickValue(new float[] {0f, 1f, -0f, Float.NaN, Float.POSITIVE_INFINITY,
                    Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Math.nextDown(1f), Float.MAX_VALUE, -Float.MAX_VALUE});
            default -> probability ? data.consumeProbabilityFloat() : data.consumeRegularFloat(-1e3f, 1e3f);
        };
    }

    /** The request in full, for failure messages. */
    static String describe(RankRequest q) {
        return (q.flat ? "flat" : "rows") + " request user=" + java.util.Arrays.toString(q.user)
                + " context=" + java.util.Arrays.toString(q.context) + " ids=" + java.util.Arrays.toString(q.ids)
                + " items=" + (q.flat ? java.util.Arrays.toString(q.itemsFlat) : java.util.Arrays.deepToString(q.items))
                + " mtl=" + (q.flat ? java.util.Arrays.toString(q.mtlFlat) : java.util.Arrays.deepToString(q.mtl));
    }

    private static RankRequest otherForm(RankRequest q) {
        int n = q.ids.length;
        int di = LAYOUT.itemWidth();
        int k = LAYOUT.tasks();
        if (q.flat) {
            float[][] items = new float[n][di];
            float[][] mtl = new float[n][k];
            for (int j = 0; j < n; j++) {
                System.arraycopy(q.itemsFlat, j * di, items[j], 0, di);
                System.arraycopy(q.mtlFlat, j * k, mtl[j], 0, k);
            }
            return RankRequest.of(q.user, q.context, q.ids, items, mtl);
        }
        return ServingFixtures.flat(q);
    }
}
