package io.cxone.kafka.source.avro;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Reads a JSON value as a datum of an Avro schema, producing the same generic representation as a binary
 * {@code GenericDatumReader} (logical types raw: epoch millis/micros, days, unscaled decimal bytes), so JSON and
 * Avro bodies convert to identical Connect values. Invalid input fails with a {@link JsonSchemaMismatch} whose
 * message names the field path.
 *
 * <p>Beyond Avro's own JSON encoding it accepts the forms webhook callers write: ISO-8601 strings for
 * timestamps and dates, numbers or numeric strings for decimals, base64 for bytes, and bare values for unions.
 */
public final class JsonAvroReader {

    /** A JSON value that does not fit the schema; the message is one line and names the field. */
    public static final class JsonSchemaMismatch extends RuntimeException {
        public JsonSchemaMismatch(String message) {
            super(message, null, false, false);
        }
    }

    /** Decimal exponents a float or double may have (a double reaches 1.8e308 and 4.9e-324). */
    private static final int MAX_FLOATING_EXPONENT = 400;

    private final boolean ignoreUnknownFields;

    public JsonAvroReader(boolean ignoreUnknownFields) {
        this.ignoreUnknownFields = ignoreUnknownFields;
    }

    public Object read(JsonNode json, Schema schema, String path) {
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD:
                return readRecord(json, schema, path);
            case UNION:
                return readUnion(json, schema, path);
            case NULL:
                if (json == null || json.isNull()) {
                    return null;
                }
                throw mismatch(path, "expected null");
            case STRING:
                if (!json.isTextual()) {
                    throw mismatch(path, "expected a string");
                }
                if (logical != null && "uuid".equals(logical.getName())) {
                    try {
                        UUID.fromString(json.textValue());
                    } catch (IllegalArgumentException e) {
                        throw mismatch(path, "expected a UUID");
                    }
                }
                return json.textValue();
            case BOOLEAN:
                if (!json.isBoolean()) {
                    throw mismatch(path, "expected a boolean");
                }
                return json.booleanValue();
            case INT:
                return readInt(json, logical, path);
            case LONG:
                return readLong(json, logical, path);
            case FLOAT: {
                float value = (float) readFloatingPoint(json, path, "float");
                if (!Float.isFinite(value)) {
                    throw mismatch(path, "is out of the range of a float");
                }
                return value;
            }
            case DOUBLE:
                return readFloatingPoint(json, path, "double");
            case ENUM:
                if (!json.isTextual() || !schema.hasEnumSymbol(json.textValue())) {
                    throw mismatch(path, "expected one of " + schema.getEnumSymbols());
                }
                return new GenericData.EnumSymbol(schema, json.textValue());
            case BYTES:
            case FIXED:
                return readBytes(json, schema, logical, path);
            case MAP: {
                if (!json.isObject()) {
                    throw mismatch(path, "expected an object");
                }
                Map<String, Object> out = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    out.put(e.getKey(), read(e.getValue(), schema.getValueType(), path + "." + e.getKey()));
                }
                return out;
            }
            case ARRAY: {
                if (!json.isArray()) {
                    throw mismatch(path, "expected an array");
                }
                List<Object> out = new ArrayList<>(json.size());
                for (int i = 0; i < json.size(); i++) {
                    out.add(read(json.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return new GenericData.Array<>(schema, out);
            }
            default:
                throw mismatch(path, "unsupported Avro type " + schema.getType());
        }
    }

    private Object readRecord(JsonNode json, Schema schema, String path) {
        if (json == null || !json.isObject()) {
            throw mismatch(path, "expected an object");
        }
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            JsonNode value = json.get(field.name());
            if (value == null) {
                if (field.hasDefaultValue()) {
                    record.put(
                            field.pos(),
                            GenericData.get()
                                    .deepCopy(field.schema(), GenericData.get().getDefaultValue(field)));
                } else if (isNullable(field.schema())) {
                    record.put(field.pos(), null);
                } else {
                    throw mismatch(fieldPath, "required field is missing");
                }
                continue;
            }
            record.put(field.pos(), read(value, field.schema(), fieldPath));
        }
        if (!ignoreUnknownFields) {
            for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (schema.getField(name) == null) {
                    throw mismatch(
                            path.isEmpty() ? name : path + "." + name,
                            "field is not in schema " + schema.getFullName());
                }
            }
        }
        return record;
    }

    private Object readUnion(JsonNode json, Schema schema, String path) {
        if (json == null || json.isNull()) {
            if (isNullable(schema)) {
                return null;
            }
            throw mismatch(path, "null is not allowed");
        }
        // Avro's JSON encoding wraps a branch as {"type name": value}; accept it when it names a branch.
        if (json.isObject() && json.size() == 1) {
            String key = json.fieldNames().next();
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.MAP
                        && branch.getType() != Schema.Type.RECORD
                        && (key.equals(branch.getFullName()) || key.equals(branch.getName()))) {
                    return read(json.get(key), branch, path);
                }
            }
        }
        JsonSchemaMismatch first = null;
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            try {
                return read(json, branch, path);
            } catch (JsonSchemaMismatch e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first != null ? first : mismatch(path, "matches no branch of the union");
    }

    /**
     * A JSON number as a double. A number parsed as a {@code BigDecimal} ({@code USE_BIG_DECIMAL_FOR_FLOATS}) may
     * carry any exponent ({@code 1e999999999}); one far outside the range of a double is refused by its decimal
     * exponent, before any conversion.
     */
    private static double readFloatingPoint(JsonNode json, String path, String type) {
        if (!json.isNumber()) {
            throw mismatch(path, "expected a number");
        }
        if (json.isBigDecimal()) {
            BigDecimal value = json.decimalValue();
            long exponent = (long) value.precision() - value.scale() - 1; // of the leading digit
            if (value.signum() != 0 && (exponent > MAX_FLOATING_EXPONENT || exponent < -MAX_FLOATING_EXPONENT)) {
                throw mismatch(path, "is out of the range of a " + type);
            }
        }
        double value = json.doubleValue();
        if (!Double.isFinite(value)) {
            throw mismatch(path, "is out of the range of a " + type);
        }
        return value;
    }

    private Object readInt(JsonNode json, LogicalType logical, String path) {
        if (logical instanceof LogicalTypes.Date && json.isTextual()) {
            try {
                return (int) LocalDate.parse(json.textValue()).toEpochDay();
            } catch (DateTimeParseException e) {
                throw mismatch(path, "expected an ISO-8601 date (yyyy-MM-dd) or days since epoch");
            }
        }
        if (logical instanceof LogicalTypes.TimeMillis && json.isTextual()) {
            try {
                return (int) (LocalTime.parse(json.textValue()).toNanoOfDay() / 1_000_000L);
            } catch (DateTimeParseException e) {
                throw mismatch(path, "expected an ISO-8601 time or millis of day");
            }
        }
        if (!json.isIntegralNumber() || !json.canConvertToInt()) {
            throw mismatch(path, "expected a 32-bit integer");
        }
        return json.intValue();
    }

    private Object readLong(JsonNode json, LogicalType logical, String path) {
        boolean millis =
                logical instanceof LogicalTypes.TimestampMillis || logical instanceof LogicalTypes.LocalTimestampMillis;
        boolean micros =
                logical instanceof LogicalTypes.TimestampMicros || logical instanceof LogicalTypes.LocalTimestampMicros;
        if ((millis || micros) && json.isTextual()) {
            try {
                Instant instant = Instant.parse(json.textValue());
                return millis
                        ? instant.toEpochMilli()
                        : Math.addExact(
                                Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000L);
            } catch (DateTimeParseException | ArithmeticException e) {
                throw mismatch(path, "expected an ISO-8601 instant or epoch " + (millis ? "millis" : "micros"));
            }
        }
        if (!json.isIntegralNumber() || !json.canConvertToLong()) {
            throw mismatch(
                    path,
                    millis || micros
                            ? "expected an ISO-8601 instant or epoch " + (millis ? "millis" : "micros")
                            : "expected a 64-bit integer");
        }
        return json.longValue();
    }

    private Object readBytes(JsonNode json, Schema schema, LogicalType logical, String path) {
        byte[] bytes;
        if (logical instanceof LogicalTypes.Decimal decimal) {
            BigDecimal value = readDecimal(json, decimal, path);
            bytes = value.unscaledValue().toByteArray();
            if (schema.getType() == Schema.Type.FIXED) {
                return new GenericData.Fixed(schema, padToFixed(bytes, schema.getFixedSize(), value.signum(), path));
            }
            return ByteBuffer.wrap(bytes);
        }
        if (!json.isTextual()) {
            throw mismatch(path, "expected base64 text");
        }
        try {
            bytes = Base64.getDecoder().decode(json.textValue());
        } catch (IllegalArgumentException e) {
            throw mismatch(path, "expected base64 text");
        }
        if (schema.getType() == Schema.Type.FIXED) {
            if (bytes.length != schema.getFixedSize()) {
                throw mismatch(path, "expected " + schema.getFixedSize() + " bytes");
            }
            return new GenericData.Fixed(schema, bytes);
        }
        return ByteBuffer.wrap(bytes);
    }

    /**
     * A JSON number or numeric string as a decimal of the schema's scale. Its digits and exponent are checked against
     * the schema's precision and scale first: {@code setScale} on {@code 1e999999999} would compute a billion-digit
     * number.
     */
    private static BigDecimal readDecimal(JsonNode json, LogicalTypes.Decimal decimal, String path) {
        BigDecimal value = null;
        try {
            if (json.isNumber()) {
                value = json.decimalValue(); // NumberFormatException: a double read as infinite
            } else if (json.isTextual()) {
                String text = json.textValue();
                // digits, sign, point, exponent and a few zeros; longer text is no decimal of this precision
                if (text.length() > decimal.getPrecision() + 32) {
                    throw mismatch(path, "decimal text longer than " + (decimal.getPrecision() + 32) + " characters");
                }
                value = new BigDecimal(text);
            }
        } catch (NumberFormatException e) {
            value = null;
        }
        if (value == null) {
            throw mismatch(path, "expected a decimal number");
        }
        value = value.stripTrailingZeros(); // cheap: divides only the digits given
        if (value.scale() > decimal.getScale()) {
            throw mismatch(path, "has more than " + decimal.getScale() + " decimal places");
        }
        long integerDigits = (long) value.precision() - value.scale();
        if (value.signum() != 0 && integerDigits > decimal.getPrecision() - decimal.getScale()) {
            throw mismatch(path, "exceeds precision " + decimal.getPrecision());
        }
        return value.setScale(decimal.getScale()); // now at most precision digits
    }

    private static byte[] padToFixed(byte[] bytes, int size, int signum, String path) {
        if (bytes.length > size) {
            throw mismatch(path, "does not fit in " + size + " bytes");
        }
        byte[] out = new byte[size];
        byte fill = signum < 0 ? (byte) 0xFF : 0;
        java.util.Arrays.fill(out, 0, size - bytes.length, fill);
        System.arraycopy(bytes, 0, out, size - bytes.length, bytes.length);
        return out;
    }

    private static boolean isNullable(Schema schema) {
        if (schema.getType() == Schema.Type.NULL) {
            return true;
        }
        return schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL);
    }

    private static JsonSchemaMismatch mismatch(String path, String what) {
        return new JsonSchemaMismatch("field '" + (path.isEmpty() ? "<root>" : path) + "': " + what);
    }
}
