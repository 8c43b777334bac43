package io.cxone.kafka.bridge.frame;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.bridge.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Builds the frames the bridge sends: record envelopes, batches and control frames, each a JSON object that
 * starts with its checksum (see {@link FrameChecksum}).
 *
 * <p>Record envelope members, in order: checksum, type ("record"), topic, partition, offset, timestamp,
 * timestampType, key (UTF-8 string, or base64 with {@code "keyEncoding":"base64"}), headers (array of
 * {name, value}; value UTF-8 or base64 with {@code "encoding":"base64"}), valueFormat ("avro" | "json" |
 * "base64" | "null"), schemaId and schemaName (avro; the name only for a named schema of at most
 * {@value #SCHEMA_NAME_MAX_CHARS} characters), valueError (when an Avro value could not be decoded: the value is
 * then base64), value.
 */
public final class RecordFrames {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Longer schema names are left out: the name labels data (e.g. an export's report) and need not be unbounded. */
    static final int SCHEMA_NAME_MAX_CHARS = 200;

    private final SchemaRegistryClient registry;

    public RecordFrames(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    public byte[] record(ConsumerRecord<byte[], byte[]> record) {
        return build(g -> {
            g.writeStringField("type", "record");
            writeRecordFields(g, record);
        });
    }

    /** Encodes a record once; the result is shared by every client that receives it. */
    public EncodedRecord encode(ConsumerRecord<byte[], byte[]> record) {
        return new EncodedRecord(record.topic(), record.partition(), record.offset(), record(record));
    }

    /** Encodes records of one poll, in order (feeds, catch-up and group readers). */
    public List<EncodedRecord> encodeAll(List<ConsumerRecord<byte[], byte[]>> records) {
        List<EncodedRecord> encoded = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            encoded.add(encode(record));
        }
        return encoded;
    }

    private static final byte[] BATCH_START = (FrameChecksum.PREFIX + FrameChecksum.PLACEHOLDER
                    + "\",\"type\":\"batch\",\"count\":")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECORDS_START = ",\"records\":[".getBytes(StandardCharsets.US_ASCII);

    /**
     * A "batch" frame built from already encoded records by copying their fields: byte for byte what
     * {@link #batch(List)} writes for the same records, without decoding or serializing any value again.
     */
    static byte[] batchOf(List<EncodedRecord> records) {
        int size = BATCH_START.length + 12 + RECORDS_START.length + 2;
        for (EncodedRecord r : records) {
            size += r.text().length - EncodedRecord.FIELDS_START + 2;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(BATCH_START);
        out.writeBytes(Integer.toString(records.size()).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(RECORDS_START);
        for (int i = 0; i < records.size(); i++) {
            byte[] text = records.get(i).text();
            if (i > 0) {
                out.write(',');
            }
            out.write('{');
            // The record frame's fields run from FIELDS_START to its closing brace (excluded).
            out.write(text, EncodedRecord.FIELDS_START, text.length - EncodedRecord.FIELDS_START - 1);
            out.write('}');
        }
        out.write(']');
        out.write('}');
        return FrameChecksum.seal(out.toByteArray());
    }

    public byte[] batch(List<ConsumerRecord<byte[], byte[]>> records) {
        return build(g -> {
            g.writeStringField("type", "batch");
            g.writeNumberField("count", records.size());
            g.writeArrayFieldStart("records");
            for (ConsumerRecord<byte[], byte[]> record : records) {
                g.writeStartObject();
                writeRecordFields(g, record);
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** The "record_too_large" error frame: the coordinates of a record whose frame exceeds the limit. */
    public static byte[] tooLarge(String topic, int partition, long offset, long size, long limit) {
        return build(g -> {
            g.writeStringField("type", "error");
            g.writeStringField("code", "record_too_large");
            g.writeStringField("message", "record frame of " + size + " bytes exceeds frame.max.bytes=" + limit);
            g.writeStringField("topic", topic);
            g.writeNumberField("partition", partition);
            g.writeNumberField("offset", offset);
            g.writeNumberField("size", size);
            g.writeNumberField("limit", limit);
        });
    }

    public static byte[] error(String code, String message) {
        return build(g -> {
            g.writeStringField("type", "error");
            g.writeStringField("code", code);
            g.writeStringField("message", message);
        });
    }

    /** Sent after a subscription is applied: the next offset per partition, from which a client resumes. */
    public static byte[] subscribed(Map<String, Map<Integer, Long>> positions) {
        return subscribed(positions, null);
    }

    /** In group mode: sent after every rebalance, with the partitions this connection now has. */
    public static byte[] subscribed(Map<String, Map<Integer, Long>> positions, String group) {
        return build(g -> {
            g.writeStringField("type", "subscribed");
            if (group != null) {
                g.writeStringField("group", group);
            }
            g.writeObjectFieldStart("positions");
            for (Map.Entry<String, Map<Integer, Long>> topic : positions.entrySet()) {
                g.writeObjectFieldStart(topic.getKey());
                for (Map.Entry<Integer, Long> p : topic.getValue().entrySet()) {
                    g.writeNumberField(Integer.toString(p.getKey()), p.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    /** Tells a client (drop-oldest policy) which records it did not get: per partition, an inclusive offset range. */
    public static byte[] dropped(long frames, List<OutboundFrame.Span> ranges) {
        return build(g -> {
            g.writeStringField("type", "dropped");
            g.writeNumberField("frames", frames);
            g.writeArrayFieldStart("ranges");
            for (OutboundFrame.Span s : ranges) {
                g.writeStartObject();
                g.writeStringField("topic", s.topic());
                g.writeNumberField("partition", s.partition());
                g.writeNumberField("fromOffset", s.firstOffset());
                g.writeNumberField("toOffset", s.lastOffset());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    public static byte[] gzip(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, text.length / 3));
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] build(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("checksum", FrameChecksum.PLACEHOLDER);
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return FrameChecksum.seal(out.toByteArray());
    }

    private void writeRecordFields(JsonGenerator g, ConsumerRecord<byte[], byte[]> record) throws IOException {
        g.writeStringField("topic", record.topic());
        g.writeNumberField("partition", record.partition());
        g.writeNumberField("offset", record.offset());
        g.writeNumberField("timestamp", record.timestamp());
        g.writeStringField("timestampType", record.timestampType().name);
        writeBytes(g, "key", "keyEncoding", record.key());
        g.writeArrayFieldStart("headers");
        for (Header header : record.headers()) {
            g.writeStartObject();
            g.writeStringField("name", header.key());
            writeBytes(g, "value", "encoding", header.value());
            g.writeEndObject();
        }
        g.writeEndArray();
        writeValue(g, record.value());
    }

    private void writeValue(JsonGenerator g, byte[] value) throws IOException {
        if (value == null) {
            g.writeStringField("valueFormat", "null");
            g.writeNullField("value");
            return;
        }
        String avroError = null;
        if (value.length >= 5 && value[0] == 0 && registry != null) {
            int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
            try {
                Schema schema = registry.schema(schemaId);
                // Decoding is where a bad value fails, so it happens before anything is written. The datum then goes
                // straight into the frame: AvroJson covers every Avro type of a decoded datum, and a second generator
                // per record (its own buffers, as the first holds the thread's) cost more than the rest of the frame.
                Object datum = new GenericDatumReader<>(schema)
                        .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
                g.writeStringField("valueFormat", "avro");
                g.writeNumberField("schemaId", schemaId);
                String name = schemaName(schema);
                if (name != null) {
                    g.writeStringField("schemaName", name);
                }
                g.writeFieldName("value");
                AvroJson.write(g, datum, schema);
                return;
            } catch (SchemaRegistryClient.SchemaLookupException e) {
                avroError = e.getMessage();
            } catch (IOException | RuntimeException e) {
                avroError = "schema id " + schemaId + ": Avro decoding failed: " + e.getMessage();
            }
        } else if (value.length > 0 && value[0] != 0) {
            JsonNode json = parseJson(value);
            if (json != null) {
                g.writeStringField("valueFormat", "json");
                g.writeFieldName("value");
                MAPPER.writeTree(g, json);
                return;
            }
        }
        g.writeStringField("valueFormat", "base64");
        if (avroError != null) {
            g.writeStringField("valueError", avroError);
        }
        g.writeStringField("value", Base64.getEncoder().encodeToString(value));
    }

    /** The full name of a named schema (record, enum, fixed), e.g. the export source's record; else null. */
    private static String schemaName(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> {
                String name = schema.getFullName();
                yield name.length() <= SCHEMA_NAME_MAX_CHARS ? name : null;
            }
            default -> null;
        };
    }

    private static JsonNode parseJson(byte[] value) {
        byte first = firstNonWhitespace(value);
        // Plain strings such as ids are not JSON documents; only objects, arrays and literals are parsed.
        if (first != '{'
                && first != '['
                && first != '"'
                && first != 't'
                && first != 'f'
                && first != 'n'
                && first != '-'
                && (first < '0' || first > '9')) {
            return null;
        }
        try (com.fasterxml.jackson.core.JsonParser parser = MAPPER.createParser(value)) {
            JsonNode node = MAPPER.readTree(parser);
            return parser.nextToken() == null ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte firstNonWhitespace(byte[] value) {
        for (byte b : value) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b;
            }
        }
        return 0;
    }

    private static void writeBytes(JsonGenerator g, String field, String encodingField, byte[] bytes)
            throws IOException {
        if (bytes == null) {
            g.writeNullField(field);
            return;
        }
        String text = utf8(bytes);
        if (text != null) {
            g.writeStringField(field, text);
        } else {
            g.writeStringField(encodingField, "base64");
            g.writeStringField(field, Base64.getEncoder().encodeToString(bytes));
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
