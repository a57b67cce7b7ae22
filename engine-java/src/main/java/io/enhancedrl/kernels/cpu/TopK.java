package io.enhancedrl.kernels.cpu;

/**
 * Allocation-free top-k: a bounded min-heap of indices kept in the caller's output array, then sorted.
 * O(n log k). The order is "better first": higher score, then smaller id, then smaller index, which
 * makes the result deterministic for any input order.
 */
public final class TopK {

    private TopK() {
    }

    /** true when candidate a ranks before candidate b. */
    static boolean better(float[] s, int sOff, long[] ids, int idsOff, int a, int b) {
        float sa = s[sOff + a];
        float sb = s[sOff + b];
        if (sa != sb) {
            return sa > sb;
        }
        long ia = ids[idsOff + a];
        long ib = ids[idsOff + b];
        if (ia != ib) {
            return ia < ib;
        }
        return a < b;
    }

    public static void select(int n, float[] s, int sOff, long[] ids, int idsOff, int k, int[] out, int outOff) {
        if (k == 0) {
            return;
        }
        // heap[0] is the worst of the kept k ("min-heap" under the ranking order)
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                out[outOff + size] = i;
                siftUp(s, sOff, ids, idsOff, out, outOff, size);
                size++;
            } else if (better(s, sOff, ids, idsOff, i, out[outOff])) {
                out[outOff] = i;
                siftDown(s, sOff, ids, idsOff, out, outOff, size, 0);
            }
        }
        // heap sort in place: repeatedly move the worst to the end -> best first
        for (int end = size - 1; end > 0; end--) {
            int t = out[outOff];
            out[outOff] = out[outOff + end];
            out[outOff + end] = t;
            siftDown(s, sOff, ids, idsOff, out, outOff, end, 0);
        }
    }

    private static void siftUp(float[] s, int sOff, long[] ids, int idsOff, int[] h, int hOff, int pos) {
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            // the parent must be worse than (or equal to) the child
            if (better(s, sOff, ids, idsOff, h[hOff + parent], h[hOff + pos])) {
                swap(h, hOff + parent, hOff + pos);
                pos = parent;
            } else {
                return;
            }
        }
    }

    private static void siftDown(float[] s, int sOff, long[] ids, int idsOff, int[] h, int hOff, int size, int pos) {
        while (true) {
            int l = 2 * pos + 1;
            if (l >= size) {
                return;
            }
            int r = l + 1;
            int worst = (r < size && better(s, sOff, ids, idsOff, h[hOff + l], h[hOff + r])) ? r : l;
            if (better(s, sOff, ids, idsOff, h[hOff + pos], h[hOff + worst])) {
                swap(h, hOff + pos, hOff + worst);
                pos = worst;
            } else {
                return;
            }
        }
    }

    private static void swap(int[] h, int a, int b) {
        int t = h[a];
        h[a] = h[b];
        h[b] = t;
    }
}
