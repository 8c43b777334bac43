package io.cxone.kafka.sink.elasticsearch.mapping;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.DecimalMapping;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MapMapping;
import java.math.BigDecimal;
import java.util.Optional;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The Elasticsearch mapping of a Connect value schema, from the schema itself (not from sample values):
 * Struct → object with properties, string → keyword (optionally with a {@code text} sub-field), integers and
 * floating types → their ES numeric types, boolean, bytes → binary, Timestamp/Date/Time → date, Decimal →
 * scaled_float (factor 10^scale) or keyword, map&lt;string,string&gt; → flattened or object, other maps → object,
 * arrays → the mapping of their elements (every ES field takes arrays). Copied record headers ({@link HeaderFields})
 * are one more object whose fields are all keyword.
 */
public final class MappingBuilder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final boolean textSubfield;
    private final DecimalMapping decimalMapping;
    private final MapMapping mapMapping;
    private final HeaderFields headers;

    public MappingBuilder(boolean textSubfield, DecimalMapping decimalMapping, MapMapping mapMapping) {
        this(textSubfield, decimalMapping, mapMapping, HeaderFields.NONE);
    }

    public MappingBuilder(
            boolean textSubfield, DecimalMapping decimalMapping, MapMapping mapMapping, HeaderFields headers) {
        this.textSubfield = textSubfield;
        this.decimalMapping = decimalMapping;
        this.mapMapping = mapMapping;
        this.headers = headers;
    }

    /**
     * The {@code mappings} object for documents of this value schema; empty when it is not a struct.
     *
     * @throws ConnectException when the schema has a field named like the headers object: no mapping holds both
     */
    public Optional<ObjectNode> mappings(Schema valueSchema) {
        if (valueSchema == null || valueSchema.type() != Schema.Type.STRUCT) {
            return Optional.empty();
        }
        ObjectNode properties = properties(valueSchema);
        if (headers.enabled()) {
            if (valueSchema.field(headers.objectName()) != null) {
                throw new ConnectException(headers.collision(
                        "value schema " + (valueSchema.name() != null ? valueSchema.name() : "(unnamed struct)")));
            }
            ObjectNode object = type("object");
            ObjectNode fields = object.putObject("properties");
            // Keyword whatever the header's type: a term query and an aggregation work on every header alike.
            headers.names().forEach(name -> fields.set(name, type("keyword")));
            properties.set(headers.objectName(), object);
        }
        ObjectNode mappings = NODES.objectNode();
        mappings.set("properties", properties);
        return Optional.of(mappings);
    }

    private ObjectNode properties(Schema struct) {
        ObjectNode properties = NODES.objectNode();
        for (Field field : struct.fields()) {
            properties.set(field.name(), field(field.schema()));
        }
        return properties;
    }

    ObjectNode field(Schema schema) {
        if (schema.name() != null) {
            switch (schema.name()) {
                case Timestamp.LOGICAL_NAME -> {
                    return type("date");
                }
                case Date.LOGICAL_NAME -> {
                    return type("date").put("format", "strict_date");
                }
                case Time.LOGICAL_NAME -> {
                    return type("date").put("format", "strict_hour_minute_second_millis");
                }
                case Decimal.LOGICAL_NAME -> {
                    return decimal(schema);
                }
                default -> {}
            }
        }
        return switch (schema.type()) {
            case STRUCT -> {
                ObjectNode object = type("object");
                object.set("properties", properties(schema));
                yield object;
            }
            case STRING -> keyword();
            case INT8 -> type("byte");
            case INT16 -> type("short");
            case INT32 -> type("integer");
            case INT64 -> type("long");
            case FLOAT32 -> type("float");
            case FLOAT64 -> type("double");
            case BOOLEAN -> type("boolean");
            case BYTES -> type("binary");
            case ARRAY -> field(schema.valueSchema());
            case MAP -> map(schema);
        };
    }

    private ObjectNode map(Schema schema) {
        boolean stringToString = schema.keySchema().type() == Schema.Type.STRING
                && schema.valueSchema().type() == Schema.Type.STRING
                && schema.valueSchema().name() == null;
        if (stringToString && mapMapping == MapMapping.FLATTENED) {
            return type("flattened");
        }
        ObjectNode object = type("object");
        return object.put("dynamic", true);
    }

    private ObjectNode decimal(Schema schema) {
        if (decimalMapping == DecimalMapping.KEYWORD) {
            return type("keyword");
        }
        int scale = Integer.parseInt(schema.parameters().getOrDefault(Decimal.SCALE_FIELD, "0"));
        return type("scaled_float")
                .put("scaling_factor", BigDecimal.TEN.pow(Math.max(scale, 0)).doubleValue());
    }

    private ObjectNode keyword() {
        ObjectNode keyword = type("keyword");
        if (textSubfield) {
            ObjectNode fields = NODES.objectNode();
            fields.set("text", type("text"));
            keyword.set("fields", fields);
        }
        return keyword;
    }

    private static ObjectNode type(String type) {
        return NODES.objectNode().put("type", type);
    }
}
