package io.enhancedrl.data;

import com.github.luben.zstd.Zstd;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Page compression without Hadoop. parquet-hadoop's own CodecFactory builds a Hadoop Configuration for
 * every codec but UNCOMPRESSED, which needs most of Hadoop's runtime on the class path; these codecs call
 * the compression libraries parquet-hadoop already depends on (snappy-java, zstd-jni) and java.util.zip
 * directly, on heap byte arrays.
 *
 * <p>Formats follow the Parquet spec: SNAPPY is a raw Snappy block, ZSTD a Zstandard frame, GZIP an RFC
 * 1952 stream. LZ4_RAW, LZ4 (Hadoop framing), LZO and BROTLI are not supported; a file that uses them is
 * rejected by name when its first page is read.
 */
final class LocalCodecs implements CompressionCodecFactory {

    /** Codecs this factory handles, for messages. */
    static final String SUPPORTED = "UNCOMPRESSED, SNAPPY, ZSTD, GZIP";

    /** Zstandard level 3 is Parquet's and zstd's own default: most of the gain of higher levels, fast. */
    private static final int ZSTD_LEVEL = 3;

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
        return new Compressor(codecName);
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
        return new Decompressor(codecName);
    }

    @Override
    public void release() {
        // Nothing pooled: every buffer lives on the heap.
    }

    static boolean supports(CompressionCodecName name) {
        return switch (name) {
            case UNCOMPRESSED, SNAPPY, ZSTD, GZIP -> true;
            default -> false;
        };
    }

    /** The bytes of a page on the heap (BytesInput.toByteArray is deprecated in parquet 1.17). */
    private static byte[] toArray(BytesInput bytes) throws IOException {
        long size = bytes.size();
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("page of " + size + " bytes is too large for a Java array");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        bytes.writeAllTo(out);
        return out.toByteArray();
    }

    private static IOException unsupported(CompressionCodecName name) {
        return new IOException("compression codec " + name + " is not supported (supported: " + SUPPORTED + ")");
    }

    private static final class Compressor implements BytesInputCompressor {
        private final CompressionCodecName name;

        Compressor(CompressionCodecName name) {
            this.name = name;
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            return switch (name) {
                case UNCOMPRESSED -> bytes;
                case SNAPPY -> BytesInput.from(Snappy.compress(toArray(bytes)));
                case ZSTD -> BytesInput.from(Zstd.compress(toArray(bytes), ZSTD_LEVEL));
                case GZIP -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(64, bytes.size() / 2));
                    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                        bytes.writeAllTo(gz);
                    }
                    yield BytesInput.from(out.toByteArray());
                }
                default -> throw unsupported(name);
            };
        }

        @Override
        public CompressionCodecName getCodecName() {
            return name;
        }

        @Override
        public void release() {
        }
    }

    private static final class Decompressor implements BytesInputDecompressor {
        private final CompressionCodecName name;

        Decompressor(CompressionCodecName name) {
            this.name = name;
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
            if (name == CompressionCodecName.UNCOMPRESSED) {
                return bytes;
            }
            return BytesInput.from(decompress(toArray(bytes), decompressedSize));
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
                throws IOException {
            if (input.remaining() < compressedSize) {
                throw new IOException("compressed page claims " + compressedSize + " bytes but only "
                        + input.remaining() + " are available");
            }
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(name == CompressionCodecName.UNCOMPRESSED ? checkSize(in, decompressedSize)
                    : decompress(in, decompressedSize));
        }

        private byte[] decompress(byte[] in, int size) throws IOException {
            try {
                return switch (name) {
                    case UNCOMPRESSED -> checkSize(in, size);
                    case SNAPPY -> {
                        if (Snappy.uncompressedLength(in) != size) {
                            throw new IOException("SNAPPY page decompresses to " + Snappy.uncompressedLength(in)
                                    + " bytes, the page header says " + size);
                        }
                        byte[] out = new byte[size];
                        Snappy.uncompress(in, 0, in.length, out, 0);
                        yield out;
                    }
                    case ZSTD -> checkSize(Zstd.decompress(in, size), size);
                    case GZIP -> {
                        try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(in))) {
                            byte[] out = gz.readNBytes(size);
                            if (out.length != size || gz.read() != -1) {
                                throw new IOException("GZIP page does not decompress to the " + size
                                        + " bytes its header says");
                            }
                            yield out;
                        }
                    }
                    default -> throw unsupported(name);
                };
            } catch (IOException e) {
                throw e;
            } catch (RuntimeException e) {
                // zstd-jni signals corrupt input with unchecked ZstdException; make every codec failure an IOException.
                throw new IOException(name + " page is corrupt: " + e.getMessage(), e);
            }
        }

        private static byte[] checkSize(byte[] out, int size) throws IOException {
            if (out.length != size) {
                throw new IOException("page decompresses to " + out.length + " bytes, the page header says " + size);
            }
            return out;
        }

        @Override
        public void release() {
        }
    }
}
