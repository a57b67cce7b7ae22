package io.enhancedrl.bindings.cuda;

/**
 * A failed CUDA driver call: the call's name, the status code and its CUDA name (e.g.
 * CUDA_ERROR_OUT_OF_MEMORY) and the arguments that matter for finding the cause (sizes, kernel name,
 * launch configuration).
 */
public final class CudaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int status;
    private final String statusName;

    public CudaException(String call, int status, String statusName, String context) {
        super(call + " failed: " + statusName + " (" + status + ")" + (context == null || context.isEmpty() ? "" : " [" + context + "]"));
        this.call = call;
        this.status = status;
        this.statusName = statusName;
    }

    /** The driver function, e.g. "cuMemAlloc". */
    public String call() {
        return call;
    }

    /** The raw CUresult. */
    public int status() {
        return status;
    }

    /** The CUresult's name, e.g. "CUDA_ERROR_OUT_OF_MEMORY". */
    public String statusName() {
        return statusName;
    }
}
