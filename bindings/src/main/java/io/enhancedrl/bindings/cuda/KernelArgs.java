package io.enhancedrl.bindings.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The parameters of one kernel launch, in declaration order, with their C types kept, so the driver can
 * build {@code void** kernelParams} and tests can check the order against {@code erl_kernels.h}.
 * A builder is reused by the backend ({@link #clear()}), so a launch does not allocate a new list.
 */
public final class KernelArgs {

    /** The C type of a kernel parameter, as spelled in erl_kernels.h. */
    public enum Kind {
        /** int */
        I32,
        /** long long */
        I64,
        /** float */
        F32,
        /** a device pointer (any element type) */
        PTR
    }

    /** One parameter: a number (its bits in {@code value}) or a device pointer (allocation + byte offset). */
    public record Arg(Kind kind, long value, long offset) {

        /** The int value of an I32 argument. */
        public int asInt() {
            return (int) value;
        }

        /** The float value of an F32 argument. */
        public float asFloat() {
            return Float.intBitsToFloat((int) value);
        }

        /** Whether this is the NULL device pointer. */
        public boolean isNull() {
            return kind == Kind.PTR && value == 0;
        }
    }

    private final List<Arg> args = new ArrayList<>();

    public KernelArgs clear() {
        args.clear();
        return this;
    }

    public KernelArgs i32(int v) {
        args.add(new Arg(Kind.I32, v, 0));
        return this;
    }

    public KernelArgs i64(long v) {
        args.add(new Arg(Kind.I64, v, 0));
        return this;
    }

    public KernelArgs f32(float v) {
        args.add(new Arg(Kind.F32, Float.floatToRawIntBits(v), 0));
        return this;
    }

    /** The start of a device buffer. */
    public KernelArgs ptr(DeviceBuffer b) {
        args.add(new Arg(Kind.PTR, b.handle(), 0));
        return this;
    }

    /** A device pointer: allocation handle (0 = NULL) plus a byte offset. */
    public KernelArgs ptr(long allocation, long byteOffset) {
        args.add(new Arg(Kind.PTR, allocation, byteOffset));
        return this;
    }

    /** The NULL device pointer (optional kernel inputs and outputs). */
    public KernelArgs nullPtr() {
        return ptr(0, 0);
    }

    public int size() {
        return args.size();
    }

    public Arg get(int i) {
        return args.get(i);
    }

    /** A read-only view (valid until the next {@link #clear()}). */
    public List<Arg> list() {
        return Collections.unmodifiableList(args);
    }

    /** The parameter kinds in order, for signature checks. */
    public List<Kind> kinds() {
        List<Kind> k = new ArrayList<>(args.size());
        for (Arg a : args) {
            k.add(a.kind());
        }
        return k;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            if (i > 0) {
                sb.append(", ");
            }
            switch (a.kind()) {
                case I32 -> sb.append(a.asInt());
                case I64 -> sb.append(a.value()).append('L');
                case F32 -> sb.append(a.asFloat()).append('f');
                case PTR -> sb.append(a.isNull() ? "NULL" : "dev#" + a.value() + (a.offset() == 0 ? "" : "+" + a.offset()));
            }
        }
        return sb.append(')').toString();
    }
}
