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
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * connectors/elasticsearch-sink.json as ./stack deploys it (only the service URLs point at the test services):
 * RUNNING before its topics exist, then Avro records through the registry land in the mapped indices.
 */
class DeployedConnectorIT {

    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void start() {
        TestServices.startRegistry();
        connect = SinkTestSupport.startAll();
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

        await().atMost(Duration.ofSeconds(60)).until(() -> count("cxone-webhook-events") == 3);
        JsonNode properties = properties("cxone-webhook-events");
        assertThat(properties.path("event_type").path("type").asText()).isEqualTo("keyword");
        assertThat(properties.path("contact_id").path("type").asText()).isEqualTo("long");
        assertThat(properties.path("occurred_at").path("type").asText()).isEqualTo("date");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "still running");
        connect.deleteConnector(name);
    }
}
