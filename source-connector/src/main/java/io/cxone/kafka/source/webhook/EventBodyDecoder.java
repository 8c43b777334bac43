package io.cxone.kafka.source.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.source.avro.JsonAvroReader;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a request body into Avro records of the configured schema, or a {@link RejectedRequest} (400/413/415)
 * with a one-line reason:
 * <ul>
 *   <li>{@value #AVRO_DATUM}: one binary datum written with the configured schema, nothing after it;</li>
 *   <li>{@value #AVRO_CONTAINER} (or {@value #AVRO_CONTAINER_ALT}): an Avro Object Container File; its embedded
 *       writer schema is resolved against the configured schema, so every event still becomes the same record;</li>
 *   <li>{@value #JSON}: one object or an array of objects, validated against the configured schema.</li>
 * </ul>
 */
final class EventBodyDecoder {

    static final String AVRO_DATUM = "application/avro";
    static final String AVRO_CONTAINER = "avro/binary";
    static final String AVRO_CONTAINER_ALT = "application/vnd.apache.avro.file";
    static final String JSON = "application/json";
    static final Set<String> SUPPORTED = Set.of(AVRO_DATUM, AVRO_CONTAINER, AVRO_CONTAINER_ALT, JSON);

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final Schema schema;
    private final int maxEvents;
    private final JsonAvroReader jsonReader;
    private final ThreadLocal<DatumReader<GenericRecord>> datumReader;

    EventBodyDecoder(Schema schema, int maxEvents, boolean ignoreUnknownJsonFields) {
        this.schema = schema;
        this.maxEvents = maxEvents;
        this.jsonReader = new JsonAvroReader(ignoreUnknownJsonFields);
        this.datumReader = ThreadLocal.withInitial(() -> new GenericDatumReader<>(schema));
    }

    /** The media type without parameters, lower case; null when absent. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    List<GenericRecord> decode(String mediaType, byte[] body) {
        if (body.length == 0) {
            throw new RejectedRequest(400, "empty body");
        }
        return switch (mediaType) {
            case AVRO_DATUM -> List.of(decodeDatum(body));
            case AVRO_CONTAINER, AVRO_CONTAINER_ALT -> decodeContainer(body);
            case JSON -> decodeJson(body);
            default -> throw new RejectedRequest(415, "unsupported content type " + mediaType);
        };
    }

    private GenericRecord decodeDatum(byte[] body) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(body, null);
        try {
            GenericRecord record = datumReader.get().read(null, decoder);
            if (!decoder.isEnd()) {
                throw new RejectedRequest(400, "application/avro body holds bytes after the " + schema.getName()
                        + " datum (one datum per request; send avro/binary container files for many)");
            }
            return record;
        } catch (EOFException e) {
            throw new RejectedRequest(400, "application/avro body ends inside the " + schema.getName() + " datum");
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new RejectedRequest(400, "application/avro body is not a " + schema.getName() + " datum: " + oneLine(e));
        }
    }

    private List<GenericRecord> decodeContainer(byte[] body) {
        List<GenericRecord> records = new ArrayList<>();
        try (DataFileStream<GenericRecord> stream = new DataFileStream<>(new ByteArrayInputStream(body),
                new GenericDatumReader<>(null, schema))) {
            while (stream.hasNext()) {
                if (records.size() == maxEvents) {
                    throw new RejectedRequest(413, "container holds more than request.max.events=" + maxEvents + " events");
                }
                records.add(stream.next());
            }
        } catch (RejectedRequest e) {
            throw e;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new RejectedRequest(400, "avro container file rejected at event " + records.size() + ": " + oneLine(e));
        }
        if (records.isEmpty()) {
            throw new RejectedRequest(400, "avro container file holds no events");
        }
        return records;
    }

    private List<GenericRecord> decodeJson(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new RejectedRequest(400, "malformed JSON at line " + e.getLocation().getLineNr() + " column "
                    + e.getLocation().getColumnNr() + ": " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new RejectedRequest(400, "malformed JSON: " + oneLine(e));
        }
        if (root == null || root.isMissingNode()) {
            throw new RejectedRequest(400, "empty JSON body");
        }
        try {
            if (root.isArray()) {
                if (root.isEmpty()) {
                    throw new RejectedRequest(400, "JSON array holds no events");
                }
                if (root.size() > maxEvents) {
                    throw new RejectedRequest(413, "JSON array holds " + root.size() + " events, more than request.max.events=" + maxEvents);
                }
                List<GenericRecord> records = new ArrayList<>(root.size());
                for (int i = 0; i < root.size(); i++) {
                    records.add((GenericRecord) jsonReader.read(root.get(i), schema, "[" + i + "]"));
                }
                return records;
            }
            return List.of((GenericRecord) jsonReader.read(root, schema, ""));
        } catch (JsonAvroReader.JsonSchemaMismatch e) {
            throw new RejectedRequest(400, "JSON does not match schema " + schema.getFullName() + ": " + e.getMessage());
        }
    }

    private static String oneLine(Throwable e) {
        return oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
