package io.cxone.kafka.sink.elasticsearch.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.DecimalMapping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Writes a Connect value as the JSON source of a document, consistent with {@link MappingBuilder}: Timestamp as
 * ISO-8601 instant, Date as yyyy-MM-dd, Time as HH:mm:ss.SSS, Decimal as a number (scaled_float) or exact text
 * (keyword), bytes as base64. Schemaless values (maps and lists from a schemaless converter) are written as they are.
 * Copied record headers ({@link HeaderFields}) follow the value's fields as one object of strings.
 */
public final class DocumentWriter {

    private static final JsonFactory JSON = new JsonFactory();

    private final DecimalMapping decimalMapping;
    /**
     * One generator over one buffer, reused for every document: creating a generator per document cost more than
     * writing a small document. Hence one writer per thread (the task's).
     */
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

    private JsonGenerator gen;
    private static final int MAX_CACHED_FIELD_NAMES = 10_000;
    private final Map<Field, SerializedString> fieldNames = new IdentityHashMap<>();

    private final HeaderFields headers;
    private final SerializedString headersField;

    public DocumentWriter(DecimalMapping decimalMapping) {
        this(decimalMapping, HeaderFields.NONE);
    }

    /** A writer whose documents carry the copied record headers under {@code headers.objectName()}. */
    public DocumentWriter(DecimalMapping decimalMapping, HeaderFields headers) {
        this.decimalMapping = decimalMapping;
        this.headers = headers;
        this.headersField = new SerializedString(headers.objectName());
    }

    /** The document's JSON; the value must be an object (a Struct or a map). Not thread-safe. */
    public byte[] toJson(Schema schema, Object value) {
        return toJson(schema, value, Map.of());
    }

