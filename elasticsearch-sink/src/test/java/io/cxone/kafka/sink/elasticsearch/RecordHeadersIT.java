package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.count;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.fieldType;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.ids;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.source;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.committedOffset;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.deploy;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.freshTopic;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.json;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.sinkConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.testkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Record headers copied into documents ({@code headers.include}) on a real Connect worker and Elasticsearch 8.19:
 * the object they land in, its keyword mapping, term queries on it, and the headers left out.
 */
class RecordHeadersIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final Schema ROW = SchemaBuilder.struct()
            .name("io.cxone.Row")
            .field("id", Schema.STRING_SCHEMA)
            .build();

    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void start() {
        connect = SinkTestSupport.startAll();
    }

    /** A header as the worker's JsonConverter reads it: a typed value whatever the producer was. */
    private static Header header(String name, String schemaJson, String payloadJson) {
        return new RecordHeader(
                name,
                ("{\"schema\":" + schemaJson + ",\"payload\":" + payloadJson + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static Header string(String name, String value) {
        return header(name, "{\"type\":\"string\"}", MAPPER.valueToTree(value).toString());
    }

    private static void produce(String topic, int i, List<Header> headers) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            producer.send(new ProducerRecord<byte[], byte[]>(
                            topic,
                            0,
                            (byte[]) null,
                            json(topic, ROW, new Struct(ROW).put("id", "row-" + i))
                                    .getBytes(StandardCharsets.UTF_8),
                            headers))
                    .get();
        }
    }

    @Test
    void listedHeadersBecomeKeywordFieldsOfOneObjectAndTheRestIsLeftOut() throws Exception {
        String topic = "it-headers";
        String name = "es-it-headers";
        freshTopic(connect, topic);
        Map<String, String> config =
                sinkConfig(topic, TestServices.elasticsearch().url());
        config.put("headers.include", "cxone.job.id,cxone.chunk.sha256,cxone.chunk.offset");
        config.put("header.converter", JsonConverter.class.getName());
        deploy(connect, name, config);

        List<List<Header>> headers = new ArrayList<>();
        headers.add(List.of(
                string("cxone.job.id", "job-0"),
                string("cxone.chunk.sha256", SHA),
                header("cxone.chunk.offset", "{\"type\":\"int64\"}", "1000"),
                string("cxone.schema.fingerprint", "not listed")));
        headers.add(List.of(string("cxone.job.id", "job-1")));
        headers.add(List.of());
        headers.add(List.of(string("cxone.job.id", "job-3"), string("cxone.chunk.sha256", "f".repeat(5000))));
        headers.add(List.of(
                string("cxone.job.id", "job-4"),
                header("cxone.chunk.sha256", "{\"type\":\"bytes\"}", "\"AQID\""),
                header(
                        "cxone.chunk.offset",
                        "{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"string\"}]}",
                        "{\"a\":\"x\"}")));
        for (int i = 0; i < headers.size(); i++) {
            produce(topic, i, headers.get(i));
        }

        await().atMost(WAIT).until(() -> committedOffset(connect, name, topic) == 5);
        assertThat(count(topic)).isEqualTo(5);

        assertThat(fieldType(topic, "kafka_headers.cxone.job.id")).isEqualTo("keyword");
        assertThat(fieldType(topic, "kafka_headers.cxone.chunk.sha256")).isEqualTo("keyword");
        assertThat(fieldType(topic, "kafka_headers.cxone.chunk.offset")).isEqualTo("keyword");

        assertThat(source(topic, topic + "+0+0").path("kafka_headers"))
                .isEqualTo(MAPPER.readTree("{\"cxone.job.id\":\"job-0\",\"cxone.chunk.sha256\":\"" + SHA
                        + "\",\"cxone.chunk.offset\":\"1000\"}"));
        assertThat(ids(topic, "{\"term\":{\"kafka_headers.cxone.chunk.sha256\":\"" + SHA + "\"}}"))
                .containsExactly(topic + "+0+0");
        assertThat(ids(topic, "{\"term\":{\"kafka_headers.cxone.chunk.offset\":\"1000\"}}"))
                .containsExactly(topic + "+0+0");
        assertThat(ids(topic, "{\"exists\":{\"field\":\"kafka_headers.cxone.job.id\"}}"))
                .containsExactlyInAnyOrder(topic + "+0+0", topic + "+0+1", topic + "+0+3", topic + "+0+4");

        assertThat(source(topic, topic + "+0+1").path("kafka_headers"))
                .as("absent headers are left out")
                .isEqualTo(MAPPER.readTree("{\"cxone.job.id\":\"job-1\"}"));
        assertThat(source(topic, topic + "+0+2").has("kafka_headers"))
                .as("no listed header, no object")
                .isFalse();
        assertThat(source(topic, topic + "+0+3").path("kafka_headers"))
                .as("a value over headers.value.max.chars is left out, not cut")
                .isEqualTo(MAPPER.readTree("{\"cxone.job.id\":\"job-3\"}"));
        assertThat(source(topic, topic + "+0+4").path("kafka_headers"))
                .as("bytes as base64; a struct has no keyword value")
                .isEqualTo(MAPPER.readTree("{\"cxone.job.id\":\"job-4\",\"cxone.chunk.sha256\":\"AQID\"}"));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "still running");
        connect.deleteConnector(name);
    }

    @Test
    void aValueSchemaWithTheHeadersFieldNameFailsTheTaskNamingTheSetting() throws Exception {
        String topic = "it-headers-collision";
        String name = "es-it-headers-collision";
        freshTopic(connect, topic);
        Map<String, String> config =
                sinkConfig(topic, TestServices.elasticsearch().url());
        config.put("headers.include", "cxone.job.id");
        config.put("headers.field.name", "id");
        deploy(connect, name, config);

        produce(topic, 0, List.of(string("cxone.job.id", "job-0")));

        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed(name, 1, "task failed on the colliding schema");
        assertThat(connect.connectorStatus(name).tasks().get(0).trace())
                .contains("headers.field.name=id")
                .contains("io.cxone.Row");
        assertThat(committedOffset(connect, name, topic)).isLessThanOrEqualTo(0);
        assertThat(count(topic)).isZero();
        connect.deleteConnector(name);
    }
}
