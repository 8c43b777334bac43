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

    public DocumentWriter(DecimalMapping decimalMapping) {
        this.decimalMapping = decimalMapping;
    }

    /** The document's JSON; the value must be an object (a Struct or a map). Not thread-safe. */
    public byte[] toJson(Schema schema, Object value) {
        if (!(value instanceof Struct) && !(value instanceof Map)) {
            throw new DataException("a document must be a struct or a map, not "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        out.reset();
        try {
            if (gen == null) {
                gen = JSON.createGenerator(out);
                gen.setRootValueSeparator(null);
            }
            write(gen, schema, value);
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
            switch (schema.name()) {
                case Timestamp.LOGICAL_NAME -> {
                    gen.writeString(Instant.ofEpochMilli(((java.util.Date) value).getTime())
                            .toString());
                    return;
                }
                case Date.LOGICAL_NAME -> {
                    gen.writeString(LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC)
                            .toString());
                    return;
                }
                case Time.LOGICAL_NAME -> {
                    LocalTime t = LocalTime.ofNanoOfDay(((java.util.Date) value).getTime() % 86_400_000L * 1_000_000L);
                    gen.writeString(String.format(
                            "%02d:%02d:%02d.%03d", t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1_000_000));
                    return;
                }
                case Decimal.LOGICAL_NAME -> {
                    writeDecimal(gen, (BigDecimal) value);
                    return;
                }
                default -> {}
            }
        }
        if (value instanceof Struct struct) {
            gen.writeStartObject();
            for (Field field : struct.schema().fields()) {
                Object fieldValue = struct.get(field);
                if (fieldValue != null) {
                    gen.writeFieldName(fieldName(field));
                    write(gen, field.schema(), fieldValue);
                }
            }
            gen.writeEndObject();
        } else if (value instanceof Map<?, ?> map) {
            Schema valueSchema = schema != null && schema.type() == Schema.Type.MAP ? schema.valueSchema() : null;
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                gen.writeFieldName(String.valueOf(e.getKey()));
                write(gen, valueSchema, e.getValue());
            }
            gen.writeEndObject();
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
