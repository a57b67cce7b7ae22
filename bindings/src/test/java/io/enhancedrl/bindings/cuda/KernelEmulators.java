package io.enhancedrl.bindings.cuda;

import io.enhancedrl.bindings.cuda.SimulatedCudaDriver.Launch;
import io.enhancedrl.kernels.Activation;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Java versions of the kernels CudaKernelOps launches, reading their arguments by the positions of
 * erl_kernels.h. Run by the stand-in driver, they make a wrong argument order or a wrong staging copy show
 * up as a wrong result in the parity tests, without a GPU.
 */
final class KernelEmulators {

    private KernelEmulators() {
    }

    static void install(SimulatedCudaDriver d) {
        d.emulators.put("erl_linear_forward_f32", l -> linearForward(d, l));
        d.emulators.put("erl_act_backward_f32", l -> actBackward(d, l));
        d.emulators.put("erl_linear_backward_dw_f32", l -> dw(d, l));
        d.emulators.put("erl_bias_backward_f32", l -> db(d, l));
        d.emulators.put("erl_linear_backward_dx_f32", l -> dx(d, l));
        d.emulators.put("erl_adam_f32", l -> adam(d, l));
        d.emulators.put("erl_fusion_score_f32", l -> fusion(d, l));
        d.emulators.put("erl_topk_f32", l -> topk(d, l));
    }

    private static int i(Launch l, int k) {
        return l.args().get(k).asInt();
    }

    private static FloatBuffer f(SimulatedCudaDriver d, Launch l, int k) {
        return d.at(l.args().get(k)).asFloatBuffer();
    }

    private static Activation act(int code) {
        for (Activation a : Activation.values()) {
            if (a.code == code) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation code " + code);
    }

    private static void linearForward(SimulatedCudaDriver d, Launch l) {
        List<KernelArgs.Arg> a = l.args();
        int members = i(l, 0), n = i(l, 1), in = i(l, 2), out = i(l, 3);
        if (members != 1 || a.get(5).value() != 0) {
            throw new IllegalArgumentException("emulator covers members = 1 only");
        }
        FloatBuffer x = f(d, l, 4), w = f(d, l, 6);
        FloatBuffer bias = a.get(8).isNull() ? null : f(d, l, 8);
        int rpb = i(l, 10);
        Activation act = act(i(l, 11));
        FloatBuffer y = f(d, l, 12);
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                float acc = 0f;
                for (int k = 0; k < in; k++) {
                    acc += x.get(r * in + k) * w.get(k * out + o);
                }
                if (bias != null) {
                    acc += bias.get((r / rpb) * out + o);
                }
                y.put(r * out + o, act.apply(acc));
            }
        }
    }

    private static void actBackward(SimulatedCudaDriver d, Launch l) {
        long count = l.args().get(0).value();
        FloatBuffer y = f(d, l, 1), dy = f(d, l, 2);
        Activation act = act(i(l, 3));
        for (int e = 0; e < count; e++) {
            dy.put(e, dy.get(e) * act.derivativeFromOutput(y.get(e)));
        }
    }

    private static void dw(SimulatedCudaDriver d, Launch l) {
        int splits = i(l, 1), n = i(l, 2), in = i(l, 3), out = i(l, 4);
        if (i(l, 0) != 1 || splits != 1) {
            throw new IllegalArgumentException("emulator covers members = splits = 1 only");
        }
        FloatBuffer x = f(d, l, 5), dz = f(d, l, 7), dw = f(d, l, 9);
        boolean acc = i(l, 11) != 0;
        for (int k = 0; k < in; k++) {
            for (int o = 0; o < out; o++) {
                float s = acc ? dw.get(k * out + o) : 0f;
                for (int r = 0; r < n; r++) {
                    s += x.get(r * in + k) * dz.get(r * out + o);
                }
                dw.put(k * out + o, s);
            }
        }
    }

    private static void db(SimulatedCudaDriver d, Launch l) {
        int n = i(l, 1), out = i(l, 2);
        FloatBuffer dz = f(d, l, 3), db = f(d, l, 5);
        boolean acc = i(l, 7) != 0;
        for (int o = 0; o < out; o++) {
            float s = acc ? db.get(o) : 0f;
            for (int r = 0; r < n; r++) {
                s += dz.get(r * out + o);
            }
            db.put(o, s);
        }
    }

    private static void dx(SimulatedCudaDriver d, Launch l) {
        int n = i(l, 1), in = i(l, 2), out = i(l, 3);
        FloatBuffer dz = f(d, l, 4), w = f(d, l, 6), dx = f(d, l, 8);
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < in; k++) {
                float s = 0f;
                for (int o = 0; o < out; o++) {
                    s += dz.get(r * out + o) * w.get(k * out + o);
                }
                dx.put(r * in + k, s);
            }
        }
    }

    private static void adam(SimulatedCudaDriver d, Launch l) {
        long len = l.args().get(0).value();
        FloatBuffer p = f(d, l, 1), g = f(d, l, 2), m = f(d, l, 3), v = f(d, l, 4);
        float lr = l.args().get(5).asFloat(), b1 = l.args().get(6).asFloat(), b2 = l.args().get(7).asFloat();
        float eps = l.args().get(8).asFloat();
        int step = i(l, 9);
        float c1 = 1f - (float) Math.pow(b1, step), c2 = 1f - (float) Math.pow(b2, step);
        for (int e = 0; e < len; e++) {
            float gi = g.get(e);
            float mi = b1 * m.get(e) + (1f - b1) * gi;
            float vi = b2 * v.get(e) + (1f - b2) * gi * gi;
            m.put(e, mi);
            v.put(e, vi);
            p.put(e, p.get(e) - lr * (mi / c1) / ((float) Math.sqrt(vi / c2) + eps));
        }
    }

    private static void fusion(SimulatedCudaDriver d, Launch l) {
        int n = i(l, 0), k = i(l, 1);
        FloatBuffer p = f(d, l, 2), pow = f(d, l, 3), b = f(d, l, 4), s = f(d, l, 5);
        for (int r = 0; r < n; r++) {
            float acc = 0f;
            for (int j = 0; j < k; j++) {
                acc += pow.get(r * k + j) * (float) Math.log(p.get(r * k + j) + b.get(r * k + j));
            }
            s.put(r, acc);
        }
    }

    private static void topk(SimulatedCudaDriver d, Launch l) {
        int requests = i(l, 0), k = i(l, 4);
        ByteBuffer offsets = d.at(l.args().get(1));
        FloatBuffer scores = f(d, l, 2);
        ByteBuffer ids = d.at(l.args().get(3));
        ByteBuffer outIdx = d.at(l.args().get(5));
        for (int r = 0; r < requests; r++) {
            int start = offsets.getInt(4 * r), end = offsets.getInt(4 * (r + 1));
            Integer[] order = new Integer[end - start];
            for (int j = 0; j < order.length; j++) {
                order[j] = j;
            }
            java.util.Arrays.sort(order, (p, q) -> {
                int c = Float.compare(scores.get(start + q), scores.get(start + p));
                if (c != 0) {
                    return c;
                }
                c = Long.compare(ids.getLong(8 * (start + p)), ids.getLong(8 * (start + q)));
                return c != 0 ? c : Integer.compare(p, q);
            });
            for (int j = 0; j < k; j++) {
                outIdx.putInt(4 * (r * k + j), j < order.length ? order[j] : -1);
            }
        }
    }
}
