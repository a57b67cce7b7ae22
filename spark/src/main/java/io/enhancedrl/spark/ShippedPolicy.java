package io.enhancedrl.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A policy model file as the executors see it: its file name (shipped with {@code SparkContext.addFile}, found
 * on an executor with {@code SparkFiles.get}), the SHA-256 of its content taken on the driver, and the kernel
 * backend to compute with. Small and serializable: this, not the model, travels in each task's closure.
 *
 * @param fileName the file's name as registered with addFile
 * @param sha256   hex SHA-256 of the content; an executor refuses a file with other content
 * @param backend  kernel backend name ("scalar", "vector", "auto"); the single-machine comparison must use the same
 */
public record ShippedPolicy(String fileName, String sha256, String backend) implements Serializable {

    public ShippedPolicy {
        if (fileName == null || fileName.isEmpty()) {
            throw new IllegalArgumentException("fileName: expected the model file's name but was " + fileName);
        }
        if (sha256 == null || sha256.length() != 64) {
            throw new IllegalArgumentException("sha256: expected 64 hex digits but was " + sha256);
        }
        if (backend == null || backend.isEmpty()) {
            throw new IllegalArgumentException("backend: expected a backend name (scalar, vector, auto) but was " + backend);
        }
    }

    /** Hex SHA-256 of a file's content. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
