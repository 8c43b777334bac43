package io.cxone.kafka.sink.elasticsearch.mapping;

import static io.cxone.kafka.sink.elasticsearch.mapping.MappingBuilderTest.AGENT;
import static io.cxone.kafka.sink.elasticsearch.mapping.MappingBuilderTest.EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.DecimalMapping;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class DocumentWriterTest {

    static Struct event() {
        return new Struct(EVENT)
                .put("event_id", "evt-1")
                .put("tiny", (byte) 1)
                .put("small", (short) 2)
                .put("count", 3)
                .put("ratio", 1.5f)
                .put("score", 0.25)
                .put("active", true)
                .put("payload", new byte[] {1, 2, 3})
                .put("at", new java.util.Date(1_795_000_000_123L))
                .put("day", new java.util.Date(1_795_000_000_000L / 86_400_000L * 86_400_000L))
                .put("time", new java.util.Date(3_723_004L))
                .put("amount", new BigDecimal("12.30"))
                .put("labels", Map.of("queue", "sales"))
                .put("counters", Map.of("calls", 7))
                .put("tags", List.of("a", "b"))
                .put("agent", new Struct(AGENT).put("id", 42L).put("name", "Ann"))
                .put("agents", List.of(new Struct(AGENT).put("id", 43L)));
    }

    @Test
    void writesStructsConsistentWithTheirMapping() {
        String json = new String(
                new DocumentWriter(DecimalMapping.SCALED_FLOAT).toJson(EVENT, event()), StandardCharsets.UTF_8);

        assertThat(json)
                .isEqualTo("{\"event_id\":\"evt-1\",\"tiny\":1,\"small\":2,\"count\":3,\"ratio\":1.5,\"score\":0.25,"
                        + "\"active\":true,\"payload\":\"AQID\",\"at\":\"2026-11-18T11:06:40.123Z\",\"day\":\"2026-11-18\","
                        + "\"time\":\"01:02:03.004\",\"amount\":12.30,\"labels\":{\"queue\":\"sales\"},\"counters\":{\"calls\":7},"
                        + "\"tags\":[\"a\",\"b\"],\"agent\":{\"id\":42,\"name\":\"Ann\"},\"agents\":[{\"id\":43}]}");
    }

    @Test
    void decimalAsKeywordIsExactText() {
        String json =
                new String(new DocumentWriter(DecimalMapping.KEYWORD).toJson(EVENT, event()), StandardCharsets.UTF_8);

        assertThat(json).contains("\"amount\":\"12.30\"");
    }

    @Test
    void schemalessMapsAreWrittenAsTheyAre() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("id", "x");
        value.put("n", 5L);
        value.put("nested", Map.of("ok", true));
        value.put("missing", null);

        assertThat(new String(
                        new DocumentWriter(DecimalMapping.SCALED_FLOAT).toJson(null, value), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"x\",\"n\":5,\"nested\":{\"ok\":true},\"missing\":null}");
    }

    @Test
    void aDocumentMustBeAnObject() {
        assertThatThrownBy(() -> new DocumentWriter(DecimalMapping.SCALED_FLOAT).toJson(null, "plain"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("struct or a map");
        assertThatThrownBy(() -> new DocumentWriter(DecimalMapping.SCALED_FLOAT).toJson(null, Map.of("x", Double.NaN)))
                .isInstanceOf(DataException.class);
    }

    @Test
    void oneWriterWritesEachDocumentWholeAndAloneEvenAfterAFailedOne() {
        DocumentWriter writer = new DocumentWriter(DecimalMapping.SCALED_FLOAT);
        java.util.LinkedHashMap<String, Object> half = new java.util.LinkedHashMap<>();
        half.put("ok", 1);
        half.put("bad", Double.NaN);
        assertThat(new String(writer.toJson(null, Map.of("a", 1)), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1}");
        assertThatThrownBy(() -> writer.toJson(null, half)).isInstanceOf(DataException.class);
        assertThat(new String(writer.toJson(null, Map.of("b", "x")), StandardCharsets.UTF_8))
                .isEqualTo("{\"b\":\"x\"}");
        assertThat(new String(writer.toJson(null, Map.of("c", true)), StandardCharsets.UTF_8))
                .isEqualTo("{\"c\":true}");
    }

    private static final HeaderFields HEADERS =
            new HeaderFields("kafka_headers", List.of("cxone.job.id", "cxone.chunk.offset"), 1024, "c");

    @Test
    void copiedHeadersFollowTheValueAsOneObjectOfStringsAndNoneLeaveNoObject() {
        DocumentWriter writer = new DocumentWriter(DecimalMapping.SCALED_FLOAT, HEADERS);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("cxone.job.id", "job-1");
        headers.put("cxone.chunk.offset", "1000");

        assertThat(new String(writer.toJson(AGENT, new Struct(AGENT).put("id", 1L), headers), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":1,\"kafka_headers\":{\"cxone.job.id\":\"job-1\",\"cxone.chunk.offset\":\"1000\"}}");
        assertThat(new String(writer.toJson(null, Map.of("id", 2), headers), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":2,\"kafka_headers\":{\"cxone.job.id\":\"job-1\",\"cxone.chunk.offset\":\"1000\"}}");
        assertThat(new String(writer.toJson(null, Map.of("id", 3), Map.of()), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":3}");
    }

    @Test
    void aValueWithAFieldNamedLikeTheHeadersObjectIsRefusedNamingTheSetting() {
        DocumentWriter writer = new DocumentWriter(DecimalMapping.SCALED_FLOAT, HEADERS);
        org.apache.kafka.connect.data.Schema colliding = org.apache.kafka.connect.data.SchemaBuilder.struct()
                .field("kafka_headers", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                .build();

        assertThatThrownBy(() -> writer.toJson(colliding, new Struct(colliding).put("kafka_headers", "x"), Map.of()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("headers.field.name=kafka_headers");
        assertThatThrownBy(() -> writer.toJson(null, Map.of("kafka_headers", "x"), Map.of("cxone.job.id", "j")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("headers.field.name=kafka_headers");
        assertThat(new String(
                        new DocumentWriter(DecimalMapping.SCALED_FLOAT).toJson(null, Map.of("kafka_headers", "x")),
                        StandardCharsets.UTF_8))
                .as("without headers.include the name is the value's own")
                .isEqualTo("{\"kafka_headers\":\"x\"}");
    }
}
