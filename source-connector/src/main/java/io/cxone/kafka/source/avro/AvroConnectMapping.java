package io.cxone.kafka.source.avro;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Maps one Avro schema to a Connect schema and converts generic Avro data (as {@code GenericDatumReader} produces
 * it, logical types still raw) to Connect values. The Connect schema and one converter per field are built once,
 * in {@link #of(org.apache.avro.Schema)}, and cached per Avro schema.
 *
 * <p>Mapping: record → struct (named by the record's full name); union of null and one type → that type,
 * optional; any other union → a struct with one optional field per branch; map → map of string keys; array →
 * array; enum → string; fixed and bytes → bytes; {@code decimal} → Connect Decimal; {@code date} → Date;
 * {@code time-millis} → Time; {@code timestamp-millis}, {@code timestamp-micros} and the local variants →
 * Timestamp (micros are truncated to millis, Connect's precision); {@code uuid} → string.
 */
public final class AvroConnectMapping {

    /** Connect schema parameter keeping the Avro logical type or enum origin of a field. */
    public static final String AVRO_TYPE_PARAMETER = "cxone.avro.type";

    public static final String UNION_SCHEMA_NAME = "io.cxone.kafka.avro.Union";

    private static final Map<org.apache.avro.Schema, AvroConnectMapping> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 256;

    private final org.apache.avro.Schema avroSchema;
    private final Schema connectSchema;
    private final Function<Object, Object> converter;

    private AvroConnectMapping(org.apache.avro.Schema avroSchema) {
        this.avroSchema = avroSchema;
        Mapped mapped = map(avroSchema, false, new HashSet<>());
        this.connectSchema = mapped.schema;
        this.converter = mapped.converter;
    }

    /** The cached mapping of {@code avroSchema}, built on first use. */
    public static AvroConnectMapping of(org.apache.avro.Schema avroSchema) {
        AvroConnectMapping cached = CACHE.get(avroSchema);
        if (cached != null) {
            return cached;
        }
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear(); // schemas come from configuration, so this only guards against unexpected growth
        }
        return CACHE.computeIfAbsent(avroSchema, AvroConnectMapping::new);
    }

    public org.apache.avro.Schema avroSchema() {
        return avroSchema;
    }

    public Schema connectSchema() {
        return connectSchema;
    }

    /** Converts one generic Avro datum of {@link #avroSchema()} to its Connect value (a Struct for records). */
    public Object toConnect(Object avroValue) {
        return converter.apply(avroValue);
    }

    private record Mapped(Schema schema, Function<Object, Object> converter) {}

    private static Mapped map(org.apache.avro.Schema schema, boolean optional, Set<String> recordsInProgress) {
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD:
                return mapRecord(schema, optional, recordsInProgress);
            case UNION:
                return mapUnion(schema, optional, recordsInProgress);
            case MAP: {
                Mapped values = map(schema.getValueType(), false, recordsInProgress);
                SchemaBuilder builder = SchemaBuilder.map(Schema.STRING_SCHEMA, values.schema);
                Function<Object, Object> valueConverter = values.converter;
                return new Mapped(optional(builder, optional).build(), value -> {
                    Map<?, ?> in = (Map<?, ?>) value;
                    Map<String, Object> out = new LinkedHashMap<>(in.size() * 2);
                    for (Map.Entry<?, ?> e : in.entrySet()) {
                        out.put(e.getKey().toString(), valueConverter.apply(e.getValue()));
                    }
                    return out;
                });
            }
            case ARRAY: {
                Mapped items = map(schema.getElementType(), false, recordsInProgress);
                SchemaBuilder builder = SchemaBuilder.array(items.schema);
                Function<Object, Object> itemConverter = items.converter;
                return new Mapped(optional(builder, optional).build(), value -> {
                    Collection<?> in = (Collection<?>) value;
                    List<Object> out = new ArrayList<>(in.size());
                    for (Object item : in) {
                        out.add(itemConverter.apply(item));
                    }
                    return out;
                });
            }
            case ENUM: {
                SchemaBuilder builder =
                        SchemaBuilder.string().parameter(AVRO_TYPE_PARAMETER, "enum:" + schema.getFullName());
                return new Mapped(optional(builder, optional).build(), Object::toString);
            }
            case STRING: {
                SchemaBuilder builder = SchemaBuilder.string();
                if (logical != null) {
                    builder.parameter(AVRO_TYPE_PARAMETER, logical.getName());
                }
                return new Mapped(optional(builder, optional).build(), Object::toString);
            }
            case BYTES:
            case FIXED: {
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    int scale = decimal.getScale();
                    SchemaBuilder builder = Decimal.builder(scale)
                            .parameter("connect.decimal.precision", Integer.toString(decimal.getPrecision()));
                    return new Mapped(
                            optional(builder, optional).build(),
                            value -> new BigDecimal(new BigInteger(bytes(value)), scale));
                }
                return new Mapped(optional(SchemaBuilder.bytes(), optional).build(), AvroConnectMapping::bytes);
            }
            case INT: {
                if (logical instanceof LogicalTypes.Date) {
                    return new Mapped(
                            optional(Date.builder(), optional).build(),
                            value -> new java.util.Date(((Integer) value) * 86_400_000L));
                }
                if (logical instanceof LogicalTypes.TimeMillis) {
                    return new Mapped(
                            optional(Time.builder(), optional).build(), value -> new java.util.Date((Integer) value));
                }
                return new Mapped(optional(SchemaBuilder.int32(), optional).build(), Function.identity());
            }
            case LONG: {
                if (logical instanceof LogicalTypes.TimestampMillis
                        || logical instanceof LogicalTypes.LocalTimestampMillis) {
                    return new Mapped(
                            optional(Timestamp.builder(), optional).build(), value -> new java.util.Date((Long) value));
                }
                if (logical instanceof LogicalTypes.TimestampMicros
                        || logical instanceof LogicalTypes.LocalTimestampMicros) {
                    return new Mapped(
                            optional(Timestamp.builder(), optional)
                                    .parameter(AVRO_TYPE_PARAMETER, logical.getName())
                                    .build(),
                            value -> new java.util.Date(Math.floorDiv((Long) value, 1000L)));
                }
                SchemaBuilder builder = SchemaBuilder.int64();
                if (logical != null) {
                    builder.parameter(AVRO_TYPE_PARAMETER, logical.getName());
                }
                return new Mapped(optional(builder, optional).build(), Function.identity());
            }
            case FLOAT:
                return new Mapped(optional(SchemaBuilder.float32(), optional).build(), Function.identity());
            case DOUBLE:
                return new Mapped(optional(SchemaBuilder.float64(), optional).build(), Function.identity());
            case BOOLEAN:
                return new Mapped(optional(SchemaBuilder.bool(), optional).build(), Function.identity());
            case NULL:
                throw new DataException("Avro type null outside a union has no Connect equivalent");
            default:
                throw new DataException("unsupported Avro type " + schema.getType());
        }
    }

    private static Mapped mapRecord(org.apache.avro.Schema schema, boolean optional, Set<String> recordsInProgress) {
        if (!recordsInProgress.add(schema.getFullName())) {
            throw new DataException("recursive Avro record " + schema.getFullName() + " cannot be mapped to Connect");
        }
        SchemaBuilder builder = SchemaBuilder.struct().name(schema.getFullName());
        if (schema.getDoc() != null) {
            builder.doc(schema.getDoc());
        }
        List<org.apache.avro.Schema.Field> fields = schema.getFields();
        @SuppressWarnings("unchecked")
        Function<Object, Object>[] converters = new Function[fields.size()];
        for (org.apache.avro.Schema.Field field : fields) {
            Mapped mapped = map(field.schema(), false, recordsInProgress);
            builder.field(field.name(), mapped.schema);
            converters[field.pos()] = mapped.converter;
        }
        recordsInProgress.remove(schema.getFullName());
        Schema struct = optional(builder, optional).build();
        return new Mapped(struct, value -> {
            IndexedRecord record = (IndexedRecord) value;
            Struct out = new Struct(struct);
            for (int i = 0; i < converters.length; i++) {
                Object fieldValue = record.get(i);
                out.put(fields.get(i).name(), fieldValue == null ? null : converters[i].apply(fieldValue));
            }
            return out;
        });
    }

    private static Mapped mapUnion(org.apache.avro.Schema schema, boolean optional, Set<String> recordsInProgress) {
        List<org.apache.avro.Schema> branches = schema.getTypes();
        List<org.apache.avro.Schema> nonNull = branches.stream()
                .filter(b -> b.getType() != org.apache.avro.Schema.Type.NULL)
                .toList();
        boolean nullable = nonNull.size() < branches.size();
        if (nonNull.size() == 1) {
            Mapped inner = map(nonNull.get(0), nullable || optional, recordsInProgress);
            return new Mapped(inner.schema, value -> value == null ? null : inner.converter.apply(value));
        }
        SchemaBuilder builder = SchemaBuilder.struct().name(UNION_SCHEMA_NAME);
        Map<Integer, String> fieldForBranch = new LinkedHashMap<>();
        Map<Integer, Function<Object, Object>> converterForBranch = new LinkedHashMap<>();
        for (int i = 0; i < branches.size(); i++) {
            org.apache.avro.Schema branch = branches.get(i);
            if (branch.getType() == org.apache.avro.Schema.Type.NULL) {
                continue;
            }
            String name = branch.getName(); // full name is not a valid field name; simple names are unique per union
            Mapped mapped = map(branch, true, recordsInProgress);
            builder.field(name, mapped.schema);
            fieldForBranch.put(i, name);
            converterForBranch.put(i, mapped.converter);
        }
        Schema struct = optional(builder, optional || nullable).build();
        return new Mapped(struct, value -> {
            if (value == null) {
                return null;
            }
            int branch = GenericData.get().resolveUnion(schema, value);
            Struct out = new Struct(struct);
            out.put(fieldForBranch.get(branch), converterForBranch.get(branch).apply(value));
            return out;
        });
    }

    private static SchemaBuilder optional(SchemaBuilder builder, boolean optional) {
        return optional ? builder.optional() : builder;
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] out = new byte[copy.remaining()];
            copy.get(out);
            return out;
        }
        if (value instanceof GenericFixed fixed) {
            return fixed.bytes().clone();
        }
        if (value instanceof byte[] array) {
            return array.clone();
        }
        throw new DataException("expected bytes, got " + value.getClass().getSimpleName());
    }
}
