package io.enhancedrl.model.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Robustness: every truncation of a valid model file, and a few thousand seeded random mutations of it, are
 * either loaded or rejected with a {@link ModelFileException} - never another exception (a RuntimeException
 * from a missed check, a huge allocation, a stack overflow).
 */
class ModelFileFuzzTest {

    private static final int MUTATIONS = 3000;
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final String[] NASTY_NUMBERS = {"0", "1", "4", "-1", "2147483647", "2147483648", "4294967296",
            "9223372036854775807", "9223372036854775808", "99999999999999999999999", "1e3", "1.5", "-0"};

    @TempDir
    Path dir;

    @Test
    void everyTruncationIsRejectedWithAModelFileException() throws Exception {
        byte[] base = BrokenModelFiles.baseFile(dir);
        Path f = dir.resolve("t.safetensors");
        for (int len = 0; len < base.length; len++) {
            Files.write(f, Arrays.copyOf(base, len));
            int l = len;
            try {
                ModelFile.load(f);
                fail("truncation to " + len + " of " + base.length + " bytes was accepted");
            } catch (ModelFileException expected) {
                assertTrue(expected.getMessage().startsWith(f.toString()), expected.getMessage());
            } catch (Throwable t) {
                throw new AssertionError("truncation to " + l + " bytes: unexpected " + t, t);
            }
        }
    }

    @Test
    void randomMutationsAreLoadedOrRejectedCleanly() throws Exception {
        byte[] base = BrokenModelFiles.baseFile(dir);
        int headerEnd = 8 + (int) java.nio.ByteBuffer.wrap(base, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        Path f = dir.resolve("m.safetensors");
        SplittableRandom r = new SplittableRandom(20240917L);
        int rejected = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] m = mutate(base, headerEnd, r);
            Files.write(f, m);
            try {
                ModelBundle b = ModelFile.load(f);
                // Whatever loads must be self-consistent and savable (never a file the loader accepts but save rejects).
                ModelFile.save(dir.resolve("resaved.safetensors"), b);
                assertEquals(b, ModelFile.load(dir.resolve("resaved.safetensors")));
            } catch (ModelFileException expected) {
                rejected++;
            } catch (Throwable t) {
                Files.write(dir.resolve("crash.safetensors"), m);
                throw new AssertionError("mutation " + i + ": unexpected " + t + " (input kept as crash.safetensors)", t);
            }
        }
        // The mutations must mostly hit something the loader checks, or this test would prove little.
        assertTrue(rejected > MUTATIONS / 2, "only " + rejected + " of " + MUTATIONS + " mutations rejected");
    }

    private static byte[] mutate(byte[] base, int headerEnd, SplittableRandom r) {
        byte[] m = base.clone();
        switch (r.nextInt(6)) {
            case 0 -> { // flip bits of 1..4 bytes anywhere
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> { // overwrite a header byte with a random or structural character
                String chars = "{}[]\":,0123456789-. \u0000x";
                int pos = 8 + r.nextInt(headerEnd - 8);
                m[pos] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) chars.charAt(r.nextInt(chars.length()));
            }
            case 2 -> { // replace a number in the header with a nasty one (keeps the length prefix honest)
                String h = new String(m, 8, headerEnd - 8, StandardCharsets.UTF_8);
                Matcher mt = NUMBER.matcher(h);
                int count = 0;
                while (mt.find()) {
                    count++;
                }
                int pick = r.nextInt(Math.max(1, count));
                mt.reset();
                for (int k = 0; k <= pick; k++) {
                    mt.find();
                }
                String nh = h.substring(0, mt.start()) + NASTY_NUMBERS[r.nextInt(NASTY_NUMBERS.length)] + h.substring(mt.end());
                m = RawSafeTensors.emit(nh.stripTrailing(), Arrays.copyOfRange(base, headerEnd, base.length));
            }
            case 3 -> { // corrupt the length prefix
                m[r.nextInt(8)] = (byte) r.nextInt(256);
            }
            case 4 -> { // delete or insert a run of bytes
                int pos = r.nextInt(m.length);
                int len = 1 + r.nextInt(16);
                if (r.nextBoolean()) {
                    byte[] d = new byte[m.length - Math.min(len, m.length - pos)];
                    System.arraycopy(m, 0, d, 0, pos);
                    System.arraycopy(m, pos + (m.length - d.length), d, pos, d.length - pos);
                    m = d;
                } else {
                    byte[] ins = new byte[len];
                    r.nextBytes(ins);
                    byte[] d = new byte[m.length + len];
                    System.arraycopy(m, 0, d, 0, pos);
                    System.arraycopy(ins, 0, d, pos, len);
                    System.arraycopy(m, pos, d, pos + len, m.length - pos);
                    m = d;
                }
            }
            default -> { // a random 4-byte word in the data buffer (NaN/Inf patterns included)
                int pos = headerEnd + 4 * r.nextInt((base.length - headerEnd) / 4);
                int bits = switch (r.nextInt(3)) {
                    case 0 -> 0x7fc00000;
                    case 1 -> r.nextBoolean() ? 0x7f800000 : 0xff800000;
                    default -> r.nextInt();
                };
                java.nio.ByteBuffer.wrap(m).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(pos, bits);
            }
        }
        return m;
    }
}
