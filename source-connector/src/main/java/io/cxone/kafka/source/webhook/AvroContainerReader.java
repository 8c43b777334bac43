package io.cxone.kafka.source.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads an Avro Object Container File body into records of the configured schema, every step bounded by the
 * request: only the {@code null} and {@code deflate} codecs; the embedded writer schema bounded in size, nesting and
 * node count before Avro parses it, then resolved against the configured schema; a block's event count checked
 * against request.max.events and its size against the bytes left before it is read; deflate inflated against the
 * request's {@link DecodeBudget} as it goes; events decoded through a {@link BudgetedDecoder}.
 *
 * <p>The framing (magic, header map, sync marker, then blocks of count, size, bytes and sync) is read here rather
 * than by Avro's {@code DataFileStream}, which accepts every codec Avro knows, parses the embedded schema without a
 * bound, and inflates a block up to a JVM-wide limit ({@code org.apache.avro.limits.decompress.maxLength}, up to
 * 200 MiB per block, a system property shared by every plugin of the worker) rather than this request's budget.
 */
final class AvroContainerReader {

    /** Embedded writer schemas may be this large, or twice the configured schema's size if that is more. */
    static final int MIN_WRITER_SCHEMA_BYTES = 64 * 1024;
    /** ... nest JSON objects/arrays this deep, or twice as deep as the configured schema if that is more. */
    static final int MIN_WRITER_SCHEMA_DEPTH = 64;
    /** ... hold this many JSON objects/arrays (types, fields), or twice the configured schema's if that is more. */
    static final int MIN_WRITER_SCHEMA_NODES = 4096;

    private static final String NULL_CODEC = "null";
    private static final String DEFLATE_CODEC = "deflate";

    private final Schema schema;
    private final int maxSchemaBytes;
    private final int maxSchemaNodes;
    private final JsonFactory schemaJson;

