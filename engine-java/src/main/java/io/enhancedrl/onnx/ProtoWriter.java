package io.enhancedrl.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The few bits of the protocol buffers wire format that an ONNX file needs: varint, length-delimited (strings,
 * bytes, nested messages) and packed repeated int64 fields. Fields are written in the order called; a nested
 * message is built in its own writer and embedded with {@link #message}. Not a general protobuf library:
 * no parsing, no groups, no fixed-width scalar fields.
 */
final class ProtoWriter {

    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter varint(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoWriter message(int field, ProtoWriter nested) {
        return bytes(field, nested.toByteArray());
    }

    /** A packed repeated int64 (proto3 default for repeated scalars; ONNX readers accept both forms). */
    ProtoWriter packedInt64(int field, long[] values) {
        ProtoWriter body = new ProtoWriter();
        for (long v : values) {
            body.rawVarint(v);
        }
        return bytes(field, body.toByteArray());
    }

    /** Floats as little-endian IEEE 754 bytes, the layout of TensorProto.raw_data. */
    static byte[] littleEndian(float[] a, int off, int len) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(len, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < len; i++) {
            b.putFloat(a[off + i]);
        }
        return b.array();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    /** Base-128 varint; negative values take ten bytes (two's complement as uint64), as protobuf specifies. */
    private void rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
