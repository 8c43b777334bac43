package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.count;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.source;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.committedOffset;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.deploy;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.freshTopic;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.json;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.sinkConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxone.kafka.testkit.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Elasticsearch failing under the sink: unreachable for 30 s mid-stream, and answering 429 to bulk calls. The task
 * must stay RUNNING, lose nothing, duplicate nothing, and commit offsets only for acknowledged documents.
 */
class ElasticsearchOutageIT {

    private static EmbeddedConnectCluster connect;
    private FaultyElasticsearchProxy proxy;

    @BeforeAll
    static void start() {
        connect = SinkTestSupport.startAll();
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = new FaultyElasticsearchProxy(TestServices.elasticsearch().httpPort());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    private void produce(String topic, int from, int to) {
        for (int i = from; i < to; i++) {
            connect.kafka()
                    .produce(topic, "k" + i, json(topic, ElasticsearchSinkIT.EVENT, ElasticsearchSinkIT.event(i)));
        }
    }

    private void assertTaskRunning(String name) {
        ConnectorStateInfo status = connect.connectorStatus(name);
        assertThat(status.connector().state()).isEqualTo("RUNNING");
        assertThat(status.tasks()).hasSize(1);
        assertThat(status.tasks().get(0).state())
                .as("task state, trace: %s", status.tasks().get(0).trace())
                .isEqualTo("RUNNING");
    }

    @Test
    void elasticsearchUnreachableFor30SecondsLosesNothing() throws Exception {
        String topic = "it-outage";
        String name = "es-it-outage";
        freshTopic(connect, topic);
        Map<String, String> config = sinkConfig(topic, proxy.url());
        config.put("batch.size", "100");
        config.put("read.timeout.ms", "5000");
        config.put("retry.backoff.max.ms", "2000");
        config.put("max.buffered.records", "500");
        deploy(connect, name, config);

        produce(topic, 0, 300);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(topic) == 300);

        proxy.down();
        Instant downSince = Instant.now();
        produce(topic, 300, 1300);
        // While Elasticsearch is away: the task keeps retrying, stays RUNNING and commits nothing past what was
        // acknowledged.
        await().pollDelay(Duration.ofSeconds(30))
                .atMost(Duration.ofSeconds(45))
                .untilAsserted(() -> assertTaskRunning(name));
        assertThat(committedOffset(connect, name, topic)).isLessThanOrEqualTo(300);
        assertThat(Duration.between(downSince, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        proxy.up();

        await().atMost(Duration.ofSeconds(90)).until(() -> count(topic) == 1300);
        await().atMost(Duration.ofSeconds(30)).until(() -> committedOffset(connect, name, topic) == 1300);
        assertThat(count(topic)).isEqualTo(1300);
        assertTaskRunning(name);
        connect.deleteConnector(name);
    }

    @Test
    void injected429sAreRetriedAndTheTaskStaysRunning() throws Exception {
        String topic = "it-throttled";
        String name = "es-it-throttled";
        freshTopic(connect, topic);
        proxy.rejectEveryNthBulk(2);
        Map<String, String> config = sinkConfig(topic, proxy.url());
        config.put("batch.size", "50");
        config.put("max.in.flight.requests", "2");
        deploy(connect, name, config);

        produce(topic, 0, 1000);

        await().atMost(Duration.ofSeconds(90)).until(() -> count(topic) == 1000);
        await().atMost(Duration.ofSeconds(30)).until(() -> committedOffset(connect, name, topic) == 1000);
        assertThat(proxy.rejectedBulks()).as("429s answered").isGreaterThanOrEqualTo(5);
        assertThat(count(topic)).isEqualTo(1000);
        assertTaskRunning(name);
        connect.deleteConnector(name);
    }

    @Test
    void itemsRejectedWith429InsideASuccessfulBulkAreRetriedUntilAllArePresent() throws Exception {
        String topic = "it-item-429";
        String name = "es-it-item-429";
        freshTopic(connect, topic);
        proxy.rejectEveryNthBulkItem(7);
        Map<String, String> config = sinkConfig(topic, proxy.url());
        config.put("batch.size", "50");
        deploy(connect, name, config);

        produce(topic, 0, 500);

        await().atMost(Duration.ofSeconds(90)).until(() -> committedOffset(connect, name, topic) == 500);
        assertThat(proxy.rejectedItems())
                .as("items answered 429 in bulk responses of status 200")
                .isGreaterThanOrEqualTo(70);
        assertThat(count(topic)).isEqualTo(500);
        assertTaskRunning(name);
        connect.deleteConnector(name);
    }

    /**
     * Five keys, 60 partial updates each, interleaved; every third bulk item is answered 429 and retried later, and
     * five small bulks are in flight at once. Each update sets {@code seq} and one of four slots, so the final
     * document shows whether any older update was applied after a newer one.
     */
    @Test
    void upsertsOfOneDocumentApplyInRecordOrderThroughConcurrentBulksAndRetries() throws Exception {
        writesOfOneDocumentApplyInRecordOrder("upsert");
    }

    @Test
    void indexWritesOfOneDocumentApplyInRecordOrderThroughConcurrentBulksAndRetries() throws Exception {
        writesOfOneDocumentApplyInRecordOrder("insert");
    }

    private void writesOfOneDocumentApplyInRecordOrder(String writeMethod) throws Exception {
        String topic = "it-order-" + writeMethod;
        String name = "es-it-order-" + writeMethod;
        freshTopic(connect, topic);
        proxy.rejectEveryNthBulkItem(3);
        Map<String, String> config = sinkConfig(topic, proxy.url());
        config.put("value.converter.schemas.enable", "false");
        config.put("key.ignore", "false");
        config.put("write.method", writeMethod);
        config.put("batch.size", "5");
        config.put("max.in.flight.requests", "5");
        config.put("linger.ms", "1");
        config.put("retry.backoff.ms", "20");
        config.put("retry.backoff.max.ms", "200");
        deploy(connect, name, config);

        int keys = 5;
        int updates = 60;
        ObjectMapper mapper = new ObjectMapper();
        Map<String, ObjectNode> expected = new HashMap<>();
        for (int i = 0; i < keys * updates; i++) {
            String key = "contact-" + (i % keys);
            ObjectNode update = mapper.createObjectNode().put("seq", i).put("slot" + (i / keys) % 4, i);
            connect.kafka().produce(topic, key, update.toString());
            // upsert merges each partial document into the stored one; insert replaces it.
            ObjectNode state = writeMethod.equals("upsert")
                    ? expected.computeIfAbsent(key, k -> mapper.createObjectNode())
                    : mapper.createObjectNode();
            state.setAll(update);
            expected.put(key, state);
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> committedOffset(connect, name, topic) == keys * updates);
        assertThat(proxy.rejectedItems())
                .as("items answered 429, so retries happened")
                .isGreaterThanOrEqualTo(50);
        for (Map.Entry<String, ObjectNode> entry : expected.entrySet()) {
            assertThat(source(topic, entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
        }
        assertTaskRunning(name);
        connect.deleteConnector(name);
    }
}
