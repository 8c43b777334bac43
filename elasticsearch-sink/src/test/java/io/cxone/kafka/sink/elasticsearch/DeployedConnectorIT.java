package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.count;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.utils.converter.AvroConverter;
import io.cxone.kafka.testkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * connectors/elasticsearch-sink.json as ./stack deploys it (only the service URLs point at the test services):
 * RUNNING before its topics exist, then Avro records through the registry land in the mapped indices, export rows with
 * their chunk headers.
 */
class DeployedConnectorIT {

    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void start() {
        TestServices.startRegistry();
        connect = SinkTestSupport.startAll();
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void localStackConnectorRunsWithoutTopicsAndIndexesAvroRecords() throws Exception {
        JsonNode spec = new ObjectMapper()
                .readTree(Path.of("../connectors/elasticsearch-sink.json").toFile());
        String name = spec.path("name").asText();
        ElasticsearchQueries.deleteIndices("cxone-webhook-events", "cxone-export-records");
        Map<String, String> config = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("config").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            config.put(e.getKey(), e.getValue().asText());
        }
        config.put("connection.url", TestServices.elasticsearch().url());
        config.put(
                "value.converter.apicurio.registry.url", TestServices.registry().apicurioApiUrl());

        connect.configureConnector(name, config);
        connect.assertions()
                .assertConnectorAndExactlyNumTasksAreRunning(
                        name, 1, "deployed sink running before its topics have data");

        Schema schema = SchemaBuilder.struct()
                .name("io.cxone.webhook.WebhookEvent")
                .field("event_id", Schema.STRING_SCHEMA)
                .field("event_type", Schema.STRING_SCHEMA)
                .field("contact_id", Schema.INT64_SCHEMA)
                .field("occurred_at", Timestamp.SCHEMA)
                .build();
        AvroConverter converter = SinkTestSupport.valueConverter(config);
        String topic = "cxone.webhook.events";
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            for (int i = 0; i < 3; i++) {
                Struct value = new Struct(schema)
                        .put("event_id", "wh-" + i)
                        .put("event_type", "CONTACT_ENDED")
                        .put("contact_id", 1000L + i)
                        .put("occurred_at", new java.util.Date(1_795_000_000_000L + i));
                producer.send(new ProducerRecord<>(
                                topic,
                                ("wh-" + i).getBytes(StandardCharsets.UTF_8),
                                converter.fromConnectData(topic, schema, value)))
                        .get();
            }
        }

        // An export row with the headers the export source writes (through its StringConverter, as text).
        Schema row = SchemaBuilder.struct()
                .name("io.cxone.export.AgentPerformance")
                .field("id", Schema.STRING_SCHEMA)
                .field("handled", Schema.INT32_SCHEMA)
                .build();
        String exportTopic = "cxone.export.records";
        String sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        List<Header> headers = List.of(
                header("cxone.chunk.offset", "500"),
                header("cxone.chunk.size", "250"),
                header("cxone.chunk.sha256", sha),
                header("cxone.job.id", "job-42"),
                header("cxone.schema.fingerprint", "fp-1"));
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            producer.send(new ProducerRecord<byte[], byte[]>(
                            exportTopic,
                            null,
                            "row-1".getBytes(StandardCharsets.UTF_8),
                            converter.fromConnectData(
                                    exportTopic,
                                    row,
                                    new Struct(row).put("id", "row-1").put("handled", 7)),
                            headers))
                    .get();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> count("cxone-webhook-events") == 3);
        JsonNode properties = properties("cxone-webhook-events");
        assertThat(properties.path("event_type").path("type").asText()).isEqualTo("keyword");
        assertThat(properties.path("contact_id").path("type").asText()).isEqualTo("long");
        assertThat(properties.path("occurred_at").path("type").asText()).isEqualTo("date");
        assertThat(ElasticsearchQueries.ids(
                        "cxone-webhook-events", "{\"exists\":{\"field\":\"kafka_headers.cxone.job.id\"}}"))
                .as("webhook events carry no export headers")
                .isEmpty();

        await().atMost(Duration.ofSeconds(60)).until(() -> count("cxone-export-records") == 1);
        assertThat(ElasticsearchQueries.fieldType("cxone-export-records", "kafka_headers.cxone.chunk.sha256"))
                .isEqualTo("keyword");
        assertThat(ElasticsearchQueries.fieldType("cxone-export-records", "kafka_headers.cxone.chunk.offset"))
                .isEqualTo("keyword");
        List<String> found = ElasticsearchQueries.ids(
                "cxone-export-records", "{\"term\":{\"kafka_headers.cxone.chunk.sha256\":\"" + sha + "\"}}");
        assertThat(found).hasSize(1);
        assertThat(ElasticsearchQueries.source("cxone-export-records", found.get(0)))
                .isEqualTo(new ObjectMapper()
                        .readTree("{\"id\":\"row-1\",\"handled\":7,\"kafka_headers\":{\"cxone.job.id\":\"job-42\","
                                + "\"cxone.chunk.sha256\":\"" + sha + "\",\"cxone.chunk.offset\":\"500\","
                                + "\"cxone.chunk.size\":\"250\",\"cxone.schema.fingerprint\":\"fp-1\"}}"));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "still running");
        connect.deleteConnector(name);
    }
}
