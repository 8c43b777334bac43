package io.cxone.kafka.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.utils.converter.AvroConverter;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.testkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * connectors/cxone-reporting-source.json and connectors/elasticsearch-sink-reporting.json as ./stack deploys them (only
 * service URLs, credentials and timings point at the test services): completed contacts reach Elasticsearch, one
 * document per contact id, and a contact changed after completion ends as its newest version.
 */
class ShippedReportingPipelineIT {

    private static final String TOPIC = "cxone.reporting.contacts.completed";
    private static final String INDEX = "cxone-reporting-contacts-completed";
    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void start() {
        TestServices.startRegistry();
        connect = SinkTestSupport.startAll();
    }

    @Test
    void completedContactsAreSearchableOnePerContactWithTheirNewestVersion() throws Exception {
        // 200 contacts completed before the start, then one each 40 ms; half change once within 2 s of completion
        try (CxoneSimulator simulator = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .reporting(200, Duration.ofMillis(40), 0.5, Duration.ofSeconds(2), Duration.ZERO)
                .build())) {
            Map<String, String> source = shipped("cxone-reporting-source.json");
            source.put("cxone.base.url", simulator.baseUrl());
            source.put("cxone.client.secret", simulator.options().clientSecret());
            source.put("cxone.access.key.secret", simulator.options().accessKeySecret());
            source.put("cxone.entities", "contacts/completed");
            source.put("export.interval.ms", "500");
            source.put("reporting.overlap.ms", "3000");
            source.put(
                    "value.converter.apicurio.registry.url",
                    TestServices.registry().apicurioApiUrl());
            Map<String, String> sink = shipped("elasticsearch-sink-reporting.json");
            sink.put("connection.url", TestServices.elasticsearch().url());
            sink.put(
                    "value.converter.apicurio.registry.url",
                    TestServices.registry().apicurioApiUrl());
            ElasticsearchQueries.deleteIndices(INDEX);

            connect.configureConnector("cxone-reporting-source", source);
            connect.configureConnector("elasticsearch-sink-reporting", sink);
            connect.assertions()
                    .assertConnectorAndExactlyNumTasksAreRunning("elasticsearch-sink-reporting", 1, "sink running");
            // several passes: contacts complete and change meanwhile
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> newestVersions().values().stream()
                                    .filter(v -> v.versions > 1)
                                    .count()
                            >= 5);
            // stopped (not deleted, which returns before the task has finished): no transaction commits after this
            connect.stopConnector("cxone-reporting-source");
            connect.assertions().assertConnectorIsStopped("cxone-reporting-source", "source stopped");

            AtomicReference<Map<String, Newest>> topic = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        topic.set(newestVersions());
                        assertThat(ElasticsearchQueries.count(INDEX))
                                .as("documents in %s, one per contact id in %s", INDEX, TOPIC)
                                .isEqualTo(topic.get().size());
                    });
            Map<String, Newest> newest = topic.get();
            long changed = 0;
            for (Map.Entry<String, Newest> e : newest.entrySet()) {
                JsonNode document = ElasticsearchQueries.source(INDEX, e.getKey());
                assertThat(document.path("contactId").asText()).isEqualTo(e.getKey());
                assertThat(instantMs(document.path("lastUpdateTime")))
                        .as("contact %s ends as its newest version", e.getKey())
                        .isEqualTo(e.getValue().lastUpdateMs);
                changed += e.getValue().versions > 1 ? 1 : 0;
            }
            assertThat(changed).isGreaterThanOrEqualTo(5);
            assertThat(ElasticsearchQueries.properties(INDEX)
                            .path("lastUpdateTime")
                            .path("type")
                            .asText())
                    .isEqualTo("date");
            connect.deleteConnector("elasticsearch-sink-reporting");
            connect.deleteConnector("cxone-reporting-source");
        }
    }

    private record Newest(long lastUpdateMs, int versions) {}

    /** Per contact id in the topic (read_committed): its newest lastUpdateTime and how many versions were written. */
    private static Map<String, Newest> newestVersions() throws Exception {
        AvroConverter converter = SinkTestSupport.valueConverter(TestServices.avroConverter("value.converter"));
        Map<String, Newest> newest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : connect.kafka()
                .consumeAll(
                        Duration.ofSeconds(30).toMillis(), Map.of("isolation.level", "read_committed"), null, TOPIC)) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            Struct value =
                    (Struct) converter.toConnectData(TOPIC, record.value()).value();
            long updated = ((Date) value.get("lastUpdateTime")).getTime();
            newest.merge(
                    key,
                    new Newest(updated, 1),
                    (a, b) -> new Newest(Math.max(a.lastUpdateMs, b.lastUpdateMs), a.versions + b.versions));
        }
        return newest;
    }

    private static long instantMs(JsonNode value) {
        return value.isNumber()
                ? value.asLong()
                : java.time.Instant.parse(value.asText()).toEpochMilli();
    }

    private static Map<String, String> shipped(String file) throws Exception {
        Path root = TestServices.checkoutRoot().orElseThrow();
        JsonNode spec = new ObjectMapper()
                .readTree(root.resolve("connectors").resolve(file).toFile());
        Map<String, String> config = new HashMap<>();
        spec.path("config")
                .fields()
                .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }
}
