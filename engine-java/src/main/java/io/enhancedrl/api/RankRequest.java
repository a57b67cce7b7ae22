package io.enhancedrl.api;

/**
 * One ranking request: the user features x_u [d_u], the context features x_c [d_c] and N candidates, each
 * with an id, item features x_j [d_i] and MTL scores p_j [K] in (0,1). N is {@code ids.length}.
 *
 * <p>The request references the caller's arrays (nothing is copied), in one of two forms: rows
 * ({@code float[N][d_i]}, {@code float[N][K]}) or flat row-major ({@code float[N*d_i]}, {@code float[N*K]}),
 * the allocation-free form for callers that keep their own buffers. Nothing is checked here: the
 * {@link Ranker} validates every request against its current model (widths, finiteness, score range, N)
 * and names the offending argument.
 *
 * <p>Not thread-safe: a request is mutable ({@link #set}, {@link #setFlat}) so that a serving thread can reuse
 * one; give each thread its own, and do not modify the arrays while {@link Ranker#rank} reads them.
 */
public final class RankRequest {

    float[] user;
    float[] context;
    long[] ids;
    float[][] items;
    float[][] mtl;
    float[] itemsFlat;
    float[] mtlFlat;
    boolean flat;

    /** An empty request; fill it with {@link #set} or {@link #setFlat} before ranking. */
    public RankRequest() {
    }

    /** A request in the rows form: items[j] and mtl[j] describe candidate ids[j]. */
    public static RankRequest of(float[] user, float[] context, long[] ids, float[][] items, float[][] mtl) {
        return new RankRequest().set(user, context, ids, items, mtl);
    }

    /** A request in the flat form: items [N*d_i] and mtl [N*K], row-major, N = ids.length. */
    public static RankRequest ofFlat(float[] user, float[] context, long[] ids, float[] items, float[] mtl) {
        return new RankRequest().setFlat(user, context, ids, items, mtl);
    }

    /** Replaces the contents with the rows form; returns this. */
    public RankRequest set(float[] user, float[] context, long[] ids, float[][] items, float[][] mtl) {
        this.user = user;
        this.context = context;
        this.ids = ids;
        this.items = items;
        this.mtl = mtl;
        this.itemsFlat = null;
        this.mtlFlat = null;
        this.flat = false;
        return this;
    }

    /** Replaces the contents with the flat form; returns this. */
    public RankRequest setFlat(float[] user, float[] context, long[] ids, float[] items, float[] mtl) {
        this.user = user;
        this.context = context;
        this.ids = ids;
        this.items = null;
        this.mtl = null;
        this.itemsFlat = items;
        this.mtlFlat = mtl;
        this.flat = true;
        return this;
    }

    /** true for the flat form. */
    public boolean isFlat() {
        return flat;
    }

    /** N, or -1 when no ids were given. */
    public int candidates() {
        return ids == null ? -1 : ids.length;
    }
}
