package io.cxone.kafka.source.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * SHA-256 of a chunk over a canonical encoding of its rows as CXone sent them (before typing): each row as
 * compact JSON with object keys sorted, UTF-8, followed by one newline, rows in order. The same rows give
 * the same digest whatever order the API put the keys in, so a re-read of a committed chunk proves whether
 * the source still holds the same data.
 *
 * <p>The encoding is streamed into the digest row by row through one generator (no sorted copies of the rows,
 * no intermediate strings): hashing is on the path of every exported record.
 */
public final class ChunkChecksum {

    /** UTF-8 output identical to encoding Jackson's String output: characters beyond the BMP as 4 bytes, not escapes. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private final MessageDigest digest = newDigest();
    private final JsonGenerator generator;

    /** Writes to {@code out}, or into the digest when null. */
    private ChunkChecksum(OutputStream out) {
        try {
            generator = FACTORY.createGenerator(out == null ? new DigestSink() : out, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Rows are separated by the newline below, not by Jackson's default root-value separator (a space).
        generator.setRootValueSeparator(null);
    }

    private ChunkChecksum() {
        this(null);
    }

    /** Feeds what the generator writes straight into the digest. */
    private final class DigestSink extends OutputStream {
        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }

    /** A checksum that rows are added to one by one. */
    static ChunkChecksum start() {
        return new ChunkChecksum();
    }

    public static String sha256(List<? extends JsonNode> rows) {
        ChunkChecksum checksum = start();
        for (JsonNode row : rows) {
            checksum.add(row);
        }
        return checksum.hex();
    }

    /** Adds one row: its canonical JSON and a newline. */
    void add(JsonNode row) {
        try {
            write(row);
            generator.writeRaw('\n');
        } catch (IOException e) {
            throw new IllegalStateException("row cannot be encoded as JSON: " + e.getMessage(), e);
        }
    }

    /** The hex SHA-256 of the rows added so far; ends this checksum. */
    String hex() {
        try {
            generator.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Compact JSON with keys sorted at every level (the canonical form of one row). */
    static String canonical(JsonNode row) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChunkChecksum c = new ChunkChecksum(out);
        try {
            c.write(row);
            c.generator.flush();
        } catch (IOException e) {
            throw new IllegalStateException("row cannot be encoded as JSON: " + e.getMessage(), e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void write(JsonNode node) throws IOException {
        if (node.isObject()) {
            String[] names = new String[node.size()];
            int n = 0;
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                names[n++] = it.next();
            }
            Arrays.sort(names);
            generator.writeStartObject();
            for (String name : names) {
                generator.writeFieldName(name);
                write(node.get(name));
            }
            generator.writeEndObject();
        } else if (node.isArray()) {
            generator.writeStartArray();
            for (JsonNode element : node) {
                write(element);
            }
            generator.writeEndArray();
        } else if (node.isTextual()) {
            generator.writeString(node.textValue());
        } else if (node.isNumber()) {
            // Numbers are written as parsed (ints and longs as integers, doubles in Java's shortest form).
            switch (node.numberType()) {
                case INT -> generator.writeNumber(node.intValue());
                case LONG -> generator.writeNumber(node.longValue());
                case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
                case FLOAT -> generator.writeNumber(node.floatValue());
                case DOUBLE -> generator.writeNumber(node.doubleValue());
                case BIG_DECIMAL -> generator.writeNumber(node.decimalValue());
            }
        } else if (node.isBoolean()) {
            generator.writeBoolean(node.booleanValue());
        } else if (node.isNull() || node.isMissingNode()) {
            generator.writeNull();
        } else {
            generator.writeString(node.asText());
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
