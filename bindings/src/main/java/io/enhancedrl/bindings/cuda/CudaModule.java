package io.enhancedrl.bindings.cuda;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A loaded fatbin (cuModuleLoadData / cuModuleUnload) with its functions looked up once by name. */
public final class CudaModule extends NativeOwner {

    private final long handle;
    private final int imageBytes;
    private final Map<String, Long> functions = new ConcurrentHashMap<>();

    public CudaModule(CudaContext context, byte[] image, String label) {
        super(context, label);
        if (image == null || image.length == 0) {
            throw new IllegalArgumentException("image: expected a non-empty fatbin for module '" + label + "' but was "
                    + (image == null ? "null" : "empty"));
        }
        this.imageBytes = image.length;
        long[] out = new long[1];
        context.check(context.driver().moduleLoadData(out, image), "cuModuleLoadData",
                "module '" + label + "', " + image.length + " bytes");
        this.handle = out[0];
    }

    /** The function handle of an extern "C" kernel, resolved on first use. */
    public long function(String name) {
        ensureOpen();
        Long f = functions.get(name);
        if (f != null) {
            return f;
        }
        long[] out = new long[1];
        context.check(context.driver().moduleGetFunction(out, handle, name), "cuModuleGetFunction",
                "kernel " + name + " in " + describe());
        functions.put(name, out[0]);
        return out[0];
    }

    @Override
    protected String details() {
        return " (" + imageBytes + " bytes)";
    }

    @Override
    protected void release() {
        functions.clear();
        context.check(context.driver().moduleUnload(handle), "cuModuleUnload", describe());
    }
}
