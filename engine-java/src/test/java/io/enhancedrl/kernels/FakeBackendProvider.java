package io.enhancedrl.kernels;

import io.enhancedrl.kernels.cpu.ScalarKernelOps;

/**
 * A provider registered through META-INF/services in the test class path, to show that Backends finds
 * providers with ServiceLoader. Its priority is below scalar, so "auto" never picks it.
 */
public final class FakeBackendProvider implements BackendProvider {

    public static final String NAME = "test-fake";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public Availability probe() {
        return Availability.available("a test stand-in");
    }

    @Override
    public KernelOps create() {
        return ScalarKernelOps.INSTANCE;
    }
}
