package io.cxone.kafka.sink.elasticsearch.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class HeaderFieldsTest {

    private static final List<String> EXPORT =
            List.of("cxone.job.id", "cxone.chunk.sha256", "cxone.chunk.offset", "cxone.chunk.size");
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static SinkRecord record(Headers headers) {
        return new SinkRecord("t", 0, null, null, null, Map.of("n", 1), 7, null, null, headers);
    }

    @Test
    void copiesTheListedHeadersAsTextInListedOrderAndLeavesOutTheRest() {
        Headers headers = new ConnectHeaders()
                .add("cxone.chunk.offset", 1000L, Schema.INT64_SCHEMA)
                .add("cxone.chunk.size", 500, Schema.INT32_SCHEMA)
                .addString("cxone.chunk.sha256", SHA)
                .addString("cxone.schema.fingerprint", "not listed")
                .addString("cxone.job.id", "job-1");

        Map<String, String> values = new HeaderFields("kafka_headers", EXPORT, 1024, "c").values(record(headers));

        assertThat(values)
                .containsExactly(
                        Map.entry("cxone.job.id", "job-1"),
                        Map.entry("cxone.chunk.sha256", SHA),
                        Map.entry("cxone.chunk.offset", "1000"),
                        Map.entry("cxone.chunk.size", "500"));
    }

    @Test
    void absentAndNullHeadersAreLeftOutAndTheLastOfRepeatedHeadersCounts() {
        Headers headers = new ConnectHeaders()
                .addString("cxone.job.id", "job-1")
                .addString("cxone.job.id", "job-2")
                .add("cxone.chunk.sha256", null, Schema.OPTIONAL_STRING_SCHEMA);
        HeaderFields fields = new HeaderFields("kafka_headers", EXPORT, 1024, "c");

        assertThat(fields.values(record(headers))).containsExactly(Map.entry("cxone.job.id", "job-2"));
        assertThat(fields.values(record(new ConnectHeaders()))).isEmpty();
        assertThat(HeaderFields.NONE.values(record(headers))).isEmpty();
    }

    @Test
    void everyScalarTypeBecomesOneKeywordText() {
        List<String> names = List.of("d", "f", "dec", "b", "ts", "bytes", "buffer", "i8");
        Headers headers = new ConnectHeaders()
                .add("d", 1.0E10, Schema.FLOAT64_SCHEMA)
                .add("f", 2.50f, Schema.FLOAT32_SCHEMA)
                .add("dec", new BigDecimal("1E+3").setScale(2), Decimal.schema(2))
                .add("b", true, Schema.BOOLEAN_SCHEMA)
                .add("ts", new java.util.Date(1_795_000_000_123L), Timestamp.SCHEMA)
                .add("bytes", new byte[] {1, 2, 3}, Schema.BYTES_SCHEMA)
                .add("buffer", ByteBuffer.wrap(new byte[] {0, 1, 2, 3}, 1, 3), Schema.BYTES_SCHEMA)
                .add("i8", (byte) -5, Schema.INT8_SCHEMA);

        assertThat(new HeaderFields("h", names, 1024, "c").values(record(headers)))
                .containsExactly(
                        Map.entry("d", "10000000000"),
                        Map.entry("f", "2.5"),
                        Map.entry("dec", "1000.00"),
                        Map.entry("b", "true"),
                        Map.entry("ts", "2026-11-18T11:06:40.123Z"),
                        Map.entry("bytes", "AQID"),
                        Map.entry("buffer", "AQID"),
                        Map.entry("i8", "-5"));
    }

    @Test
    void valuesLongerThanTheLimitAndCompositeValuesAreLeftOutNotCut() {
        Schema struct = SchemaBuilder.struct().field("a", Schema.STRING_SCHEMA).build();
        List<String> names = List.of("exact", "long", "big.bytes", "small.bytes", "struct", "map", "list");
        Headers headers = new ConnectHeaders()
                .addString("exact", "x".repeat(16))
                .addString("long", "x".repeat(17))
                .add("big.bytes", new byte[13], Schema.BYTES_SCHEMA) // base64: 20 characters
                .add("small.bytes", new byte[12], Schema.BYTES_SCHEMA) // base64: 16 characters
                .addStruct("struct", new Struct(struct).put("a", "x"))
                .addMap(
                        "map",
                        Map.of("k", "v"),
                        SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA)
                                .build())
                .addList(
                        "list",
                        List.of("a"),
                        SchemaBuilder.array(Schema.STRING_SCHEMA).build());

        Map<String, String> values = new HeaderFields("h", names, 16, "c").values(record(headers));

        assertThat(values).containsOnlyKeys("exact", "small.bytes");
        assertThat(values.get("small.bytes")).hasSize(16);
    }

    @Test
    void aRecordWithManyHeadersIsReadOnceAndKeepsOnlyTheListedOnes() {
        ConnectHeaders headers = new ConnectHeaders();
        for (int i = 0; i < 100_000; i++) {
            headers.addString("noise." + i, "v" + i);
        }
        headers.addString("cxone.job.id", "job-9");

        assertThat(new HeaderFields("kafka_headers", EXPORT, 1024, "c").values(record(headers)))
                .containsExactly(Map.entry("cxone.job.id", "job-9"));
    }
}
