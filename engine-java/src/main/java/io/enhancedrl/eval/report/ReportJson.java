package io.enhancedrl.eval.report;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.enhancedrl.eval.ExperimentResult;

/**
 * report.json: the whole {@link ExperimentResult}, written by Jackson from the records themselves, so the
 * file is exactly the result's components (title, command, machine, date, settings, methods with their
 * online summaries, per-seed values and rounds, ablations, notes) and reads back into the same records.
 *
 * <p>Non-finite numbers (a single seed's NaN half-width, a method without MTF-GAUC, NaN losses of methods
 * that do not train critics) are written as the JSON strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}: JSON has no such numbers, and a string keeps the distinction from a real 0 or a
 * missing field. Jackson reads those strings back into doubles; other readers should map them (Python:
 * {@code float("NaN")}).
 */
public final class ReportJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            // Explicit although it is Jackson 2's default: the NaN-as-string contract is documented above.
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private ReportJson() {
    }

    /** The configured mapper (shared, thread-safe). */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** The result as report.json bytes (UTF-8, indented, ending with a newline). */
    public static byte[] toBytes(ExperimentResult result) throws IOException {
        byte[] body = MAPPER.writeValueAsBytes(result);
        byte[] out = new byte[body.length + 1];
        System.arraycopy(body, 0, out, 0, body.length);
        out[body.length] = '\n';
        return out;
    }

    /** Reads a report.json back into the result it was written from. */
    public static ExperimentResult read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), ExperimentResult.class);
    }
}
