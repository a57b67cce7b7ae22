package io.enhancedrl.bindings.ffm;

/** A cuBLASLt or cuDNN call that returned a non-zero status: library, call, status name and arguments. */
public final class NativeCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int status;
    private final String statusName;

    public NativeCallException(String call, int status, String statusName, String context) {
        super(call + " failed: " + statusName + " (" + status + ")" + (context.isEmpty() ? "" : " [" + context + "]"));
        this.call = call;
        this.status = status;
        this.statusName = statusName;
    }

    public String call() {
        return call;
    }

    public int status() {
        return status;
    }

    public String statusName() {
        return statusName;
    }
}
