package io.enhancedrl.model.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generic safetensors layer: round trip, exact on-disk layout, write-side validation, atomic replacement. */
class SafeTensorsTest {

    @TempDir
    Path dir;

    private static LinkedHashMap<String, SafeTensors.Tensor> sample() {
        LinkedHashMap<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        t.put("w", new SafeTensors.Tensor(new long[] {2, 3}, new float[] {1f, -2f, 3.5f, Float.MIN_VALUE, -0f, 1e30f}));
        t.put("scalar", new SafeTensors.Tensor(new long[] {}, new float[] {42f}));
        t.put("empty", new SafeTensors.Tensor(new long[] {0, 5}, new float[0]));
        t.put("b", new SafeTensors.Tensor(new long[] {3}, new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, 0.1f}));
        return t;
    }

    @Test
    void roundTripKeepsValuesBitForBitShapesOrderAndMetadata() throws Exception {
        Path f = dir.resolve("t.safetensors");
        Map<String, String> meta = Map.of("k", "v", "unicode", "\u00e9\u4e2d \"quoted\"\n");
        SafeTensors.write(f, sample(), meta);
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(sample(), c.tensors());
        assertEquals(List.of("w", "scalar", "empty", "b"), List.copyOf(c.tensors().keySet()), "data-buffer order");
        assertEquals(meta, c.metadata());
        // -0f must survive as -0f (bitwise, not just ==).
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(c.tensors().get("w").data()[4]));
    }

    @Test
    void fileIsStandardSafetensorsByAnIndependentCheck() throws Exception {
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, sample(), Map.of("note", "x"));
        RawSafeTensors.Decoded d = RawSafeTensors.decodeIndependently(Files.readAllBytes(f));
        assertEquals(Map.of("note", "x"), d.metadata());
        for (Map.Entry<String, SafeTensors.Tensor> e : sample().entrySet()) {
            assertArrayEquals(e.getValue().shape(), d.shapes().get(e.getKey()), e.getKey());
            assertArrayEquals(e.getValue().data(), d.values().get(e.getKey()), e.getKey());
        }
    }

    @Test
    void noMetadataWritesNoMetadataEntryAndEmptyFileIsValid() throws Exception {
        Path f = dir.resolve("empty.safetensors");
        SafeTensors.write(f, new LinkedHashMap<>(), null);
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(16, bytes.length, "8-byte prefix + '{}' padded to 8");
        SafeTensors.Contents c = SafeTensors.read(f);
        assertTrue(c.tensors().isEmpty());
        assertTrue(c.metadata().isEmpty());
    }

    @Test
    void readHeaderListsEntriesSortedByOffset() throws Exception {
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, sample(), Map.of());
        SafeTensors.Header h = SafeTensors.readHeader(f);
        assertEquals(List.of(
                new TensorEntry("w", "F32", new long[] {2, 3}, 0, 24),
                new TensorEntry("scalar", "F32", new long[] {}, 24, 28),
                new TensorEntry("empty", "F32", new long[] {0, 5}, 28, 28),
                new TensorEntry("b", "F32", new long[] {3}, 28, 40)), h.tensors());
        assertEquals(40, h.dataLength());
        assertEquals(Files.size(f), h.dataStart() + h.dataLength());
        assertEquals(0, h.dataStart() % 8);
    }

    @Test
    void longNamesAndMetadataValuesBeyondJacksonDefaultCapsRoundTrip() throws Exception {
        String name = "n".repeat(60_000);
        LinkedHashMap<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        t.put(name, new SafeTensors.Tensor(new long[] {1}, new float[] {1f}));
        Path f = dir.resolve("long.safetensors");
        SafeTensors.write(f, t, Map.of(name, "v"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(t, c.tensors());
        assertEquals(Map.of(name, "v"), c.metadata());
    }

    @Test
    void largeTensorCrossesTheIoChunkBoundary() throws Exception {
        float[] big = new float[100_003];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) Math.sin(i) * i;
        }
        LinkedHashMap<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        t.put("big", new SafeTensors.Tensor(new long[] {big.length}, big));
        Path f = dir.resolve("big.safetensors");
        SafeTensors.write(f, t, Map.of());
        assertArrayEquals(big, SafeTensors.read(f).tensors().get("big").data());
    }

    @Test
    void writeRejectsNonFiniteValuesReservedNamesAndNullMetadataBeforeCreatingAnything() {
        Path f = dir.resolve("x.safetensors");
        LinkedHashMap<String, SafeTensors.Tensor> nan = new LinkedHashMap<>();
        nan.put("w", new SafeTensors.Tensor(new long[] {2}, new float[] {0f, Float.NaN}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, nan, Map.of()));
        assertTrue(e.getMessage().contains("tensors['w']: non-finite value NaN at flat index 1"), e.getMessage());

        LinkedHashMap<String, SafeTensors.Tensor> reserved = new LinkedHashMap<>();
        reserved.put("__metadata__", new SafeTensors.Tensor(new long[] {1}, new float[] {0f}));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, reserved, Map.of()));
        LinkedHashMap<String, SafeTensors.Tensor> empty = new LinkedHashMap<>();
        empty.put("", new SafeTensors.Tensor(new long[] {1}, new float[] {0f}));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, empty, Map.of()));

        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, sample(), nullValue));
        assertFalse(Files.exists(f));
        assertEquals(List.of(), listDir());
    }

    @Test
    void tensorRejectsShapeThatDisagreesWithData() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SafeTensors.Tensor(new long[] {2, 3}, new float[5]));
        assertTrue(e.getMessage().contains("expected 6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SafeTensors.Tensor(new long[] {-1}, new float[0]));
    }

    @Test
    void failureAtEveryStageLeavesTheOldFileIntactAndNoTempFile() throws Exception {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, sample(), Map.of("version", "old"));
        byte[] old = Files.readAllBytes(f);
        LinkedHashMap<String, SafeTensors.Tensor> replacement = new LinkedHashMap<>();
        replacement.put("other", new SafeTensors.Tensor(new long[] {1}, new float[] {7f}));
        for (AtomicFiles.Stage stage : AtomicFiles.Stage.values()) {
            Path[] seenTemp = new Path[1];
            AtomicFiles.FAULTS.set((s, tmp) -> {
                if (s == stage) {
                    seenTemp[0] = tmp;
                    assertTrue(Files.exists(tmp), "temp file exists while writing");
                    assertEquals(f.getParent(), tmp.getParent(), "temp file in the target's directory");
                    throw new IOException("injected failure at " + s);
                }
            });
            try {
                IOException e = assertThrows(IOException.class, () -> SafeTensors.write(f, replacement, Map.of()));
                assertEquals("injected failure at " + stage, e.getMessage());
            } finally {
                AtomicFiles.FAULTS.remove();
            }
            assertArrayEquals(old, Files.readAllBytes(f), "old file unchanged after failure at " + stage);
            assertFalse(Files.exists(seenTemp[0]), "temp file removed after failure at " + stage);
            assertEquals(List.of("m.safetensors"), listDir(), "only the target remains after failure at " + stage);
        }
        // Without a fault the same write replaces the file.
        SafeTensors.write(f, replacement, Map.of());
        assertEquals(replacement, SafeTensors.read(f).tensors());
        assertEquals(List.of("m.safetensors"), listDir());
    }

    @Test
    void writeIntoMissingDirectoryFailsWithoutSideEffects() {
        Path f = dir.resolve("no/such/dir/m.safetensors");
        assertThrows(NoSuchFileException.class, () -> SafeTensors.write(f, sample(), Map.of()));
        assertFalse(Files.exists(dir.resolve("no")));
    }

    @Test
    void missingFileIsAPlainIoErrorNotAContentError() {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(dir.resolve("absent.safetensors")));
        assertFalse(e instanceof ModelFileException, "a missing file is not invalid content: " + e);
    }

    @Test
    void tempNamesAreHiddenAndBounded() {
        String n = AtomicFiles.tempName("x".repeat(300));
        assertTrue(n.startsWith(".x") && n.endsWith(".tmp"), n);
        assertTrue(n.length() < 130, "length " + n.length());
    }

    private List<String> listDir() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
