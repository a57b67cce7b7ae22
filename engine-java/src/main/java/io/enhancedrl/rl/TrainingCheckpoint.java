package io.enhancedrl.rl;

import io.enhancedrl.model.Adam;
import io.enhancedrl.model.io.ModelFileException;
import io.enhancedrl.model.io.SafeTensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Everything a training run needs to continue bit for bit after a crash: the parameters of the four
 * networks, both Adam optimizers (moment slabs and step counts), the sampling generator's state, where the
 * run stands (round, updates done in it, whether the round is complete), trainer-specific progress values
 * (e.g. the statistics of finished rounds) and the fingerprint of the run that wrote it.
 *
 * <p>On disk it is one safetensors file (docs/reliability.md): six F32 tensors, everything else
 * as string metadata, plus a CRC32C of the tensor bytes, because the safetensors structure checks catch a
 * truncated file but not a flipped bit in the data. {@link #read} verifies it and names the file and the
 * problem in a {@link ModelFileException}. Arrays are held, not copied, after construction.
 */
public record TrainingCheckpoint(Map<String, String> fingerprint, int round, long updates, boolean roundComplete,
                                 long rngState, Map<String, String> progress, LearnerState learner) {

    /** The value of the {@code format} metadata key. */
    public static final String FORMAT = "enhancedrl-training-checkpoint";
    public static final int VERSION = 1;

    static final String FINGERPRINT_PREFIX = "fingerprint.";
    static final String PROGRESS_PREFIX = "progress.";
    static final String CHECKSUM_KEY = "checksum.crc32c";

    public TrainingCheckpoint {
        fingerprint = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(fingerprint, "fingerprint")));
        progress = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(progress, "progress")));
        Objects.requireNonNull(learner, "learner");
        if (round < 0) {
            throw new IllegalArgumentException("round: expected >= 0 but was " + round);
        }
        if (updates < 0) {
            throw new IllegalArgumentException("updates: expected >= 0 but was " + updates);
        }
    }

    /** The learner's trainable state: parameters of the four networks and both optimizers. */
    public record LearnerState(float[] actor, float[] actorTarget, float[] critics, float[] criticsTarget,
                               float[] actorMoments, int actorSteps, float[] criticMoments, int criticSteps) {

        /** A copy of the learner's current state. */
        public static LearnerState capture(ActorCriticLearner l) {
            return new LearnerState(l.actor().params().clone(), l.actorTarget().params().clone(),
                    l.critics().params().clone(), l.criticsTarget().params().clone(),
                    l.actorOptimizer().moments().clone(), l.actorOptimizer().stepCount(),
                    l.criticOptimizer().moments().clone(), l.criticOptimizer().stepCount());
        }

        /**
         * Copies this state into a learner of the same architecture.
         *
         * @throws IllegalArgumentException naming the part whose length differs (nothing is changed then)
         */
        public void restoreInto(ActorCriticLearner l) {
            checkLength("actor", actor, l.actor().params().length);
            checkLength("actor_target", actorTarget, l.actorTarget().params().length);
            checkLength("critics", critics, l.critics().params().length);
            checkLength("critics_target", criticsTarget, l.criticsTarget().params().length);
            checkLength("actor_adam_moments", actorMoments, l.actorOptimizer().moments().length);
            checkLength("critic_adam_moments", criticMoments, l.criticOptimizer().moments().length);
            System.arraycopy(actor, 0, l.actor().params(), 0, actor.length);
            System.arraycopy(actorTarget, 0, l.actorTarget().params(), 0, actorTarget.length);
            System.arraycopy(critics, 0, l.critics().params(), 0, critics.length);
            System.arraycopy(criticsTarget, 0, l.criticsTarget().params(), 0, criticsTarget.length);
            restore(l.actorOptimizer(), actorMoments, actorSteps);
            restore(l.criticOptimizer(), criticMoments, criticSteps);
        }

        private static void restore(Adam opt, float[] moments, int steps) {
            opt.restore(moments, steps);
        }

        private static void checkLength(String name, float[] a, int expected) {
            if (a.length != expected) {
                throw new IllegalArgumentException("checkpoint " + name + ": expected " + expected
                        + " floats (the learner's architecture) but was " + a.length);
            }
        }

        /** Bitwise equality of every array and both step counts. */
        public boolean sameAs(LearnerState o) {
            return Arrays.equals(actor, o.actor) && Arrays.equals(actorTarget, o.actorTarget)
                    && Arrays.equals(critics, o.critics) && Arrays.equals(criticsTarget, o.criticsTarget)
                    && Arrays.equals(actorMoments, o.actorMoments) && Arrays.equals(criticMoments, o.criticMoments)
                    && actorSteps == o.actorSteps && criticSteps == o.criticSteps;
        }
    }

    /** Writes this checkpoint to {@code file} atomically (temporary file, fsync, rename). */
    public void write(Path file) throws IOException {
        LinkedHashMap<String, SafeTensors.Tensor> tensors = tensors();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format.version", Integer.toString(VERSION));
        meta.put("round", Integer.toString(round));
        meta.put("updates", Long.toString(updates));
        meta.put("round_complete", Boolean.toString(roundComplete));
        meta.put("rng_state", Long.toString(rngState));
        meta.put("actor_adam_steps", Integer.toString(learner.actorSteps()));
        meta.put("critic_adam_steps", Integer.toString(learner.criticSteps()));
        fingerprint.forEach((k, v) -> meta.put(FINGERPRINT_PREFIX + k, v));
        progress.forEach((k, v) -> meta.put(PROGRESS_PREFIX + k, v));
        meta.put(CHECKSUM_KEY, Long.toHexString(checksum(tensors)));
        SafeTensors.write(file, tensors, meta);
    }

    private LinkedHashMap<String, SafeTensors.Tensor> tensors() {
        LinkedHashMap<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        put(t, "actor", learner.actor());
        put(t, "actor_target", learner.actorTarget());
        put(t, "critics", learner.critics());
        put(t, "critics_target", learner.criticsTarget());
        put(t, "actor_adam_moments", learner.actorMoments());
        put(t, "critic_adam_moments", learner.criticMoments());
        return t;
    }

    private static void put(Map<String, SafeTensors.Tensor> t, String name, float[] data) {
        t.put(name, new SafeTensors.Tensor(new long[]{data.length}, data));
    }

    /** CRC32C of the tensors' little-endian bytes in the given order, names included. */
    static long checksum(Map<String, SafeTensors.Tensor> tensors) {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, SafeTensors.Tensor> e : tensors.entrySet()) {
            crc.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            updateCrc(crc, buf, e.getValue().data());
        }
        return crc.getValue();
    }

    /** Adds the floats' bytes, in the buffer's byte order, to the CRC; the buffer is scratch of any size. */
    static void updateCrc(CRC32C crc, ByteBuffer buf, float[] a) {
        for (int i = 0; i < a.length; ) {
            buf.clear();
            int n = Math.min(a.length - i, buf.capacity() / Float.BYTES);
            buf.asFloatBuffer().put(a, i, n);
            buf.limit(n * Float.BYTES);
            crc.update(buf);
            i += n;
        }
    }

    /**
     * Reads and verifies a checkpoint: the safetensors structure, the format and version, every expected
     * tensor and metadata key, and the checksum.
     *
     * @throws ModelFileException naming the file and the problem when the content is not a valid checkpoint
     * @throws IOException        when the file cannot be read at all
     */
    public static TrainingCheckpoint read(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> meta = c.metadata();
        String format = meta.get("format");
        if (!FORMAT.equals(format)) {
            throw new ModelFileException(file, "not a training checkpoint: metadata 'format' is "
                    + (format == null ? "missing" : "'" + format + "'") + ", expected '" + FORMAT + "'");
        }
        String version = meta.get("format.version");
        if (!Integer.toString(VERSION).equals(version)) {
            throw new ModelFileException(file, "checkpoint format version " + version + " is not supported (expected "
                    + VERSION + ")");
        }
        Map<String, SafeTensors.Tensor> tensors = c.tensors();
        for (String name : new String[]{"actor", "actor_target", "critics", "critics_target", "actor_adam_moments",
                "critic_adam_moments"}) {
            if (!tensors.containsKey(name)) {
                throw new ModelFileException(file, "checkpoint tensor '" + name + "' is missing (found "
                        + tensors.keySet() + ")");
            }
        }
        LinkedHashMap<String, SafeTensors.Tensor> ordered = new LinkedHashMap<>();
        for (String name : new String[]{"actor", "actor_target", "critics", "critics_target", "actor_adam_moments",
                "critic_adam_moments"}) {
            ordered.put(name, tensors.get(name));
        }
        String expectedCrc = Long.toHexString(checksum(ordered));
        String storedCrc = meta.get(CHECKSUM_KEY);
        if (!expectedCrc.equals(storedCrc)) {
            throw new ModelFileException(file, "checkpoint checksum mismatch: metadata says " + storedCrc
                    + " but the tensors hash to " + expectedCrc + " (the file is corrupt)");
        }
        Map<String, String> fp = new TreeMap<>();
        Map<String, String> progress = new TreeMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(FINGERPRINT_PREFIX)) {
                fp.put(k.substring(FINGERPRINT_PREFIX.length()), v);
            } else if (k.startsWith(PROGRESS_PREFIX)) {
                progress.put(k.substring(PROGRESS_PREFIX.length()), v);
            }
        });
        LearnerState ls = new LearnerState(tensors.get("actor").data(), tensors.get("actor_target").data(),
                tensors.get("critics").data(), tensors.get("critics_target").data(),
                tensors.get("actor_adam_moments").data(), intKey(file, meta, "actor_adam_steps"),
                tensors.get("critic_adam_moments").data(), intKey(file, meta, "critic_adam_steps"));
        String complete = required(file, meta, "round_complete");
        if (!complete.equals("true") && !complete.equals("false")) {
            throw new ModelFileException(file, "checkpoint metadata 'round_complete': expected true or false but was '"
                    + complete + "'");
        }
        try {
            return new TrainingCheckpoint(fp, intKey(file, meta, "round"), longKey(file, meta, "updates"),
                    Boolean.parseBoolean(complete), longKey(file, meta, "rng_state"), progress, ls);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "checkpoint metadata: " + e.getMessage(), e);
        }
    }

    private static String required(Path file, Map<String, String> meta, String key) throws ModelFileException {
        String v = meta.get(key);
        if (v == null) {
            throw new ModelFileException(file, "checkpoint metadata '" + key + "' is missing");
        }
        return v;
    }

    private static int intKey(Path file, Map<String, String> meta, String key) throws ModelFileException {
        long v = longKey(file, meta, key);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new ModelFileException(file, "checkpoint metadata '" + key + "': expected 0.." + Integer.MAX_VALUE
                    + " but was " + v);
        }
        return (int) v;
    }

    private static long longKey(Path file, Map<String, String> meta, String key) throws ModelFileException {
        String v = required(file, meta, key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ModelFileException(file, "checkpoint metadata '" + key + "': expected an integer but was '" + v
                    + "'");
        }
    }
}
