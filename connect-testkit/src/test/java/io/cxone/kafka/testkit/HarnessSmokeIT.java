package io.cxone.kafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.stack.HttpProbe;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The harness end to end: Avro through the real registry in the Confluent wire format, and a real Elasticsearch. */
class HarnessSmokeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void startServicesInParallel() {
        TestServices.startElasticsearch();
        TestServices.startRegistry();
        TestServices.connect();
    }

    @Test
    void connectorWritesAvroInConfluentWireFormatResolvableThroughCcompat() throws Exception {
        EmbeddedConnectCluster connect = TestServices.connect();
        String topic = "smoke-avro";
        int count = 25;
        connect.kafka().createTopic(topic, 1);

        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, SmokeAvroSourceConnector.class.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put("topic", topic);
        config.put("count", Integer.toString(count));
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.storage.StringConverter");
        config.putAll(TestServices.avroConverter(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG));
        connect.configureConnector("smoke-avro", config);

        ConsumerRecords<byte[], byte[]> records =
                connect.kafka().consume(count, Duration.ofSeconds(60).toMillis(), topic);
        assertThat(records.count()).isEqualTo(count);

        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ByteBuffer bytes = ByteBuffer.wrap(record.value());
            assertThat(bytes.get()).as("magic byte").isEqualTo((byte) 0);
            int schemaId = bytes.getInt();

            var response = HttpProbe.get(TestServices.registry().ccompatUrl() + "/schemas/ids/" + schemaId);
            assertThat(response.statusCode())
                    .as("GET /schemas/ids/%d", schemaId)
                    .isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());
            org.apache.avro.Schema schema =
                    new org.apache.avro.Schema.Parser().parse(body.get("schema").asText());
            assertThat(schema.getFullName()).isEqualTo("io.cxone.kafka.smoke.SmokeEvent");

            byte[] payload = new byte[bytes.remaining()];
            bytes.get(payload);
            GenericRecord value = new GenericDatumReader<GenericRecord>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(payload, null));
            assertThat(value.get("id").toString()).isEqualTo(new String(record.key()));
            ids.add(value.get("id").toString());
        }
        assertThat(ids).hasSize(count).contains("event-0", "event-" + (count - 1));
        connect.deleteConnector("smoke-avro");
    }

    @Test
    void documentIsIndexedAndFoundInElasticsearch() throws Exception {
        ElasticsearchClient es = TestServices.elasticsearchClient();
        String index = "smoke-docs";
        Map<String, Object> doc = Map.of("event_id", "evt-42", "action_type", "EXPORT_STARTED");

        es.index(i -> i.index(index)
                .id("evt-42")
                .document(doc)
                .refresh(co.elastic.clients.elasticsearch._types.Refresh.True));

        SearchResponse<Map> found = es.search(
                s -> s.index(index)
                        .query(q -> q.term(t -> t.field("event_id.keyword").value("evt-42"))),
                Map.class);
        assertThat(found.hits().hits()).hasSize(1);
        assertThat(found.hits().hits().get(0).source()).containsEntry("action_type", "EXPORT_STARTED");
    }
}
