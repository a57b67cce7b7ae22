package io.enhancedrl.model.io;

import io.enhancedrl.model.MlpSpec;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named network of a {@link ModelBundle}: an MLP architecture, how many independently trained copies
 * ({@code members}) it has, and their parameters.
 *
 * <p>{@code params} holds {@code members * spec.parameterCount()} floats, member-major: member m's slab starts
 * at {@code m * spec.parameterCount()} and is laid out as {@link MlpSpec} describes (per layer W[in][out]
 * then b[out]). {@code members == 1} is a plain MLP. The array is not copied (parameter slabs can be large);
 * do not modify it while the entry is in use.
 */
public record NetworkEntry(MlpSpec spec, int members, float[] params) {

    public NetworkEntry {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(params, "params");
        if (members < 1) {
            throw new IllegalArgumentException("members: expected >= 1 but was " + members);
        }
        long expected = (long) members * ModelArchitecture.parameterCount(spec);
        if (params.length != expected) {
            throw new IllegalArgumentException("params.length: expected " + expected + " (members " + members
                    + " x parameterCount " + ModelArchitecture.parameterCount(spec) + " of " + spec + ") but was "
                    + params.length);
        }
    }

    /** A plain MLP (one member). */
    public static NetworkEntry single(MlpSpec spec, float[] params) {
        return new NetworkEntry(spec, 1, params);
    }

    /** A copy of member {@code m}'s parameter slab. */
    public float[] memberParams(int m) {
        if (m < 0 || m >= members) {
            throw new IndexOutOfBoundsException("m: expected 0.." + (members - 1) + " but was " + m);
        }
        int p = spec.parameterCount();
        return Arrays.copyOfRange(params, m * p, (m + 1) * p);
    }

    @Override
    public boolean equals(Object o) {
        // Bitwise float comparison (Arrays.equals uses floatToIntBits): a saved and loaded model must be exact.
        return o instanceof NetworkEntry n && spec.equals(n.spec) && members == n.members
                && Arrays.equals(params, n.params);
    }

    @Override
    public int hashCode() {
        return (spec.hashCode() * 31 + members) * 31 + Arrays.hashCode(params);
    }

    @Override
    public String toString() {
        return "NetworkEntry[" + spec + ", members=" + members + ", params=" + params.length + "]";
    }
}
