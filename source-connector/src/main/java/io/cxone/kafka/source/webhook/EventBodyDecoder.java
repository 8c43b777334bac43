package io.cxone.kafka.source.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.source.avro.JsonAvroReader;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;

/**
 * Turns a request body into Avro records of the configured schema, or a {@link RejectedRequest} (400/413/415)
 * with a one-line reason, whatever went wrong while decoding (an {@code Error} too: one request's body never takes the
 * worker down). What a request may decode to is bounded as it decodes (events, bytes after inflating, array/map
 * items, lengths against the bytes left, JSON nesting and number sizes), so a small hostile body costs little:
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
    /** JSON events nest objects and arrays at most this deep (StreamReadConstraints.maxNestingDepth). */
    static final int MAX_JSON_DEPTH = 64;
    /** A JSON number literal has at most this many characters (StreamReadConstraints.maxNumberLength). */
    static final int MAX_JSON_NUMBER_LENGTH = 100;

    private final Schema schema;
    private final int maxEvents;
    private final int maxDecodedBytes;
    private final ObjectMapper mapper;
    private final JsonAvroReader jsonReader;
    private final AvroContainerReader containerReader;
    private final ThreadLocal<DatumReader<GenericRecord>> datumReader;

    EventBodyDecoder(Schema schema, int maxEvents, int maxDecodedBytes, boolean ignoreUnknownJsonFields) {
        this.schema = schema;
        this.maxEvents = maxEvents;
        this.maxDecodedBytes = maxDecodedBytes;
        this.mapper = new ObjectMapper(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(MAX_JSON_DEPTH)
                                .maxNumberLength(MAX_JSON_NUMBER_LENGTH)
                                .maxStringLength(maxDecodedBytes)
                                .maxDocumentLength(maxDecodedBytes)
                                .build())
                        .build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        this.jsonReader = new JsonAvroReader(ignoreUnknownJsonFields);
        this.containerReader = new AvroContainerReader(schema);
        this.datumReader = ThreadLocal.withInitial(() -> new GenericDatumReader<>(schema));
    }

    /** The media type without parameters, lower case; null when absent. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    /** The body's events, or a {@link RejectedRequest} (4xx) saying why not; nothing else escapes. */
    List<GenericRecord> decode(String mediaType, byte[] body) {
        if (body.length == 0) {
            throw new RejectedRequest(400, "empty body");
        }
        DecodeBudget budget = new DecodeBudget(maxDecodedBytes);
        return switch (mediaType) {
            case AVRO_DATUM -> List.of(decodeDatum(body, budget));
            case AVRO_CONTAINER, AVRO_CONTAINER_ALT -> decodeContainer(body, budget);
            case JSON -> decodeJson(body, budget);
            default -> throw new RejectedRequest(415, "unsupported content type " + mediaType);
        };
    }

    private GenericRecord decodeDatum(byte[] body, DecodeBudget budget) {
        try {
            budget.spendBytes(body.length, "holds");
            BudgetedDecoder decoder = new BudgetedDecoder(DecoderFactory.get().binaryDecoder(body, null), budget);
            GenericRecord record = datumReader.get().read(null, decoder);
            if (decoder.isEnd()) {
                return record;
            }
        } catch (Throwable e) {
            throw rejection("application/avro " + schema.getName() + " datum", e);
        }
        throw new RejectedRequest(
                400,
                "application/avro body holds bytes after the " + schema.getName()
                        + " datum (one datum per request; send avro/binary container files for many)");
    }

    private List<GenericRecord> decodeContainer(byte[] body, DecodeBudget budget) {
        List<GenericRecord> records = containerReader.read(body, maxEvents, budget);
        if (records.isEmpty()) {
            throw new RejectedRequest(400, "avro container file holds no events");
        }
        return records;
    }

    private List<GenericRecord> decodeJson(byte[] body, DecodeBudget budget) {
        JsonNode root;
        try {
            budget.spendBytes(body.length, "holds");
            root = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new RejectedRequest(400, "JSON exceeds a limit: " + constraintMessage(e));
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            throw new RejectedRequest(
                    400,
                    "malformed JSON"
                            + (location == null
                                    ? ""
                                    : " at line " + location.getLineNr() + " column " + location.getColumnNr())
                            + ": " + oneLine(e.getOriginalMessage()));
        } catch (Throwable e) {
            throw rejection("JSON body", e);
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
                    throw new RejectedRequest(
                            413,
                            "JSON array holds " + root.size() + " events, more than " + WebhookConfig.REQUEST_MAX_EVENTS
                                    + "=" + maxEvents);
                }
                List<GenericRecord> records = new ArrayList<>(root.size());
                for (int i = 0; i < root.size(); i++) {
                    records.add((GenericRecord) jsonReader.read(root.get(i), schema, "[" + i + "]"));
                }
                return records;
            }
            return List.of((GenericRecord) jsonReader.read(root, schema, ""));
        } catch (JsonAvroReader.JsonSchemaMismatch e) {
            throw new RejectedRequest(
                    400, "JSON does not match schema " + schema.getFullName() + ": " + e.getMessage());
        } catch (Throwable e) {
            throw rejection("JSON body", e);
        }
    }

    /**
     * The answer to a body that failed to decode, from whatever was thrown while decoding it (its size checks,
     * Avro's, Jackson's, or an {@code Error}: a {@code StackOverflowError} from deep nesting, an
     * {@code OutOfMemoryError} from this one body), prefixed with {@code what} was being read.
     */
    static RejectedRequest rejection(String what, Throwable e) {
        if (e instanceof RejectedRequest rejected) {
            return new RejectedRequest(rejected.status(), what + ": " + rejected.reason());
        }
        if (e instanceof EOFException) {
            return new RejectedRequest(
                    400, what + ": ends early" + (e.getMessage() == null ? "" : " (" + oneLine(e) + ")"));
        }
        if (e instanceof StackOverflowError) {
            return new RejectedRequest(400, what + ": nests too deeply to decode");
        }
        if (e instanceof OutOfMemoryError) {
            return new RejectedRequest(400, what + ": needs more memory to decode than the worker can spare");
        }
        return new RejectedRequest(400, what + ": " + oneLine(e));
    }

    /** Jackson's message for a StreamReadConstraints limit, without its pointer to the Java method. */
    static String constraintMessage(StreamConstraintsException e) {
        return oneLine(e.getOriginalMessage().replaceAll(", from `[^`]*`", ""));
    }

    static String oneLine(Throwable e) {
        return oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
