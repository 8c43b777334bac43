package io.cxone.kafka.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.testkit.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped export source (records API) and Elasticsearch sink JSON against the simulator, real Kafka, registry and
 * Elasticsearch: after a full export every window agrees; a document deleted from Elasticsearch, then a record deleted
 * from Kafka, each make the command exit 1 naming the window and the id.
 */
class ReconcileIT {

    private static final String TOPIC = "cxone.export.records";
    private static final String INDEX = "cxone-export-records";
    private static final List<String> REPORTS = List.of("agent-performance", "contact-history");

    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void start() {
        TestServices.startRegistry();
        TestServices.startElasticsearch();
        connect = TestServices.connect();
    }

    @Test
    void fullExportAgreesAndADeletedDocumentOrRecordIsNamed() throws Exception {
        try (CxoneSimulator simulator = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .rowCount(250)
                .throttleInterval(Duration.ZERO)
                .jobRunningTime(Duration.ZERO)
                .build())) {
            Map<String, String> source = ReconcileRun.shipped("cxone-export-source.json");
            source.put("cxone.base.url", simulator.baseUrl());
            source.put("cxone.client.secret", simulator.options().clientSecret());
            source.put(
                    "value.converter.apicurio.registry.url",
                    TestServices.registry().apicurioApiUrl());
            source.put("chunk.size", "100"); // 250 rows: chunks of 100, 100 and 50, the manifest with the last
            Map<String, String> sink = ReconcileRun.shipped("elasticsearch-sink.json");
            sink.put("connection.url", TestServices.elasticsearch().url());
            sink.put(
                    "value.converter.apicurio.registry.url",
                    TestServices.registry().apicurioApiUrl());
            connect.configureConnector("cxone-export-source", source);
            connect.configureConnector("elasticsearch-sink", sink);

            // Both reports exported and indexed: one window each, all agreeing.
            AtomicReference<ReconcileRun> last = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        last.set(ReconcileRun.against(ReconcileRun.shippedDir()));
                        assertThat(last.get().code()).as("%s", last.get()).isZero();
                        assertThat(last.get().out()).contains("2 window(s): 2 agree");
                    });
            String table = last.get().out();
            System.out.println("reconcile after the export:\n" + table);
            for (String report : REPORTS) {
                assertThat(table)
                        .containsPattern("records\\s+" + report + "\\s+\\S+\\s+250\\s+250\\s+250\\s+-\\s+ok\\s+ok");
            }
            JsonNode json =
                    ReconcileRun.against(ReconcileRun.shippedDir(), "--json").json();
            assertThat(json.path("ok").asBoolean()).isTrue();
            assertThat(json.path("windows")).hasSize(2);
            for (JsonNode window : json.path("windows")) {
                assertThat(window.path("chunks").asInt()).isEqualTo(3);
                assertThat(window.path("digest_kafka").asText())
                        .isEqualTo(window.path("digest_manifest").asText())
                        .isEqualTo(window.path("digest_elasticsearch").asText());
            }

            // A document deleted from Elasticsearch: exit 1, naming its window and id.
            JsonNode first = json.path("windows").get(0);
            String job = first.path("jobs").get(0).asText();
            String deleted = documentOf(job);
            TestServices.elasticsearchClient()
                    .delete(d -> d.index(INDEX).id(deleted).refresh(Refresh.True));
            ReconcileRun afterDelete = ReconcileRun.against(ReconcileRun.shippedDir());
            System.out.println("reconcile after deleting document " + deleted + ":\n" + afterDelete.out());
            assertThat(afterDelete.code()).as("%s", afterDelete).isEqualTo(1);
            assertThat(afterDelete.out())
                    .contains("MISMATCH " + first.path("key").asText())
                    .contains("Elasticsearch lacks 1 document(s) of the window: " + deleted)
                    .contains("2 window(s): 1 agree, 1 mismatch");
            ReconcileRun deletedRun = ReconcileRun.against(ReconcileRun.shippedDir(), "--json");
            System.out.println("reconcile --json after deleting document " + deleted + ":\n" + deletedRun.out());
            JsonNode deletedJson = deletedRun.json();
            assertThat(deletedJson.path("ok").asBoolean()).isFalse();
            assertThat(deletedJson
                            .path("windows")
                            .get(0)
                            .path("missing_in_elasticsearch")
                            .path("first"))
                    .extracting(JsonNode::asText)
                    .containsExactly(deleted);

            // The first record of the topic deleted from Kafka: exit 1, naming its window and id.
            connect.deleteConnector("cxone-export-source");
            String removed = TOPIC + "+0+0";
            JsonNode removedDocument = TestServices.elasticsearchClient()
                    .get(g -> g.index(INDEX).id(removed), JsonNode.class)
                    .source();
            assertThat(removedDocument)
                    .as("document of the topic's first record")
                    .isNotNull();
            String removedJob =
                    removedDocument.path("kafka_headers").path("cxone.job.id").asText();
            try (Admin admin = Admin.create(
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrapServers()))) {
                admin.deleteRecords(Map.of(new TopicPartition(TOPIC, 0), RecordsToDelete.beforeOffset(1)))
                        .all()
                        .get();
            }
            JsonNode removedWindow = null;
            for (JsonNode window : json.path("windows")) {
                if (window.path("jobs").get(0).asText().equals(removedJob)) {
                    removedWindow = window;
                }
            }
            assertThat(removedWindow).as("window of job %s", removedJob).isNotNull();
            ReconcileRun afterTruncate = ReconcileRun.against(ReconcileRun.shippedDir());
            System.out.println("reconcile after deleting record " + removed + ":\n" + afterTruncate.out());
            assertThat(afterTruncate.code()).as("%s", afterTruncate).isEqualTo(1);
            assertThat(afterTruncate.out())
                    .contains("MISMATCH " + removedWindow.path("key").asText())
                    .contains("Kafka holds 249 records of the window, the manifest says 250 rows")
                    .contains("Elasticsearch holds 1 document(s) of the window whose record Kafka does not hold: "
                            + removed);
            connect.deleteConnector("elasticsearch-sink");
        }
    }

    @Test
    void reportingWindowsAgreeWithLaterVersionsCountedAsSuperseded() throws Exception {
        String manifests = "cxone.reporting.manifests.reconcile-it";
        try (CxoneSimulator simulator = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                // 200 contacts completed before the start, then one each 40 ms; half change once within 2 s
                .reporting(200, Duration.ofMillis(40), 0.5, Duration.ofSeconds(2), Duration.ZERO)
                .build())) {
            Map<String, String> source = ReconcileRun.shipped("cxone-reporting-source.json");
            source.put("cxone.base.url", simulator.baseUrl());
            source.put("cxone.client.secret", simulator.options().clientSecret());
            source.put("cxone.access.key.secret", simulator.options().accessKeySecret());
            source.put("cxone.entities", "contacts/completed");
            source.put("export.interval.ms", "500");
            source.put("reporting.overlap.ms", "3000");
            source.put("manifest.topic", manifests);
            source.put(
                    "value.converter.apicurio.registry.url",
                    TestServices.registry().apicurioApiUrl());
            Map<String, String> sink = ReconcileRun.shipped("elasticsearch-sink-reporting.json");
            sink.put("connection.url", TestServices.elasticsearch().url());
            sink.put(
                    "value.converter.apicurio.registry.url",
                    TestServices.registry().apicurioApiUrl());
            connect.configureConnector("cxone-reporting-source", source);
            connect.configureConnector("elasticsearch-sink-reporting", sink);

            // several passes, until a later pass wrote a newer version of a contact an earlier one wrote
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        JsonNode json = ReconcileRun.against(
                                        ReconcileRun.shippedDir(), "--manifest-topic", manifests, "--json")
                                .json();
                        long superseded = 0;
                        for (JsonNode window : json.path("windows")) {
                            superseded += window.path("superseded").asLong();
                        }
                        return json.path("windows").size() >= 2 && superseded > 0;
                    });
            connect.deleteConnector("cxone-reporting-source");

            AtomicReference<ReconcileRun> last = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        last.set(ReconcileRun.against(ReconcileRun.shippedDir(), "--manifest-topic", manifests));
                        assertThat(last.get().code()).as("%s", last.get()).isZero();
                    });
            System.out.println(
                    "reconcile of the reporting windows:\n" + last.get().out());
            assertThat(last.get().out())
                    .contains("reporting  contacts/completed")
                    .contains("Note: cxone-reporting-contacts-completed: " + ReportWriter.KEY_IDS_NOTE)
                    .contains("All agree.");

            // the document of a contact whose newest version is in the first window, deleted
            JsonNode json = ReconcileRun.against(ReconcileRun.shippedDir(), "--manifest-topic", manifests, "--json")
                    .json();
            JsonNode window = null;
            for (JsonNode w : json.path("windows")) {
                if (window == null && w.path("es_documents").asLong() > 0) {
                    window = w;
                }
            }
            assertThat(window).isNotNull();
            assertThat(window.path("documents").asText()).isEqualTo("one per key");
            String deleted = documentOf(
                    "cxone-reporting-contacts-completed",
                    window.path("jobs").get(0).asText());
            TestServices.elasticsearchClient().delete(d -> d.index("cxone-reporting-contacts-completed")
                    .id(deleted)
                    .refresh(Refresh.True));
            ReconcileRun afterDelete = ReconcileRun.against(ReconcileRun.shippedDir(), "--manifest-topic", manifests);
            assertThat(afterDelete.code()).as("%s", afterDelete).isEqualTo(1);
            assertThat(afterDelete.out())
                    .contains("MISMATCH " + window.path("key").asText())
                    .contains("Elasticsearch lacks 1 document(s) of the window: " + deleted);
            connect.deleteConnector("elasticsearch-sink-reporting");
        }
    }

    private static String documentOf(String job) throws Exception {
        return documentOf(INDEX, job);
    }

    /** A document of the window, never the one of the topic's first record: the Kafka step removes that record. */
    private static String documentOf(String index, String job) throws Exception {
        List<Hit<Void>> hits = TestServices.elasticsearchClient()
                .search(
                        s -> s.index(index)
                                .size(1)
                                .query(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field("kafka_headers.cxone.job.id")
                                                .value(job)))
                                        .mustNot(m -> m.ids(i -> i.values(TOPIC + "+0+0"))))),
                        Void.class)
                .hits()
                .hits();
        assertThat(hits).isNotEmpty();
        return hits.get(0).id();
    }
}
