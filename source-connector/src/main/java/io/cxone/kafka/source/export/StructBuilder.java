package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Turns typed rows into Connect Structs. The Connect schema is derived from the chunk's shape (every field
 * optional, in first-seen order) and built once per shape, then reused; its version increases each time
 * the baseline evolves.
 */
public final class StructBuilder {

    private final String schemaName;

    private record Key(ChunkShape shape, Integer version) {}

    private final Map<Key, Schema> schemas = new HashMap<>();

    public StructBuilder(String source) {
        this.schemaName = "io.cxone.kafka.export." + source.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** The schema of {@code shape}; {@code version} is set for baseline schemas, null for a drifted chunk's own shape. */
    public Schema schemaFor(ChunkShape shape, Integer version) {
        return schemas.computeIfAbsent(new Key(shape, version), k -> build(k.shape(), k.version()));
    }

    private Schema build(ChunkShape shape, Integer version) {
        SchemaBuilder builder = SchemaBuilder.struct().name(schemaName).optional();
        if (version != null) {
            builder.version(version);
        }
        // Fields in name order, not in the order the baseline chunk's rows first showed them: after a restart the
        // baseline is the re-read boundary chunk, whose rows may show fields in another order (a JSON row omits a null
        // field), and the schema, its registry version and the records' field order must not depend on that.
        new TreeMap<>(shape.fields())
                .forEach((name, type) -> builder.field(
                        name,
                        switch (type) {
                            case LONG -> Schema.OPTIONAL_INT64_SCHEMA;
                            case DOUBLE -> Schema.OPTIONAL_FLOAT64_SCHEMA;
                            case BOOLEAN -> Schema.OPTIONAL_BOOLEAN_SCHEMA;
                            case TIMESTAMP -> Timestamp.builder().optional().build();
                            case STRING, JSON, UNKNOWN -> Schema.OPTIONAL_STRING_SCHEMA;
                        }));
        return builder.build();
    }

    /** Values of {@code row} under {@code schema}; fields the row lacks stay null. */
    public Struct struct(Schema schema, JsonNode row) {
        Struct struct = new Struct(schema);
        for (org.apache.kafka.connect.data.Field field : schema.fields()) {
            JsonNode value = row.get(field.name());
            if (value == null || value.isNull()) {
                continue;
            }
            struct.put(field, convert(field, value));
        }
        return struct;
    }

    private static Object convert(org.apache.kafka.connect.data.Field field, JsonNode value) {
        Schema schema = field.schema();
        if (Timestamp.LOGICAL_NAME.equals(schema.name())) {
            return value.isNumber() ? new Date(value.asLong()) : Date.from(parseInstant(field.name(), value.asText()));
        }
        return switch (schema.type()) {
            case INT64 -> value.asLong();
            case FLOAT64 -> value.asDouble();
            case BOOLEAN -> value.asBoolean();
            default -> value.isContainerNode() ? value.toString() : value.asText();
        };
    }

    static Instant parseInstant(String field, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                throw new DataException("field '" + field + "': '" + text + "' is not an ISO-8601 timestamp");
            }
        }
    }
}
