package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.count;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.properties;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.source;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.committedOffset;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.deploy;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.freshTopic;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.json;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.sinkConfig;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.taskMetric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.testkit.TestServices;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sink on a real Kafka Connect worker and a real Elasticsearch 8.19: what ends up in the index. */
class ElasticsearchSinkIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    static final Schema AGENT = SchemaBuilder.struct()
            .name("io.cxone.Agent")
            .field("id", Schema.INT64_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    static final Schema EVENT = SchemaBuilder.struct()
            .name("io.cxone.Event")
            .field("event_id", Schema.STRING_SCHEMA)
            .field("count", Schema.INT32_SCHEMA)
            .field("duration", Schema.INT64_SCHEMA)
            .field("score", Schema.FLOAT64_SCHEMA)
            .field("active", Schema.BOOLEAN_SCHEMA)
            .field("at", Timestamp.SCHEMA)
            .field("day", Date.SCHEMA)
            .field("amount", Decimal.schema(2))
            .field(
                    "labels",
                    SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA)
                            .build())
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("agent", AGENT)
            .build();

    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void start() {
        connect = SinkTestSupport.startAll();
    }

    static Struct event(int i) {
        return new Struct(EVENT)
                .put("event_id", "evt-" + i)
                .put("count", i)
                .put("duration", 1000L * i)
                .put("score", i / 4.0)
                .put("active", i % 2 == 0)
                .put("at", new java.util.Date(1_795_000_000_000L + i))
                .put("day", new java.util.Date(1_794_960_000_000L))
                .put("amount", new BigDecimal("19.99"))
                .put("labels", Map.of("queue", "sales"))
                .put("tags", List.of("a", "b"))
                .put("agent", new Struct(AGENT).put("id", 7L).put("name", "Ann"));
    }

    @Test
    void documentsAreIndexedWithMappingTypesFromTheSchemaAndReplaysDoNotDuplicate() throws Exception {
        String topic = "it-mapping";
        String name = "es-it-mapping";
        ElasticsearchQueries.deleteIndices("it-mapping-events");
        connect.kafka().createTopic(topic, 1);
        for (int i = 0; i < 40; i++) {
            connect.kafka().produce(topic, "k" + i, json(topic, EVENT, event(i)));
        }
        Map<String, String> config =
                sinkConfig(topic, TestServices.elasticsearch().url());
        config.put("topic.index.map", topic + ":it-mapping-events");
        config.put("mapping.string.text.subfield", "true");
        deploy(connect, name, config);

        await().atMost(WAIT).until(() -> count("it-mapping-events") == 40);

        JsonNode properties = properties("it-mapping-events");
        assertThat(properties.path("event_id").path("type").asText()).isEqualTo("keyword");
        assertThat(properties
                        .path("event_id")
                        .path("fields")
                        .path("text")
                        .path("type")
                        .asText())
                .isEqualTo("text");
        assertThat(properties.path("count").path("type").asText()).isEqualTo("integer");
        assertThat(properties.path("duration").path("type").asText()).isEqualTo("long");
        assertThat(properties.path("score").path("type").asText()).isEqualTo("double");
        assertThat(properties.path("active").path("type").asText()).isEqualTo("boolean");
        assertThat(properties.path("at").path("type").asText()).isEqualTo("date");
        assertThat(properties.path("day").path("type").asText()).isEqualTo("date");
        // scaled_float needs the mapper-extras module, which the local integ-test distribution lacks: keyword fallback.
        assertThat(properties.path("amount").path("type").asText()).isEqualTo("keyword");
        assertThat(properties.path("labels").path("type").asText()).isEqualTo("flattened");
        assertThat(properties.path("tags").path("type").asText()).isEqualTo("keyword");
        assertThat(properties
                        .path("agent")
                        .path("properties")
                        .path("id")
                        .path("type")
                        .asText())
                .isEqualTo("long");

        JsonNode doc = source("it-mapping-events", topic + "+0+3");
        assertThat(doc.path("event_id").asText()).isEqualTo("evt-3");
        assertThat(doc.path("at").asText()).isEqualTo("2026-11-18T11:06:40.003Z");
        assertThat(doc.path("amount").decimalValue()).isEqualByComparingTo("19.99");
        assertThat(doc.path("agent").path("name").asText()).isEqualTo("Ann");

        // Replay everything from offset 0: ids are topic+partition+offset, so the count must not grow.
        await().atMost(WAIT).until(() -> committedOffset(connect, name, topic) == 40);
        // The task's plugin metrics reach the worker's JMX: every acknowledged document counted, once.
        await().atMost(WAIT).until(() -> taskMetric(name, "documents-written-total") >= 40);
        assertThat(taskMetric(name, "documents-written-total")).isEqualTo(40.0);
        assertThat(taskMetric(name, "bulk-requests-total")).isPositive();
        assertThat(taskMetric(name, "bulk-requests-failed-total")).isZero();
        assertThat(taskMetric(name, "buffered-records")).isZero();
        connect.stopConnector(name);
        connect.assertions().assertConnectorIsStopped(name, "stopped");
        connect.resetConnectorOffsets(name);
        connect.resumeConnector(name);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "sink running again");
        for (int i = 40; i < 50; i++) {
            connect.kafka().produce(topic, "k" + i, json(topic, EVENT, event(i)));
        }
        await().atMost(WAIT).until(() -> committedOffset(connect, name, topic) == 50);
        assertThat(count("it-mapping-events")).isEqualTo(50);
        connect.deleteConnector(name);
    }

    @Test
    void nullValueDeletesTheDocumentOfItsKey() throws Exception {
        String topic = "it-deletes";
        String name = "es-it-deletes";
        freshTopic(connect, topic);
        Map<String, String> config =
                sinkConfig(topic, TestServices.elasticsearch().url());
        config.put("key.ignore", "false");
        config.put("behavior.on.null.values", "delete");
        deploy(connect, name, config);

        connect.kafka().produce(topic, "contact-1", json(topic, EVENT, event(1)));
        connect.kafka().produce(topic, "contact-2", json(topic, EVENT, event(2)));
        await().atMost(WAIT).until(() -> count(topic) == 2);
        connect.kafka().produce(topic, "contact-1", null);
        connect.kafka().produce(topic, "contact-3", null); // deleting a missing document is fine

        await().atMost(WAIT).until(() -> committedOffset(connect, name, topic) == 4);
        assertThat(count(topic)).isEqualTo(1);
        assertThat(source(topic, "contact-2").path("event_id").asText()).isEqualTo("evt-2");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "still running");
        connect.deleteConnector(name);
    }

    @Test
    void malformedDocumentsGoToTheDeadLetterQueueAndTheRestIsIndexed() throws Exception {
        String topic = "it-malformed";
        String name = "es-it-malformed";
        String dlq = "it-malformed-dlq";
        freshTopic(connect, topic);
        ElasticsearchQueries.call(
                "PUT",
                "/" + topic,
                "{\"mappings\":{\"dynamic\":\"strict\",\"properties\":{\"id\":{\"type\":\"keyword\"},\"count\":{\"type\":\"integer\"}}}}");
        Map<String, String> config =
                sinkConfig(topic, TestServices.elasticsearch().url());
        config.put("value.converter.schemas.enable", "false");
        config.put("schema.ignore", "true");
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", dlq);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        deploy(connect, name, config);

        connect.kafka().produce(topic, "a", "{\"id\":\"a\",\"count\":1}");
        connect.kafka().produce(topic, "b", "{\"id\":\"b\",\"count\":\"not a number\"}");
        connect.kafka().produce(topic, "c", "{\"id\":\"c\",\"count\":3,\"unexpected\":true}");
        connect.kafka().produce(topic, "d", "{\"id\":\"d\",\"count\":4}");

        ConsumerRecords<byte[], byte[]> dead = connect.kafka().consume(2, WAIT.toMillis(), dlq);
        assertThat(dead.count()).isEqualTo(2);
        StringBuilder values = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            values.append(new String(record.value(), StandardCharsets.UTF_8));
        }
        assertThat(values.toString()).contains("not a number").contains("unexpected");
        await().atMost(WAIT).until(() -> committedOffset(connect, name, topic) == 4);
        assertThat(count(topic)).isEqualTo(2);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "still running");
        connect.deleteConnector(name);
    }

    @Test
    void malformedDocumentFailsTheTaskWhenToldToAndItsOffsetIsNotCommitted() throws Exception {
        String topic = "it-malformed-fail";
        String name = "es-it-malformed-fail";
        freshTopic(connect, topic);
        ElasticsearchQueries.call(
                "PUT", "/" + topic, "{\"mappings\":{\"properties\":{\"count\":{\"type\":\"integer\"}}}}");
        Map<String, String> config =
                sinkConfig(topic, TestServices.elasticsearch().url());
        config.put("value.converter.schemas.enable", "false");
        config.put("schema.ignore", "true");
        config.put("behavior.on.malformed.documents", "fail");
        deploy(connect, name, config);

        connect.kafka().produce(topic, "a", "{\"count\":1}");
        connect.kafka().produce(topic, "b", "{\"count\":\"x\"}");

        connect.assertions()
                .assertConnectorIsRunningAndTasksHaveFailed(name, 1, "task failed on the malformed document");
        assertThat(connect.connectorStatus(name).tasks().get(0).trace())
                .contains("behavior.on.malformed.documents=fail");
        assertThat(committedOffset(connect, name, topic)).isLessThanOrEqualTo(1);
        connect.deleteConnector(name);
    }

    @Test
    void upsertMergesPartialDocumentsIntoTheDocumentOfTheirKey() throws Exception {
        String topic = "it-upsert";
        String name = "es-it-upsert";
        freshTopic(connect, topic);
        Map<String, String> config =
                sinkConfig(topic, TestServices.elasticsearch().url());
        config.put("value.converter.schemas.enable", "false");
        config.put("key.ignore", "false");
        config.put("write.method", "upsert");
        deploy(connect, name, config);

        connect.kafka()
                .produce(
                        topic,
                        "contact-1",
                        "{\"status\":\"open\",\"agent\":{\"id\":7,\"name\":\"Ann\"},\"skill\":\"sales\"}");
        connect.kafka().produce(topic, "contact-2", "{\"status\":\"open\"}");
        connect.kafka()
                .produce(
                        topic,
                        "contact-1",
                        "{\"status\":\"closed\",\"agent\":{\"team\":\"north\"},\"wrap_up\":\"done\"}");

        await().atMost(WAIT).until(() -> committedOffset(connect, name, topic) == 3);
        assertThat(count(topic)).isEqualTo(2);
        // Field order is the converter's (a schemaless map); JSON trees compare without it.
        ObjectMapper mapper = new ObjectMapper();
        assertThat(source(topic, "contact-1"))
                .isEqualTo(
                        mapper.readTree(
                                "{\"status\":\"closed\",\"agent\":{\"id\":7,\"name\":\"Ann\",\"team\":\"north\"},\"skill\":\"sales\",\"wrap_up\":\"done\"}"));
        assertThat(source(topic, "contact-2")).isEqualTo(mapper.readTree("{\"status\":\"open\"}"));
        connect.deleteConnector(name);
    }
}
