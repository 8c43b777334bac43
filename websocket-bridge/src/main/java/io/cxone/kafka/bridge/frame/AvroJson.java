package io.cxone.kafka.bridge.frame;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * Writes a generic Avro datum as plain JSON: records as objects, unions as the chosen branch's value (no
 * type wrapper), bytes and fixed as base64, enums as strings, logical types as their underlying value.
 */
final class AvroJson {

    private AvroJson() {}

    static void write(JsonGenerator g, Object datum, Schema schema) throws IOException {
        switch (schema.getType()) {
            case RECORD: {
                GenericRecord record = (GenericRecord) datum;
                g.writeStartObject();
                for (Schema.Field field : schema.getFields()) {
                    g.writeFieldName(field.name());
                    write(g, record.get(field.pos()), field.schema());
                }
                g.writeEndObject();
                break;
            }
            case UNION:
                if (datum == null) {
                    g.writeNull();
                } else {
                    write(
                            g,
                            datum,
                            schema.getTypes()
                                    .get(org.apache.avro.generic.GenericData.get()
                                            .resolveUnion(schema, datum)));
                }
                break;
            case ARRAY:
                g.writeStartArray();
                for (Object item : (Collection<?>) datum) {
                    write(g, item, schema.getElementType());
                }
                g.writeEndArray();
                break;
            case MAP:
                g.writeStartObject();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) datum).entrySet()) {
                    g.writeFieldName(e.getKey().toString());
                    write(g, e.getValue(), schema.getValueType());
                }
                g.writeEndObject();
                break;
            case STRING:
                g.writeString(datum.toString());
                break;
            case ENUM:
                g.writeString(((GenericEnumSymbol<?>) datum).toString());
                break;
            case BYTES: {
                ByteBuffer buffer = ((ByteBuffer) datum).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                g.writeString(Base64.getEncoder().encodeToString(bytes));
                break;
            }
            case FIXED:
                g.writeString(Base64.getEncoder().encodeToString(((GenericFixed) datum).bytes()));
                break;
            case INT:
                g.writeNumber((Integer) datum);
                break;
            case LONG:
                g.writeNumber((Long) datum);
                break;
            case FLOAT:
                writeFloating(g, ((Float) datum).doubleValue());
                break;
            case DOUBLE:
                writeFloating(g, (Double) datum);
                break;
            case BOOLEAN:
                g.writeBoolean((Boolean) datum);
                break;
            case NULL:
                g.writeNull();
                break;
            default:
                throw new IOException("unsupported Avro type " + schema.getType());
        }
    }

    /** JSON has no NaN or infinities: they are sent as strings. */
    private static void writeFloating(JsonGenerator g, double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            g.writeString(Double.toString(value));
        } else {
            g.writeNumber(value);
        }
    }
}