    /**
     * The document's JSON with the record's copied headers ({@link HeaderFields#values}) as one more object field,
     * left out when there are none. A value that already has a field of that name is refused: one of the two would be
     * lost.
     */
    public byte[] toJson(Schema schema, Object value, Map<String, String> headerValues) {
        if (!(value instanceof Struct) && !(value instanceof Map)) {
            throw new DataException("a document must be a struct or a map, not "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        if (headers.enabled()
                && (value instanceof Struct struct
                        ? struct.schema().field(headers.objectName()) != null
                        : ((Map<?, ?>) value).containsKey(headers.objectName()))) {
            throw new DataException(headers.collision("the record value"));
        }
        out.reset();
        try {
            if (gen == null) {
                gen = JSON.createGenerator(out);
                gen.setRootValueSeparator(null);
            }
            if (value instanceof Struct struct) {
                writeStruct(gen, struct, headerValues);
            } else {
                writeMap(gen, schema, (Map<?, ?>) value, headerValues);
            }
            gen.flush();
        } catch (IOException e) {
            gen = null;
            throw new DataException("cannot write document JSON", e);
        } catch (RuntimeException e) {
            // The generator is mid-document now: the next document starts with a fresh one.
            gen = null;
            throw e;
        }
        return out.toByteArray();
    }

    private void write(JsonGenerator gen, Schema schema, Object value) throws IOException {
        if (value == null) {
            gen.writeNull();
            return;
        }
        if (schema != null && schema.name() != null) {
            if (value instanceof java.util.Date date) {
                String text = temporal(schema.name(), date);
                if (text != null) {
                    gen.writeString(text);
                    return;
                }
            }
            if (Decimal.LOGICAL_NAME.equals(schema.name())) {
                writeDecimal(gen, (BigDecimal) value);
                return;
            }
        }
        if (value instanceof Struct struct) {
            writeStruct(gen, struct, Map.of());
        } else if (value instanceof Map<?, ?> map) {
            writeMap(gen, schema, map, Map.of());
        } else if (value instanceof Collection<?> list) {
            Schema elementSchema = schema != null && schema.type() == Schema.Type.ARRAY ? schema.valueSchema() : null;
            gen.writeStartArray();
            for (Object element : list) {
                write(gen, elementSchema, element);
            }
            gen.writeEndArray();
        } else if (value instanceof String s) {
            gen.writeString(s);
        } else if (value instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte) {
            gen.writeNumber(((Number) value).longValue());
        } else if (value instanceof Float f) {
            if (f.isNaN() || f.isInfinite()) {
                throw new DataException("JSON has no " + f + "; Elasticsearch cannot index it");
            }
            gen.writeNumber(f);
        } else if (value instanceof Double d) {
            writeFloating(gen, d);
        } else if (value instanceof BigDecimal d) {
            writeDecimal(gen, d);
        } else if (value instanceof byte[] bytes) {
            gen.writeBinary(bytes);
        } else if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            gen.writeBinary(bytes);
        } else if (value instanceof java.util.Date date) {
            gen.writeString(date.toInstant().toString());
        } else if (value instanceof Number n) {
            gen.writeNumber(n.toString());
        } else {
            throw new DataException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private void writeStruct(JsonGenerator gen, Struct struct, Map<String, String> headerValues) throws IOException {
        gen.writeStartObject();
        for (Field field : struct.schema().fields()) {
            Object fieldValue = struct.get(field);
            if (fieldValue != null) {
                gen.writeFieldName(fieldName(field));
                write(gen, field.schema(), fieldValue);
            }
        }
        writeHeaders(gen, headerValues);
        gen.writeEndObject();
    }

    private void writeMap(JsonGenerator gen, Schema schema, Map<?, ?> map, Map<String, String> headerValues)
            throws IOException {
        Schema valueSchema = schema != null && schema.type() == Schema.Type.MAP ? schema.valueSchema() : null;
        gen.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            gen.writeFieldName(String.valueOf(e.getKey()));
            write(gen, valueSchema, e.getValue());
        }
        writeHeaders(gen, headerValues);
        gen.writeEndObject();
    }

    private void writeHeaders(JsonGenerator gen, Map<String, String> headerValues) throws IOException {
        if (headerValues.isEmpty()) {
            return;
        }
        gen.writeFieldName(headersField);
        gen.writeStartObject();
        for (Map.Entry<String, String> header : headerValues.entrySet()) {
            gen.writeStringField(header.getKey(), header.getValue());
        }
        gen.writeEndObject();
    }

    /**
     * The text of a Connect Timestamp (ISO-8601 instant), Date (yyyy-MM-dd) or Time (HH:mm:ss.SSS) as the mapping's
     * date formats read it; null for any other logical type.
     */
    static String temporal(String logicalName, java.util.Date value) {
        return switch (logicalName) {
            case Timestamp.LOGICAL_NAME -> Instant.ofEpochMilli(value.getTime()).toString();
            case Date.LOGICAL_NAME ->
                LocalDate.ofInstant(value.toInstant(), ZoneOffset.UTC).toString();
            case Time.LOGICAL_NAME -> {
                LocalTime t = LocalTime.ofNanoOfDay(value.getTime() % 86_400_000L * 1_000_000L);
                yield String.format(
                        "%02d:%02d:%02d.%03d", t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1_000_000);
            }
            default -> null;
        };
    }

    /**
     * The field's name, quoted and UTF-8 encoded once: converters reuse their schemas (and so their fields) across
     * records, so each name is encoded once instead of once per document. Bounded, in case schemas keep changing.
     */
    private SerializedString fieldName(Field field) {
        SerializedString name = fieldNames.get(field);
        if (name == null) {
            if (fieldNames.size() >= MAX_CACHED_FIELD_NAMES) {
                fieldNames.clear();
            }
            name = new SerializedString(field.name());
            fieldNames.put(field, name);
        }
        return name;
    }

    private void writeDecimal(JsonGenerator gen, BigDecimal value) throws IOException {
        if (decimalMapping == DecimalMapping.KEYWORD) {
            gen.writeString(value.toPlainString());
        } else {
            gen.writeNumber(value);
        }
    }

    private static void writeFloating(JsonGenerator gen, double d) throws IOException {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new DataException("JSON has no " + d + "; Elasticsearch cannot index it");
        }
        gen.writeNumber(d);
    }
}
