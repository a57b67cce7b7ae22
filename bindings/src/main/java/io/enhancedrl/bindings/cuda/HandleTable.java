package io.enhancedrl.bindings.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Objects by opaque {@code long} id, with a lookup that neither boxes nor locks (the launch and copy paths run
 * it on every call). An id is a slot (low 32 bits; slot 0 is never used, so 0 can mean NULL) and the slot's
 * generation (high 32 bits). Freed slots are reused, so the table is as large as the most entries alive at once,
 * and a stale id (its slot freed, perhaps reused) finds nothing instead of another entry.
 *
 * <p>Thread-safe: changes are made under the table's lock; a lookup reads the volatile slot array first, which
 * the writers publish last.
 */
final class HandleTable<T> {

    private volatile Object[] values = new Object[64];
    private volatile int[] generations = new int[64];
    private int used = 1;
    private int[] free = new int[16];
    private int freeCount;
    private int size;

    /** Stores v (not null) and returns its id (never 0). */
    synchronized long add(T v) {
        if (v == null) {
            throw new NullPointerException("value: expected an object but was null");
        }
        Object[] t = values;
        int[] g = generations;
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            slot = used++;
            if (slot >= t.length) {
                t = Arrays.copyOf(t, t.length * 2);
                g = Arrays.copyOf(g, t.length);
            }
        }
        t[slot] = v;
        generations = g;
        values = t; // volatile write last: a reader that sees the value sees its generation
        size++;
        return ((long) g[slot] << 32) | slot;
    }

    /** The entry of id, or null when id is 0, unknown, freed or stale. */
    @SuppressWarnings("unchecked")
    T get(long id) {
        Object[] t = values;
        int slot = (int) id;
        return slot > 0 && slot < t.length && generations[slot] == (int) (id >>> 32) ? (T) t[slot] : null;
    }

    /** Removes id's entry and returns it, or null when there was none (so whoever removes it owns it). */
    synchronized T remove(long id) {
        T v = get(id);
        if (v != null) {
            int slot = (int) id;
            values[slot] = null;
            generations[slot]++;
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, freeCount * 2);
            }
            free[freeCount++] = slot;
            size--;
        }
        return v;
    }

    /** Removes every entry and returns them. */
    @SuppressWarnings("unchecked")
    synchronized List<T> removeAll() {
        List<T> all = new ArrayList<>(size);
        Object[] t = values;
        for (int slot = 1; slot < used; slot++) {
            if (t[slot] != null) {
                all.add((T) t[slot]);
                t[slot] = null;
                generations[slot]++;
                if (freeCount == free.length) {
                    free = Arrays.copyOf(free, freeCount * 2);
                }
                free[freeCount++] = slot;
            }
        }
        size = 0;
        return all;
    }

    /** Entries alive now. */
    synchronized int size() {
        return size;
    }

    /** Slots the table has used (the most entries alive at once, plus the unused slot 0). */
    synchronized int slots() {
        return used;
    }
}
