package io.cxone.kafka.source.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Hostile webhook bodies for the built-in DataActionEvent schema, built byte by byte, and the pieces to build more.
 * Each named one once ended in an {@code Error}, a 500 or a loop in the worker.
 */
final class HostileBodies {

    static final byte[] SYNC = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final Schema EVENT_SCHEMA = WebhookTestSupport.EVENT_SCHEMA;

    private HostileBodies() {}

    /** {@code application/avro}, 8 bytes: event_id declares a string of 1.9e9 bytes, 3 follow. */
    static byte[] stringLengthBomb() {
        return concat(varLong(1_900_000_000L), "abc".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * {@code application/avro}, 17 bytes: event_id "", timestamp 1, action_type "", user_id null, then metadata
     * declares 5e8 entries and 8 bytes follow.
     */
    static byte[] mapCountBomb() {
        return concat(new byte[] {0, 2, 0, 0}, varLong(500_000_000L), new byte[8]);
    }

    /** {@code avro/binary}: one block declaring {@code size} bytes, 20 of which follow, then the sync marker. */
    static byte[] blockSizeBomb(long size) {
        return concat(header(EVENT_SCHEMA.toString(), "null"), varLong(1), varLong(size), new byte[20], SYNC);
    }

    /** {@code avro/binary}, deflate codec: one block of under 1 MB that inflates to {@code inflatedSize} zero bytes. */
    static byte[] deflateBomb(long inflatedSize) {
        byte[] bomb = deflatedZeros(inflatedSize);
        return concat(header(EVENT_SCHEMA.toString(), "deflate"), varLong(1), varLong(bomb.length), bomb, SYNC);
    }

    /**
     * {@code avro/binary}, a few hundred bytes: the embedded writer schema adds a field the configured schema does
     * not have, an array of null, and the one event declares 2^62 of them (no byte each).
     */
    static byte[] nullArrayBomb() {
        Schema writer = withField(EVENT_SCHEMA, "padding", "{\"type\":\"array\",\"items\":\"null\"}");
        return containerOfEncoded(writer, concat(event(), varLong(1L << 62), varLong(0)));
    }

    /** {@code avro/binary}: a header without avro.schema, then one block. */
    static byte[] containerWithoutSchema() {
        return concat(header(null, "null"), varLong(1), varLong(1), new byte[1], SYNC);
    }

    /** {@code avro/binary}: a header naming {@code codec}, then one block of 4 bytes. */
    static byte[] containerWithCodec(String codec) {
        return concat(header(EVENT_SCHEMA.toString(), codec), varLong(1), varLong(4), new byte[4], SYNC);
    }

    /** {@code application/json}: arrays nested {@code depth} deep. */
    static byte[] deepJson(int depth) {
        return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.US_ASCII);
    }

    /** One valid DataActionEvent datum (event_id e-1). */
    static byte[] event() {
        try {
            return WebhookTestSupport.datum(WebhookTestSupport.event("e-1", "A"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code schema} with one more field, last. */
    static Schema withField(Schema schema, String name, String type) {
        String json = schema.toString();
        return new Schema.Parser()
                .parse(json.substring(0, json.lastIndexOf(']')) + ",{\"name\":\"" + name + "\",\"type\":" + type
                        + "}]}");
    }

    /** A container file of one block holding one datum encoded by hand, written by Avro's own writer. */
    static byte[] containerOfEncoded(Schema writerSchema, byte[] datum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer =
                new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(writerSchema))) {
            writer.create(writerSchema, out);
            writer.appendEncoded(ByteBuffer.wrap(datum));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A container file header: magic, metadata (schema unless null, and codec) and {@link #SYNC}. */
    static byte[] header(String schema, String codec) {
        Map<String, String> meta = new LinkedHashMap<>();
        if (schema != null) {
            meta.put(DataFileConstants.SCHEMA, schema);
        }
        meta.put(DataFileConstants.CODEC, codec);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            encoder.writeFixed(DataFileConstants.MAGIC);
            encoder.writeMapStart();
            encoder.setItemCount(meta.size());
            for (Map.Entry<String, String> entry : meta.entrySet()) {
                encoder.startItem();
                encoder.writeString(entry.getKey());
                encoder.writeBytes(entry.getValue().getBytes(StandardCharsets.UTF_8));
            }
            encoder.writeMapEnd();
            encoder.writeFixed(SYNC);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A raw deflate stream that inflates to {@code size} zero bytes (rounded up to a mebibyte), built cheaply: one
     * mebibyte of zeros deflated to a byte-aligned segment (sync flush), that segment repeated (each copy refers back
     * to zeros only), then the final empty block.
     */
    static byte[] deflatedZeros(long size) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        deflater.setInput(zeros);
        byte[] first = drain(deflater, buffer, Deflater.SYNC_FLUSH);
        deflater.setInput(zeros);
        byte[] next = drain(deflater, buffer, Deflater.SYNC_FLUSH);
        deflater.finish();
        byte[] last = drain(deflater, buffer, Deflater.NO_FLUSH);
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        for (long written = zeros.length; written < size; written += zeros.length) {
            out.writeBytes(next);
        }
        out.writeBytes(last);
        return out.toByteArray();
    }

    private static byte[] drain(Deflater deflater, byte[] buffer, int flush) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n;
        while ((n = deflater.deflate(buffer, 0, buffer.length, flush)) > 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** An Avro long: zig-zag, then 7 bits a byte. */
    static byte[] varLong(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
