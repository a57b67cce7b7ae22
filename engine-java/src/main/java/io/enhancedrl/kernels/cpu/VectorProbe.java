package io.enhancedrl.kernels.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The one place the backend probe touches {@code jdk.incubator.vector}: isolated in its own class so that
 * loading {@link VectorBackend} never fails when the module is absent (this class is loaded only after
 * the module check, and a failure here is a LinkageError the probe catches).
 */
final class VectorProbe {

    private VectorProbe() {
    }

    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
