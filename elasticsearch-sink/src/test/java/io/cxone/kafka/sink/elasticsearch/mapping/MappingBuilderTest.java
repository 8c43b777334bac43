package io.cxone.kafka.sink.elasticsearch.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.DecimalMapping;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MapMapping;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class MappingBuilderTest {

    static final Schema AGENT = SchemaBuilder.struct()
            .name("Agent")
            .field("id", Schema.INT64_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    static final Schema EVENT = SchemaBuilder.struct()
            .name("io.cxone.Event")
            .version(3)
            .field("event_id", Schema.STRING_SCHEMA)
            .field("tiny", Schema.INT8_SCHEMA)
            .field("small", Schema.INT16_SCHEMA)
            .field("count", Schema.INT32_SCHEMA)
            .field("total", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ratio", Schema.FLOAT32_SCHEMA)
            .field("score", Schema.FLOAT64_SCHEMA)
            .field("active", Schema.BOOLEAN_SCHEMA)
            .field("payload", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("at", Timestamp.SCHEMA)
            .field("day", Date.SCHEMA)
            .field("time", Time.SCHEMA)
            .field("amount", Decimal.schema(2))
            .field(
                    "labels",
                    SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA)
                            .optional()
                            .build())
            .field(
                    "counters",
                    SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build())
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("agent", AGENT)
            .field("agents", SchemaBuilder.array(AGENT).optional().build())
            .build();

    @Test
    void everyConnectTypeMapsToItsElasticsearchType() {
        MappingBuilder builder = new MappingBuilder(false, DecimalMapping.SCALED_FLOAT, MapMapping.FLATTENED);

        assertThat(builder.mappings(EVENT).orElseThrow().toString())
                .isEqualTo("{\"properties\":{"
                        + "\"event_id\":{\"type\":\"keyword\"},"
                        + "\"tiny\":{\"type\":\"byte\"},"
                        + "\"small\":{\"type\":\"short\"},"
                        + "\"count\":{\"type\":\"integer\"},"
                        + "\"total\":{\"type\":\"long\"},"
                        + "\"ratio\":{\"type\":\"float\"},"
                        + "\"score\":{\"type\":\"double\"},"
                        + "\"active\":{\"type\":\"boolean\"},"
                        + "\"payload\":{\"type\":\"binary\"},"
                        + "\"at\":{\"type\":\"date\"},"
                        + "\"day\":{\"type\":\"date\",\"format\":\"strict_date\"},"
                        + "\"time\":{\"type\":\"date\",\"format\":\"strict_hour_minute_second_millis\"},"
                        + "\"amount\":{\"type\":\"scaled_float\",\"scaling_factor\":100.0},"
                        + "\"labels\":{\"type\":\"flattened\"},"
                        + "\"counters\":{\"type\":\"object\",\"dynamic\":true},"
                        + "\"tags\":{\"type\":\"keyword\"},"
                        + "\"agent\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"long\"},\"name\":{\"type\":\"keyword\"}}},"
                        + "\"agents\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"long\"},\"name\":{\"type\":\"keyword\"}}}"
                        + "}}");
    }

    @Test
    void optionsSwitchTextSubfieldDecimalAsKeywordAndMapsAsObjects() {
        MappingBuilder builder = new MappingBuilder(true, DecimalMapping.KEYWORD, MapMapping.OBJECT);

        var properties = builder.mappings(EVENT).orElseThrow().get("properties");
        assertThat(properties.get("event_id").toString())
                .isEqualTo("{\"type\":\"keyword\",\"fields\":{\"text\":{\"type\":\"text\"}}}");
        assertThat(properties.get("amount").toString()).isEqualTo("{\"type\":\"keyword\"}");
        assertThat(properties.get("labels").toString()).isEqualTo("{\"type\":\"object\",\"dynamic\":true}");
    }

    @Test
    void onlyStructsHaveAMapping() {
        MappingBuilder builder = new MappingBuilder(false, DecimalMapping.SCALED_FLOAT, MapMapping.FLATTENED);

        assertThat(builder.mappings(null)).isEmpty();
        assertThat(builder.mappings(Schema.STRING_SCHEMA)).isEmpty();
        assertThat(builder.mappings(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA)
                        .build()))
                .isEmpty();
    }

    @Test
    void copiedHeadersAreOneObjectOfKeywordsBesideTheValueFields() {
        HeaderFields headers =
                new HeaderFields("kafka_headers", List.of("cxone.job.id", "cxone.chunk.sha256"), 1024, "c");
        MappingBuilder builder = new MappingBuilder(true, DecimalMapping.KEYWORD, MapMapping.FLATTENED, headers);

        var properties = builder.mappings(AGENT).orElseThrow().get("properties");
        assertThat(properties.get("kafka_headers").toString())
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"cxone.job.id\":{\"type\":\"keyword\"},"
                        + "\"cxone.chunk.sha256\":{\"type\":\"keyword\"}}}");
        assertThat(properties.get("id").toString()).isEqualTo("{\"type\":\"long\"}");
        assertThat(builder.mappings(null))
                .as("no value schema, no derived mapping")
                .isEmpty();
    }

    @Test
    void aSchemaWithAFieldNamedLikeTheHeadersObjectIsRefusedNamingTheSetting() {
        HeaderFields headers = new HeaderFields("agent", List.of("cxone.job.id"), 1024, "c");
        MappingBuilder builder = new MappingBuilder(false, DecimalMapping.KEYWORD, MapMapping.FLATTENED, headers);

        assertThatThrownBy(() -> builder.mappings(EVENT))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("io.cxone.Event")
                .hasMessageContaining("headers.field.name=agent");
    }
}
