package io.enhancedrl.kernels.cpu;

import io.enhancedrl.kernels.BackendProvider;
import io.enhancedrl.kernels.KernelOps;

/** The reference backend: always available, lowest priority. */
public final class ScalarBackend implements BackendProvider {

    public static final String NAME = "scalar";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability probe() {
        return Availability.available("plain Java loops, the reference");
    }

    @Override
    public KernelOps create() {
        return ScalarKernelOps.INSTANCE;
    }
}
