package io.enhancedrl.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test-side safetensors handling written independently of {@link SafeTensors}: a minimal reader that checks a
 * file the way another safetensors implementation would (length prefix, JSON header, contiguous offsets), and
 * byte-level builders used to craft broken files. Uses only Jackson's tree model and ByteBuffer.
 */
final class RawSafeTensors {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private RawSafeTensors() {
    }

    /** A file split into its parsed header (field order kept) and its data buffer. */
    record Split(ObjectNode header, byte[] data) {
    }

    /** The result of the independent check: tensors decoded as little-endian floats, and metadata. */
    record Decoded(Map<String, long[]> shapes, Map<String, float[]> values, Map<String, String> metadata,
                   int headerLength) {
    }

    static Split split(byte[] file) throws Exception {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String json = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        ObjectNode header = (ObjectNode) MAPPER.readTree(json);
        return new Split(header, Arrays.copyOfRange(file, 8 + (int) n, file.length));
    }

    /**
     * The independent check: asserts the file is well-formed safetensors (8-byte aligned header that is a JSON
     * object starting with '{', F32 entries whose byte sizes match their shapes, offsets sorted from 0,
     * contiguous and ending exactly at the end of the file, string-only metadata) and decodes it.
     */
    static Decoded decodeIndependently(byte[] file) throws Exception {
        assertTrue(file.length >= 8, "file shorter than the length prefix");
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertTrue(n > 0 && 8 + n <= file.length, "header length " + n + " vs file " + file.length);
        assertEquals(0, (8 + n) % 8, "data buffer should start 8-byte aligned");
        assertEquals('{', file[8], "header should start with '{'");
        JsonNode header = MAPPER.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
        assertTrue(header.isObject(), "header is a JSON object");
        int dataStart = 8 + (int) n;
        int dataLength = file.length - dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        record E(String name, long[] shape, long begin, long end) {
        }
        List<E> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                for (Iterator<Map.Entry<String, JsonNode>> m = f.getValue().fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    assertTrue(kv.getValue().isTextual(), "metadata value of " + kv.getKey() + " is a string");
                    metadata.put(kv.getKey(), kv.getValue().textValue());
                }
                continue;
            }
            JsonNode e = f.getValue();
            assertEquals("F32", e.get("dtype").textValue(), f.getKey() + " dtype");
            long[] shape = new long[e.get("shape").size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.get("shape").get(i).longValue();
                count *= shape[i];
            }
            long begin = e.get("data_offsets").get(0).longValue();
            long end = e.get("data_offsets").get(1).longValue();
            assertEquals(2, e.get("data_offsets").size());
            assertEquals(count * 4, end - begin, f.getKey() + " byte size");
            entries.add(new E(f.getKey(), shape, begin, end));
        }
        entries.sort(Comparator.comparingLong(E::begin));
        long expected = 0;
        for (E e : entries) {
            assertEquals(expected, e.begin, e.name + " begins right after the previous tensor");
            expected = e.end;
        }
        assertEquals(dataLength, expected, "tensors cover the data buffer exactly");

        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        ByteBuffer data = ByteBuffer.wrap(file, dataStart, dataLength).slice().order(ByteOrder.LITTLE_ENDIAN);
        for (E e : entries) {
            float[] v = new float[(int) ((e.end - e.begin) / 4)];
            for (int i = 0; i < v.length; i++) {
                v[i] = data.getFloat((int) e.begin + 4 * i);
            }
            shapes.put(e.name, e.shape);
            values.put(e.name, v);
        }
        return new Decoded(shapes, values, metadata, (int) n);
    }

    /** A file from header JSON text (space-padded to 8-byte alignment) and data bytes. */
    static byte[] emit(String headerJson, byte[] data) {
        StringBuilder h = new StringBuilder(headerJson);
        byte[] hb = headerJson.getBytes(StandardCharsets.UTF_8);
        for (int pad = (8 - hb.length % 8) % 8; pad > 0; pad--) {
            h.append(' ');
        }
        hb = h.toString().getBytes(StandardCharsets.UTF_8);
        return emitRaw(hb.length, hb, data);
    }

    static byte[] emit(ObjectNode header, byte[] data) {
        return emit(header.toString(), data);
    }

    /** A file with an arbitrary length prefix, header bytes and data, no padding or checks. */
    static byte[] emitRaw(long lengthPrefix, byte[] header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(lengthPrefix).array());
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** Each tensor's bytes, in header order (offsets as in the header). */
    static LinkedHashMap<String, byte[]> tensorBytes(Split s) {
        LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.header().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equals("__metadata__")) {
                int b = f.getValue().get("data_offsets").get(0).intValue();
                int e = f.getValue().get("data_offsets").get(1).intValue();
                out.put(f.getKey(), Arrays.copyOfRange(s.data(), b, e));
            }
        }
        return out;
    }

    /**
     * Rebuilds a consistent file from header entries (dtype and shape taken as given) and per-tensor bytes:
     * offsets are reassigned contiguously in header order. Used to add or remove whole tensors.
     */
    static byte[] relayout(ObjectNode header, LinkedHashMap<String, byte[]> bytes) {
        ObjectNode h = header.deepCopy();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long offset = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                continue;
            }
            byte[] b = bytes.get(f.getKey());
            ((ObjectNode) f.getValue()).putArray("data_offsets").add(offset).add(offset + b.length);
            data.writeBytes(b);
            offset += b.length;
        }
        return emit(h, data.toByteArray());
    }

    static byte[] floatBytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
