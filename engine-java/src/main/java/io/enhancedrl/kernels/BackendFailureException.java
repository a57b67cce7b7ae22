package io.enhancedrl.kernels;

/**
 * A kernel backend failed at run time while executing one op: a device error (on CUDA e.g.
 * CUDA_ERROR_ILLEGAL_ADDRESS from a launch or a copy), as opposed to bad arguments, which are the caller's bug.
 *
 * <p>The engine handles device faults through this type only, so it never depends on a backend's own
 * exception classes: the backend (the bindings' {@code CudaKernelOps}) wraps its driver error, which stays
 * available as {@link #getCause()}. The message carries everything a log line needs: backend and device,
 * the op and its shapes, the failing driver call and its status, e.g.
 * {@code cuda backend (NVIDIA H200) failed in linearForward(n=64, in=149, out=256, rowsPerBias=64, act=RELU):
 * cuLaunchKernel returned CUDA_ERROR_ILLEGAL_ADDRESS (700) [erl_linear_forward_f32 grid (4, 1, 1) ...]}.
 *
 * <p>Only backends whose {@link KernelOps#isDevice()} is true throw it; what the caller's output arrays hold
 * after a failure is unspecified (an op may have written part of them).
 */
public final class BackendFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String backend;
    private final String device;
    private final String op;
    private final String shapes;
    private final String call;
    private final String statusName;
    private final int status;

    /**
     * @param backend the backend's name ("cuda")
     * @param device the device, e.g. its name and ordinal
     * @param op the {@link KernelOps} method ("linearForward")
     * @param shapes the op's sizes, e.g. "n=64, in=149, out=256"
     * @param call the failing low-level call ("cuLaunchKernel")
     * @param statusName the status's name ("CUDA_ERROR_ILLEGAL_ADDRESS")
     * @param status the raw status code (700)
     * @param cause the backend's own exception (its message has the call's arguments)
     */
    public BackendFailureException(String backend, String device, String op, String shapes, String call,
                                   String statusName, int status, Throwable cause) {
        super(backend + " backend (" + device + ") failed in " + op + "(" + shapes + "): " + call + " returned "
                + statusName + " (" + status + ")" + detail(cause), cause);
        this.backend = backend;
        this.device = device;
        this.op = op;
        this.shapes = shapes;
        this.call = call;
        this.statusName = statusName;
        this.status = status;
    }

    private static String detail(Throwable cause) {
        if (cause == null || cause.getMessage() == null) {
            return "";
        }
        // The cause's message repeats call and status; keep only its bracketed arguments, if any.
        String m = cause.getMessage();
        int open = m.indexOf(" [");
        return open >= 0 ? m.substring(open) : "; " + m;
    }

    /** The backend's name, e.g. "cuda". */
    public String backend() {
        return backend;
    }

    /** The device, e.g. "NVIDIA H200, ordinal 0". */
    public String device() {
        return device;
    }

    /** The KernelOps method that failed, e.g. "linearForward". */
    public String op() {
        return op;
    }

    /** The op's sizes, e.g. "n=64, in=149, out=256, rowsPerBias=64, act=RELU". */
    public String shapes() {
        return shapes;
    }

    /** The low-level call that failed, e.g. "cuLaunchKernel". */
    public String call() {
        return call;
    }

    /** The status's name, e.g. "CUDA_ERROR_ILLEGAL_ADDRESS". */
    public String statusName() {
        return statusName;
    }

    /** The raw status code. */
    public int status() {
        return status;
    }
}
