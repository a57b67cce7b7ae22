package io.enhancedrl.model.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates the JSON header of a safetensors file against the length of its data buffer.
 *
 * <p>The header is read with Jackson's streaming parser rather than as a tree so that duplicate names are
 * detected (a tree silently keeps the last one) and every problem can name the tensor and field involved.
 * All checks that bound later allocations (sizes, offsets within the data buffer) happen here, before any
 * tensor data is read.
 */
final class HeaderParser {

    /** The only dtype this reader accepts. */
    static final String F32 = "F32";

    private static final String METADATA_KEY = "__metadata__";

    // Canonicalisation (interning) of field names is off: a corrupt header may hold millions of distinct names,
    // and they are used once. Jackson's default caps on string and name length (20M / 50k chars) are raised to
    // the header limit, so that every header the writer can produce within that limit is also readable.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength((int) SafeTensors.MAX_HEADER_BYTES)
                    .maxNameLength((int) SafeTensors.MAX_HEADER_BYTES)
                    .build())
            .build();

    private final Path file;
    private JsonParser p;

    private HeaderParser(Path file) {
        this.file = file;
    }

    /**
     * Parses {@code header} (the raw header bytes) of {@code file}, whose data buffer starts at
     * {@code dataStart} and has {@code dataLength} bytes, and validates it completely.
     */
    static SafeTensors.Header parse(Path file, byte[] header, long dataStart, long dataLength) throws ModelFileException {
        return new HeaderParser(file).run(header, dataStart, dataLength);
    }

    private SafeTensors.Header run(byte[] header, long dataStart, long dataLength) throws ModelFileException {
        String json = decodeUtf8(header);
        List<TensorEntry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser parser = FACTORY.createParser(json)) {
            p = parser;
            JsonToken t = p.nextToken();
            if (t == null) {
                throw fail("header is empty (only whitespace); expected a JSON object");
            }
            if (t != JsonToken.START_OBJECT) {
                throw fail("header is not a JSON object (it starts with " + describe(t) + ")");
            }
            Map<String, Boolean> seen = new LinkedHashMap<>();
            boolean sawMetadata = false;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (METADATA_KEY.equals(name)) {
                    if (sawMetadata) {
                        throw fail("header has a duplicate " + METADATA_KEY + " entry");
                    }
                    sawMetadata = true;
                    parseMetadata(metadata);
                } else {
                    if (seen.put(name, Boolean.TRUE) != null) {
                        throw fail("duplicate tensor name '" + name + "' in header");
                    }
                    entries.add(parseEntry(name));
                }
            }
            if (p.nextToken() != null) {
                throw fail("header is malformed JSON: unexpected content after the closing '}' at "
                        + location());
            }
        } catch (JacksonException e) {
            // Jackson's message may mention a redacted source ("[Source: REDACTED (...); line..."): drop that noise.
            String msg = e.getOriginalMessage().replaceAll("\\[Source: [^;\\]]*; ", "[");
            throw new ModelFileException(file, "header is malformed JSON: " + msg + " at "
                    + (e.getLocation() == null ? "unknown position"
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()), e);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            // Parsing from a String does no I/O; anything else is still a malformed header.
            throw new ModelFileException(file, "header is malformed JSON: " + e.getMessage(), e);
        }
        validateEntries(entries, dataLength);
        entries.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        validateLayout(entries, dataLength);
        return new SafeTensors.Header(Collections.unmodifiableList(entries),
                Collections.unmodifiableMap(metadata), dataStart, dataLength);
    }

    private String decodeUtf8(byte[] header) throws ModelFileException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        CharBuffer out = CharBuffer.allocate(header.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw fail("header is not valid UTF-8 (bad byte sequence at header byte " + in.position() + ")");
        }
        r = decoder.flush(out);
        if (r.isError()) {
            throw fail("header is not valid UTF-8 (incomplete sequence at its end)");
        }
        return out.flip().toString();
    }

    private void parseMetadata(Map<String, String> metadata) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw fail(METADATA_KEY + " must be a JSON object of string values but was " + describe(t));
        }
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_STRING) {
                throw fail(METADATA_KEY + ": value for key '" + key + "' is not a string (expected a string but was "
                        + describe(v) + ")");
            }
            if (metadata.put(key, p.getText()) != null) {
                throw fail(METADATA_KEY + ": duplicate key '" + key + "'");
            }
        }
    }

    private TensorEntry parseEntry(String name) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_OBJECT) {
            throw fail("tensor '" + name + "': entry must be a JSON object with dtype, shape and data_offsets but was "
                    + describe(t));
        }
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "dtype" -> {
                    checkOnce(name, field, dtype);
                    if (v != JsonToken.VALUE_STRING) {
                        throw fail("tensor '" + name + "': dtype must be a string but was " + describe(v));
                    }
                    dtype = p.getText();
                }
                case "shape" -> {
                    checkOnce(name, field, shape);
                    shape = readNonNegativeLongs(name, field, -1);
                }
                case "data_offsets" -> {
                    checkOnce(name, field, offsets);
                    offsets = readNonNegativeLongs(name, field, 2);
                }
                default -> throw fail("tensor '" + name + "': unexpected field '" + field
                        + "' (expected only dtype, shape, data_offsets)");
            }
        }
        if (dtype == null) {
            throw fail("tensor '" + name + "': missing field 'dtype'");
        }
        if (shape == null) {
            throw fail("tensor '" + name + "': missing field 'shape'");
        }
        if (offsets == null) {
            throw fail("tensor '" + name + "': missing field 'data_offsets'");
        }
        return new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private void checkOnce(String name, String field, Object previous) throws ModelFileException {
        if (previous != null) {
            throw fail("tensor '" + name + "': duplicate field '" + field + "'");
        }
    }

    /** Reads a JSON array of non-negative 64-bit integers; {@code exactLength} -1 means any length. */
    private long[] readNonNegativeLongs(String name, String field, int exactLength) throws IOException {
        String what = exactLength == 2 ? "an array of 2 non-negative integers [begin, end]"
                : "an array of non-negative integers";
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_ARRAY) {
            throw fail("tensor '" + name + "': " + field + " must be " + what + " but was " + describe(t));
        }
        long[] values = new long[4];
        int n = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw fail("tensor '" + name + "': " + field + "[" + n + "] must be a non-negative integer but was "
                        + (t == JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : describe(t)));
            }
            JsonParser.NumberType nt = p.getNumberType();
            if (nt == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                throw fail("tensor '" + name + "': " + field + "[" + n + "] must be a non-negative 64-bit integer but was "
                        + p.getText());
            }
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = p.getLongValue();
        }
        if (exactLength >= 0 && n != exactLength) {
            throw fail("tensor '" + name + "': " + field + " must be " + what + " but had " + n + " elements");
        }
        return Arrays.copyOf(values, n);
    }

    private void validateEntries(List<TensorEntry> entries, long dataLength) throws ModelFileException {
        for (TensorEntry e : entries) {
            String n = "tensor '" + e.name() + "': ";
            if (!F32.equals(e.dtype())) {
                throw fail(n + "unsupported dtype " + e.dtype() + " (expected F32)");
            }
            if (e.begin() > e.end()) {
                throw fail(n + "data_offsets " + range(e) + " are not ordered (begin > end)");
            }
            if (e.end() > dataLength) {
                throw fail(n + "data_offsets " + range(e) + " out of range: the data buffer has only " + dataLength
                        + " bytes (is the file truncated?)");
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(e.elementCount(), Float.BYTES);
            } catch (ArithmeticException overflow) {
                throw fail(n + "shape " + Arrays.toString(e.shape()) + " is too large (byte size overflows 64 bits)");
            }
            if (bytes != e.byteLength()) {
                throw fail(n + "shape " + Arrays.toString(e.shape()) + " needs " + bytes
                        + " bytes as F32 but data_offsets " + range(e) + " span " + e.byteLength() + " bytes");
            }
        }
    }

    /** Entries sorted by offset must tile the data buffer exactly: start at 0, no overlap, no gap, end at its end. */
    private void validateLayout(List<TensorEntry> sorted, long dataLength) throws ModelFileException {
        long expected = 0;
        TensorEntry previous = null;
        for (TensorEntry e : sorted) {
            if (e.begin() < expected) {
                throw fail("tensors '" + previous.name() + "' " + range(previous) + " and '" + e.name() + "' "
                        + range(e) + " overlap");
            }
            if (e.begin() > expected) {
                throw fail("gap of " + (e.begin() - expected) + " bytes in the data buffer "
                        + (previous == null ? "before the first tensor '" + e.name() + "' " + range(e)
                        : "between '" + previous.name() + "' " + range(previous) + " and '" + e.name() + "' " + range(e))
                        + "; tensors must be contiguous");
            }
            expected = e.end();
            previous = e;
        }
        if (expected != dataLength) {
            throw fail("tensors cover " + expected + " bytes but the data buffer has " + dataLength + " bytes ("
                    + (dataLength - expected) + " trailing bytes not covered by any tensor)");
        }
    }

    private static String range(TensorEntry e) {
        return "[" + e.begin() + ", " + e.end() + "]";
    }

    private String location() {
        var loc = p.currentLocation();
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private ModelFileException fail(String problem) {
        return new ModelFileException(file, problem);
    }
}
