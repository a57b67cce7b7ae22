package io.enhancedrl.api;

import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;

/**
 * How a {@link Ranker} serves: the largest request it accepts, how many candidates each result carries,
 * the kernel backend and the CPU backend that answers when a device backend fails. Immutable; build with {@link #defaults()} and the {@code with*} methods.
 *
 * @param maxCandidates the largest N accepted; sizes the per-thread workspaces (memory per serving thread is
 *                      about maxCandidates x (sum of the actor's layer widths + d_i + 3K) floats)
 * @param listLength how many of the best candidates a result carries (the list shown, spec default l = 5);
 *                   {@link #ALL} returns every candidate in rank order. A request with fewer candidates
 *                   returns all of them.
 * @param ops the kernel backend, or null for {@link Backends#select()} (the {@code erl.backend} property)
 * @param fallbackOps the CPU backend that answers a request when {@code ops} is a device backend
 *                    ({@link KernelOps#isDevice()}) and fails, or null for {@link Backends#bestCpu()}; not
 *                    used when {@code ops} is a CPU backend
 */
public record RankerOptions(int maxCandidates, int listLength, KernelOps ops, KernelOps fallbackOps) {

    /** {@link #listLength} value meaning "every candidate". */
    public static final int ALL = Integer.MAX_VALUE;
    public static final int DEFAULT_MAX_CANDIDATES = 2048;
    public static final int DEFAULT_LIST_LENGTH = 5;

    public RankerOptions {
        if (maxCandidates < 1) {
            throw new IllegalArgumentException("maxCandidates: expected >= 1 but was " + maxCandidates);
        }
        if (listLength < 1) {
            throw new IllegalArgumentException("listLength: expected >= 1 (or RankerOptions.ALL) but was " + listLength);
        }
        if (fallbackOps != null && fallbackOps.isDevice()) {
            throw new IllegalArgumentException("fallbackOps: expected a CPU backend (isDevice() false) but was the"
                    + " device backend '" + fallbackOps.name() + "'");
        }
    }

    /** Options with the default CPU fallback ({@link Backends#bestCpu()} when {@code ops} is a device). */
    public RankerOptions(int maxCandidates, int listLength, KernelOps ops) {
        this(maxCandidates, listLength, ops, null);
    }

    /** maxCandidates 2048, listLength 5, the backend chosen by {@link Backends#select()}. */
    public static RankerOptions defaults() {
        return new RankerOptions(DEFAULT_MAX_CANDIDATES, DEFAULT_LIST_LENGTH, null);
    }

    public RankerOptions withMaxCandidates(int max) {
        return new RankerOptions(max, listLength, ops, fallbackOps);
    }

    public RankerOptions withListLength(int l) {
        return new RankerOptions(maxCandidates, l, ops, fallbackOps);
    }

    /** Results carry every candidate in rank order, not only the top {@link #listLength}. */
    public RankerOptions withAllCandidates() {
        return new RankerOptions(maxCandidates, ALL, ops, fallbackOps);
    }

    public RankerOptions withOps(KernelOps k) {
        return new RankerOptions(maxCandidates, listLength, k, fallbackOps);
    }

    /** The backend by name ("scalar", "vector", "auto", ...), see {@link Backends#select(String)}. */
    public RankerOptions withBackend(String name) {
        return new RankerOptions(maxCandidates, listLength, Backends.select(name), fallbackOps);
    }

    /** The CPU backend that answers when the device backend fails (must not be a device backend). */
    public RankerOptions withFallbackOps(KernelOps cpu) {
        return new RankerOptions(maxCandidates, listLength, ops, cpu);
    }

    /** {@link #ops()} or, when null, the default backend. */
    KernelOps resolvedOps() {
        return ops != null ? ops : Backends.select();
    }

    /** The fallback for {@code primary}: primary itself when it is a CPU backend, else fallbackOps or the best CPU. */
    KernelOps resolvedFallbackOps(KernelOps primary) {
        if (!primary.isDevice()) {
            return primary;
        }
        return fallbackOps != null ? fallbackOps : Backends.bestCpu();
    }
}