    AvroContainerReader(Schema schema) {
        this.schema = schema;
        byte[] own = schema.toString().getBytes(StandardCharsets.UTF_8);
        this.maxSchemaBytes = Math.max(MIN_WRITER_SCHEMA_BYTES, 2 * own.length);
        int[] shape = shape(JsonFactory.builder().build(), own, Integer.MAX_VALUE);
        this.maxSchemaNodes = Math.max(MIN_WRITER_SCHEMA_NODES, 2 * shape[0]);
        int maxDepth = Math.max(MIN_WRITER_SCHEMA_DEPTH, 2 * shape[1]);
        this.schemaJson = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxDocumentLength(maxSchemaBytes)
                        .build())
                .build();
    }

    /** The events of a container file, or a {@link RejectedRequest} naming where and why, whatever failed. */
    List<GenericRecord> read(byte[] body, int maxEvents, DecodeBudget budget) {
        StringBuilder at = new StringBuilder("header");
        try {
            return read(body, maxEvents, budget, at);
        } catch (Throwable e) {
            throw EventBodyDecoder.rejection("avro container file, " + at, e);
        }
    }

    /** {@code at} tracks where reading is, for the message when it fails. */
    private List<GenericRecord> read(byte[] body, int maxEvents, DecodeBudget budget, StringBuilder at)
            throws IOException {
        BinaryDecoder file = DecoderFactory.get().binaryDecoder(body, null);
        BudgetedDecoder header = new BudgetedDecoder(file, budget);
        byte[] magic = new byte[DataFileConstants.MAGIC.length];
        header.readFixed(magic);
        if (!Arrays.equals(magic, DataFileConstants.MAGIC)) {
            throw new RejectedRequest(400, "not an Avro container file (it does not start with Obj\\x01)");
        }
        Map<String, byte[]> meta = new HashMap<>();
        for (long entries = header.readMapStart(); entries > 0; entries = header.mapNext()) {
            for (long i = 0; i < entries; i++) {
                String key = header.readString();
                ByteBuffer value = header.readBytes(null);
                meta.put(
                        key,
                        Arrays.copyOfRange(value.array(), value.arrayOffset(), value.arrayOffset() + value.limit()));
            }
        }
        byte[] sync = new byte[DataFileConstants.SYNC_SIZE];
        header.readFixed(sync);
        boolean deflated = deflated(meta.get(DataFileConstants.CODEC));
        byte[] schemaBytes = meta.get(DataFileConstants.SCHEMA);
        if (schemaBytes == null) {
            throw new RejectedRequest(400, "no writer schema (avro.schema) in the header");
        }
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(writerSchema(schemaBytes), schema);

        List<GenericRecord> records = new ArrayList<>();
        byte[] blockSync = new byte[DataFileConstants.SYNC_SIZE];
        for (int block = 0; !file.isEnd(); block++) {
            at.setLength(0);
            at.append("block ").append(block);
            long count = file.readLong();
            long size = file.readLong();
            if (count < 0 || size < 0) {
                throw new RejectedRequest(400, "negative event count " + count + " or size " + size);
            }
            if (count > maxEvents - records.size()) {
                throw new RejectedRequest(
                        413,
                        "the file holds more than " + WebhookConfig.REQUEST_MAX_EVENTS + "=" + maxEvents + " events");
            }
            int remaining = file.remainingBytes();
            if (size > remaining - (long) DataFileConstants.SYNC_SIZE) {
                throw new RejectedRequest(
                        400,
                        "block of " + size + " bytes declared where only "
                                + Math.max(0, remaining - DataFileConstants.SYNC_SIZE)
                                + " bytes remain before its sync marker");
            }
            int offset = body.length - remaining;
            file.skipFixed((int) size);
            file.readFixed(blockSync);
            if (!Arrays.equals(blockSync, sync)) {
                throw new RejectedRequest(400, "not followed by the file's sync marker");
            }
            ByteBuffer data;
            if (deflated) {
                data = inflate(body, offset, (int) size, budget);
            } else {
                budget.spendBytes(size, "holds");
                data = ByteBuffer.wrap(body, offset, (int) size);
            }
            BudgetedDecoder events = new BudgetedDecoder(
                    DecoderFactory.get()
                            .binaryDecoder(data.array(), data.arrayOffset() + data.position(), data.remaining(), null),
                    budget);
            for (long i = 0; i < count; i++) {
                at.setLength(0);
                at.append("event ").append(records.size());
                records.add(reader.read(null, events));
            }
            if (!events.isEnd()) {
                at.setLength(0);
                at.append("block ").append(block);
                throw new RejectedRequest(400, "bytes left after its " + count + " events");
            }
        }
        return records;
    }

    /** Whether blocks are deflated; any codec but null and deflate is refused. */
    private static boolean deflated(byte[] codec) {
        String name = codec == null ? NULL_CODEC : new String(codec, StandardCharsets.UTF_8);
        return switch (name) {
            case NULL_CODEC -> false;
            case DEFLATE_CODEC -> true;
            default ->
                throw new RejectedRequest(
                        400, "codec '" + EventBodyDecoder.oneLine(name) + "' is not accepted; use null or deflate");
        };
    }

    /** The embedded writer schema: bounded in size, nesting and node count before Avro parses it. */
    private Schema writerSchema(byte[] json) {
        if (json.length > maxSchemaBytes) {
            throw new RejectedRequest(
                    400,
                    "writer schema of " + json.length + " bytes is larger than the " + maxSchemaBytes + " accepted");
        }
        int nodes;
        try {
            nodes = shape(schemaJson, json, maxSchemaNodes)[0];
        } catch (IllegalStateException e) {
            throw new RejectedRequest(400, "writer schema " + e.getMessage());
        }
        if (nodes > maxSchemaNodes) {
            throw new RejectedRequest(
                    400, "writer schema has more than " + maxSchemaNodes + " JSON objects and arrays");
        }
        try {
            return new Schema.Parser().parse(new String(json, StandardCharsets.UTF_8));
        } catch (AvroRuntimeException e) {
            throw new RejectedRequest(400, "writer schema is invalid: " + EventBodyDecoder.oneLine(e));
        }
    }

    /**
     * {objects and arrays, deepest nesting} of a JSON document, stopping after {@code maxNodes}+1 nodes; an
     * {@link IllegalStateException} says why it is not acceptable JSON.
     */
    private static int[] shape(JsonFactory factory, byte[] json, int maxNodes) {
        int nodes = 0;
        int depth = 0;
        int deepest = 0;
        try (JsonParser parser = factory.createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null && nodes <= maxNodes; token = parser.nextToken()) {
                if (token.isStructStart()) {
                    nodes++;
                    deepest = Math.max(deepest, ++depth);
                } else if (token.isStructEnd()) {
                    depth--;
                }
            }
        } catch (StreamConstraintsException e) {
            throw new IllegalStateException("exceeds a limit: " + EventBodyDecoder.constraintMessage(e));
        } catch (IOException e) {
            throw new IllegalStateException("is not JSON: " + EventBodyDecoder.oneLine(e));
        }
        return new int[] {nodes, deepest};
    }

    /**
     * Inflates one deflate block, spending the request's budget as the output grows: a block that inflates past
     * request.max.decoded.bytes stops there (413), whatever it would have inflated to.
     */
    private static ByteBuffer inflate(byte[] body, int offset, int length, DecodeBudget budget) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(body, offset, length);
            long allowed = budget.remainingBytes();
            byte[] out = new byte[(int) Math.max(1, Math.min(allowed, Math.max(8192L, 4L * length)))];
            int size = 0;
            while (!inflater.finished()) {
                if (size == out.length) {
                    if (size >= allowed) {
                        // full: over the budget if one more byte comes out
                        if (inflater.inflate(new byte[1]) > 0) {
                            budget.spendBytes(size + 1L, "inflates to");
                        }
                        if (!inflater.finished()) {
                            throw new RejectedRequest(400, "deflate data ends early");
                        }
                        break;
                    }
                    out = Arrays.copyOf(out, (int) Math.min(allowed, 2L * out.length));
                }
                int inflated = inflater.inflate(out, size, out.length - size);
                if (inflated == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new RejectedRequest(400, "deflate data ends early");
                }
                size += inflated;
            }
            budget.spendBytes(size, "inflates to");
            return ByteBuffer.wrap(out, 0, size);
        } catch (DataFormatException e) {
            throw new RejectedRequest(400, "not valid deflate data: " + EventBodyDecoder.oneLine(e));
        } finally {
            inflater.end();
        }
    }
}
