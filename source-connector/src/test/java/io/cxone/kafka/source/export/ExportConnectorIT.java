package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.data.FieldType;
import io.cxone.kafka.simulator.data.SchemaDrift;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.http.Endpoint;
import io.cxone.kafka.testkit.TestServices;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The export connector on a real Connect worker (exactly-once source support on) against the CXone simulator,
 * read back with a read_committed consumer: what a downstream user would see.
 */
class ExportConnectorIT {

    private static final AtomicInteger RUN = new AtomicInteger();
    private final EmbeddedConnectCluster connect = TestServices.connect();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private CxoneSimulator simulator(long rows) {
        CxoneSimulator sim = CxoneSimulator.start(
                SimulatorOptions.builder().port(0).rowCount(rows).build());
        cleanup.add(sim);
        return sim;
    }

    private Map<String, String> recordsConnector(CxoneSimulator sim, String topic, int chunkSize) {
        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, CxoneExportSourceConnector.class.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put(SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_CONFIG, "required");
        config.put(SourceConnectorConfig.TRANSACTION_BOUNDARY_CONFIG, "connector");
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.storage.StringConverter");
        config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        config.put(ExportSourceConfig.API_FLAVOUR, "records");
        config.put(ExportSourceConfig.BASE_URL, sim.baseUrl());
        config.put(ExportSourceConfig.CLIENT_ID, sim.options().clientId());
        config.put(ExportSourceConfig.CLIENT_SECRET, sim.options().clientSecret());
        config.put(ExportSourceConfig.REPORTS, "report-1");
        config.put(ExportSourceConfig.TOPIC, topic);
        config.put(ExportSourceConfig.KEY_FIELD, "id");
        config.put(ExportSourceConfig.CHUNK_SIZE, Integer.toString(chunkSize));
        config.put(ExportSourceConfig.EXPORT_INTERVAL_MS, "3600000");
        config.put(ExportSourceConfig.RETRY_BACKOFF_MS, "50");
        config.put(ExportSourceConfig.RETRY_BACKOFF_MAX_MS, "2000");
        return config;
    }

    /** Data Extraction of one entity, from {@code daysBack} days ago, windows exported as soon as they end. */
    private Map<String, String> extractionConnector(CxoneSimulator sim, String topic, int chunkSize, int daysBack) {
        Map<String, String> config = recordsConnector(sim, topic, chunkSize);
        config.remove(ExportSourceConfig.REPORTS);
        config.put(ExportSourceConfig.API_FLAVOUR, "data-extraction");
        config.put(ExportSourceConfig.ENTITIES, "recording-interaction-metadata");
        config.put(ExportSourceConfig.ACCESS_KEY_ID, sim.options().accessKeyId());
        config.put(ExportSourceConfig.ACCESS_KEY_SECRET, sim.options().accessKeySecret());
        config.put(
                ExportSourceConfig.START_DATE,
                java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                        .minusDays(daysBack)
                        .toString());
        config.put(ExportSourceConfig.LAG_MINUTES, "0");
        // the tenant's call spacing as this simulator enforces it
        config.put(
                ExportSourceConfig.EXTRACTION_CALL_INTERVAL_MS,
                Long.toString(sim.options().throttleInterval().toMillis()));
        return config;
    }

    private String uniqueName(String base) {
        return base + "-" + RUN.incrementAndGet();
    }

    /** Everything a read_committed consumer sees in the topic right now. */
    private List<ConsumerRecord<byte[], byte[]>> committed(String topic) {
        return CommittedRecords.read(topic);
    }

    /** The end of the log, or with {@code stable} the last stable offset (the first offset of an open transaction). */
    private static long logEndOffset(String topic, boolean stable) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", TestServices.kafkaBootstrapServers()))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return admin.listOffsets(
                            Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()),
                            new org.apache.kafka.clients.admin.ListOffsetsOptions(
                                    stable
                                            ? org.apache.kafka.common.IsolationLevel.READ_COMMITTED
                                            : org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED))
                    .partitionResult(tp)
                    .get()
                    .offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A plugin metric of the connector's task 0, read from JMX in this JVM (the embedded worker's). */
    private static double metric(String connector, String name) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName bean : jmx.queryNames(new ObjectName("kafka.connect:*"), null)) {
            if (!connector.equals(bean.getKeyProperty("connector")) || !"0".equals(bean.getKeyProperty("task"))) {
                continue;
            }
            for (javax.management.MBeanAttributeInfo attribute :
                    jmx.getMBeanInfo(bean).getAttributes()) {
                if (attribute.getName().equals(name)) {
                    return ((Number) jmx.getAttribute(bean, name)).doubleValue();
                }
            }
        }
        throw new AssertionError("no metric " + name + " for " + connector + " in JMX");
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Set<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> keys = new HashSet<>();
        records.forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        return keys;
    }

    @Test
    void fullExportLandsExactlyOnceInChunksWithChecksumHeaders() {
        CxoneSimulator sim = simulator(1200);
        String topic = uniqueName("export-full");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-full");
        connect.configureConnector(name, recordsConnector(sim, topic, 250));

        await().atMost(Duration.ofSeconds(90)).until(() -> committed(topic).size() >= 1200);
        List<ConsumerRecord<byte[], byte[]>> records = committed(topic);
        assertThat(records).hasSize(1200);
        assertThat(keys(records)).hasSize(1200);

        Map<String, List<ConsumerRecord<byte[], byte[]>>> byChunk = new HashMap<>();
        records.forEach(
                r -> byChunk.computeIfAbsent(header(r, ChunkPipeline.HEADER_CHUNK_OFFSET), k -> new ArrayList<>())
                        .add(r));
        assertThat(byChunk.keySet()).containsExactlyInAnyOrder("0", "250", "500", "750", "1000");
        byChunk.forEach((offset, chunk) -> {
            assertThat(chunk.stream()
                            .map(r -> header(r, ChunkPipeline.HEADER_CHUNK_SHA256))
                            .distinct())
                    .hasSize(1);
            assertThat(header(chunk.get(0), ChunkPipeline.HEADER_CHUNK_SIZE)).isEqualTo(Integer.toString(chunk.size()));
            // one partition: Kafka's order is the chunk's row order, which the row header states
            assertThat(chunk.stream().map(r -> header(r, ChunkPipeline.HEADER_CHUNK_ROW)))
                    .containsExactlyElementsOf(IntStream.range(0, chunk.size())
                            .mapToObj(Integer::toString)
                            .toList());
        });
        assertThat(header(records.get(0), ChunkPipeline.HEADER_JOB_ID)).isNotBlank();
        connect.deleteConnector(name);
    }

    @Test
    void restartsMidExportLoseNothingAndDuplicateNothing() {
        CxoneSimulator sim = simulator(1500);
        sim.arm(FaultSpec.delay(Endpoint.EXPORT_RECORDS, Duration.ofMillis(400), -1));
        String topic = uniqueName("export-restart");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-restart");
        connect.configureConnector(name, recordsConnector(sim, topic, 100));

        for (int restart = 0; restart < 3; restart++) {
            int before = committed(topic).size();
            await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() > before);
            connect.restartConnectorAndTasks(name, false, true, false);
        }
        sim.clearFaults();
        await().atMost(Duration.ofSeconds(90)).until(() -> committed(topic).size() >= 1500);
        // A duplicated chunk would arrive after the last one: the count must stay exact for a while.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> committed(topic).size() == 1500);
        List<ConsumerRecord<byte[], byte[]>> records = committed(topic);
        assertThat(keys(records)).hasSize(1500);
        assertThat(records).hasSize(1500);
        connect.deleteConnector(name);
    }

    @Test
    void driftWithPolicyFailStopsBeforeTheDriftedChunkAndSaysWhy() throws InterruptedException {
        CxoneSimulator sim = simulator(1000);
        sim.arm(FaultSpec.schemaDrift(new SchemaDrift(SchemaDrift.Change.ADD, "channel", FieldType.STRING, 400)));
        String topic = uniqueName("export-drift-fail");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-drift-fail");
        connect.configureConnector(name, recordsConnector(sim, topic, 200));

        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed(name, 1, "task should fail on drift");
        String trace = connect.connectorStatus(name).tasks().get(0).trace();
        assertThat(trace).contains("Schema drift").contains("added [channel]").contains("schema.drift.policy");
        assertThat(committed(topic)).hasSize(400);
        connect.deleteConnector(name);
    }

    @Test
    void driftWithPolicyRouteSendsTheDriftedChunksToTheDriftTopicWithAReason() {
        CxoneSimulator sim = simulator(600);
        sim.arm(FaultSpec.schemaDrift(
                new SchemaDrift(SchemaDrift.Change.RETYPE, "duration_ms", FieldType.STRING, 400)));
        String topic = uniqueName("export-drift-route");
        String driftTopic = topic + "-drift";
        connect.kafka().createTopic(topic, 1);
        connect.kafka().createTopic(driftTopic, 1);
        String name = uniqueName("export-drift-route");
        Map<String, String> config = recordsConnector(sim, topic, 200);
        config.put(ExportSourceConfig.SCHEMA_DRIFT_POLICY, "route");
        config.put(ExportSourceConfig.DRIFT_TOPIC, driftTopic);
        connect.configureConnector(name, config);

        await().atMost(Duration.ofSeconds(60)).until(() -> committed(driftTopic).size() >= 200);
        assertThat(committed(topic)).hasSize(400);
        List<ConsumerRecord<byte[], byte[]>> drifted = committed(driftTopic);
        assertThat(drifted).hasSize(200);
        assertThat(header(drifted.get(0), ChunkPipeline.HEADER_DRIFT_REASON))
                .contains("retyped [duration_ms LONG->STRING]");
        connect.deleteConnector(name);
    }

    @Test
    void tokenExpiryThrottlingAndServerErrorsAreRetriedToACompleteExport() throws Exception {
        // Enough rows that pages remain to be read after the token expiry below: the reader runs up to two verified
        // chunks ahead of what is committed, so with few rows it could finish before the expiry and never
        // re-authenticate.
        CxoneSimulator sim = simulator(2000);
        String topic = uniqueName("export-faults");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-faults");
        sim.arm(FaultSpec.rateLimit(Endpoint.EXPORT_RECORDS, 1, 2));
        sim.arm(FaultSpec.serverError(Endpoint.EXPORT_RECORDS, 503, 2));
        sim.arm(FaultSpec.malformedBody(Endpoint.EXPORT_RECORDS, 1));
        connect.configureConnector(name, recordsConnector(sim, topic, 100));
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= 300);
        sim.arm(FaultSpec.expireTokens());

        await().atMost(Duration.ofSeconds(90)).until(() -> committed(topic).size() >= 2000);
        assertThat(keys(committed(topic))).hasSize(2000);
        assertThat(sim.requests().count(Endpoint.EXPORT_RECORDS, 429)).isEqualTo(2);
        assertThat(sim.requests().count(Endpoint.EXPORT_RECORDS, 503)).isEqualTo(2);
        assertThat(sim.requests().count(Endpoint.TOKEN))
                .as("a new token after expiry")
                .isGreaterThanOrEqualTo(2);
        assertThat(metric(name, "retries-total"))
                .as("two 429s, two 503s, one malformed body")
                .isEqualTo(5);
        connect.assertions();
        assertThat(connect.connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
        connect.deleteConnector(name);
    }

    @Test
    void checksumMismatchOnResumeFailsTheTaskWithPolicyFail() throws InterruptedException {
        CxoneSimulator sim = simulator(1000);
        sim.arm(FaultSpec.delay(Endpoint.EXPORT_RECORDS, Duration.ofMillis(300), -1));
        String topic = uniqueName("export-mismatch");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-mismatch");
        connect.configureConnector(name, recordsConnector(sim, topic, 100));
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= 200);

        connect.stopConnector(name);
        connect.assertions().assertConnectorIsStopped(name, "connector should stop");
        int committedBefore = committed(topic).size();
        sim.clearFaults();
        sim.arm(FaultSpec.differentRows(Endpoint.EXPORT_RECORDS, -1));
        connect.resumeConnector(name);

        connect.assertions()
                .assertConnectorIsRunningAndTasksHaveFailed(name, 1, "task should fail on checksum mismatch");
        assertThat(connect.connectorStatus(name).tasks().get(0).trace())
                .contains("Checksum mismatch on resume")
                .contains("checksum.mismatch.policy=fail");
        assertThat(committed(topic)).hasSize(committedBefore);
        connect.deleteConnector(name);
    }

    @Test
    void jobsCxoneForgetsMidExportAndWhileStoppedAreReplacedWithoutLossOrDuplicates() throws InterruptedException {
        CxoneSimulator sim = simulator(1000);
        sim.arm(FaultSpec.delay(Endpoint.EXPORT_RECORDS, Duration.ofMillis(300), -1));
        String topic = uniqueName("export-forgotten-job");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-forgotten-job");
        connect.configureConnector(name, recordsConnector(sim, topic, 100));

        // 1. Mid-export: the running task's next page answers 404; it starts a new job and goes on.
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= 200);
        sim.arm(FaultSpec.forgetJobs());
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= 400);

        // 2. On resume: the job in the stored offset is gone (like a restarted simulator after ./stack down/up).
        connect.stopConnector(name);
        connect.assertions().assertConnectorIsStopped(name, "connector should stop");
        assertThat(committed(topic).size())
                .as("rows left to export after the resume")
                .isLessThan(1000);
        sim.arm(FaultSpec.forgetJobs());
        connect.resumeConnector(name);

        await().atMost(Duration.ofSeconds(90)).until(() -> committed(topic).size() >= 1000);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> committed(topic).size() == 1000);
        List<ConsumerRecord<byte[], byte[]>> records = committed(topic);
        assertThat(keys(records)).hasSize(1000);
        assertThat(records.stream()
                        .map(r -> header(r, ChunkPipeline.HEADER_JOB_ID))
                        .distinct())
                .as("the first job and two new ones")
                .hasSize(3);
        assertThat(sim.requests().count(Endpoint.EXPORT_RECORDS, 404)).isEqualTo(2);
        assertThat(connect.connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
        connect.deleteConnector(name);
    }

    /**
     * 400 rows, a string field "channel" added from row 200, chunks of 100, under {@code policy}: waits for all rows
     * and checks what warn and evolve share (the added field in rows 200-399, a different schema fingerprint).
     */
    private List<ConsumerRecord<byte[], byte[]>> exportWithFieldAddedAtRow200(String name, String policy) {
        CxoneSimulator sim = simulator(400);
        sim.arm(FaultSpec.schemaDrift(new SchemaDrift(SchemaDrift.Change.ADD, "channel", FieldType.STRING, 200)));
        String topic = name + "-topic";
        connect.kafka().createTopic(topic, 1);
        Map<String, String> config = recordsConnector(sim, topic, 100);
        config.put(ExportSourceConfig.SCHEMA_DRIFT_POLICY, policy);
        connect.configureConnector(name, config);

        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= 400);
        List<ConsumerRecord<byte[], byte[]>> records = committed(topic);
        assertThat(records).hasSize(400);
        assertThat(records.subList(0, 200))
                .noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"channel\""));
        assertThat(records.subList(200, 400))
                .allMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"channel\":\""));
        assertThat(header(records.get(399), ChunkPipeline.HEADER_SCHEMA_FINGERPRINT))
                .isNotEqualTo(header(records.get(0), ChunkPipeline.HEADER_SCHEMA_FINGERPRINT));
        assertThat(connect.connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
        return records;
    }

    @Test
    void driftWithPolicyEvolveKeepsWritingWithTheAddedField() {
        String name = uniqueName("export-drift-evolve");
        exportWithFieldAddedAtRow200(name, "evolve");
        connect.deleteConnector(name);
    }

    @Test
    void checksumMismatchWithPolicyRestartWindowExportsTheJobAgain() throws Exception {
        CxoneSimulator sim = simulator(500);
        sim.arm(FaultSpec.delay(Endpoint.EXPORT_RECORDS, Duration.ofMillis(300), -1));
        String topic = uniqueName("export-restart-window");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-restart-window");
        Map<String, String> config = recordsConnector(sim, topic, 100);
        config.put(ExportSourceConfig.CHECKSUM_MISMATCH_POLICY, "restart-window");
        connect.configureConnector(name, config);
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= 100);
        connect.stopConnector(name);
        connect.assertions().assertConnectorIsStopped(name, "connector should stop");
        int before = committed(topic).size();
        sim.clearFaults();
        sim.arm(FaultSpec.differentRows(Endpoint.EXPORT_RECORDS, 1));
        connect.resumeConnector(name);

        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= before + 500);
        List<ConsumerRecord<byte[], byte[]>> records = committed(topic);
        assertThat(records).hasSize(before + 500);
        assertThat(records.stream()
                        .map(r -> header(r, ChunkPipeline.HEADER_JOB_ID))
                        .distinct())
                .as("a second export job")
                .hasSize(2);
        assertThat(keys(records.subList(before, records.size()))).hasSize(500);
        assertThat(metric(name, "checksum-mismatches-total")).isEqualTo(1);
        connect.deleteConnector(name);
    }

    @Test
    void dataExtractionHonoursTheThrottleWithRetryAfter() {
        CxoneSimulator sim = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .rowCount(50)
                .jobRunningTime(Duration.ofMillis(100))
                .throttleInterval(Duration.ofSeconds(2))
                .build());
        cleanup.add(sim);
        String topic = uniqueName("export-throttle");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-throttle");
        Map<String, String> config = extractionConnector(sim, topic, 100, 2);
        config.put(ExportSourceConfig.RETRY_BACKOFF_MAX_MS, "5000");
        config.put(ExportSourceConfig.EXTRACTION_CALL_INTERVAL_MS, "0"); // calls unspaced: CXone's 429s pace them
        connect.configureConnector(name, config);

        await().atMost(Duration.ofSeconds(90)).until(() -> committed(topic).size() >= 100);
        assertThat(committed(topic)).hasSize(100);
        assertThat(sim.requests().count(Endpoint.JOB_CREATE, 429)
                        + sim.requests().count(Endpoint.JOB_STATUS, 429))
                .as("throttled calls answered 429 and were retried after Retry-After")
                .isPositive();
        assertThat(connect.connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
        connect.deleteConnector(name);
    }

    @Test
    void dataExtractionCallsOfATenantAreSpacedToItsLimitWhateverTasksMaxIs() {
        CxoneSimulator sim = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .rowCount(40)
                .jobRunningTime(Duration.ofMillis(100))
                .throttleInterval(Duration.ofSeconds(1))
                .build());
        cleanup.add(sim);
        String topic = uniqueName("export-spaced");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-spaced");
        Map<String, String> config = extractionConnector(sim, topic, 100, 2);
        config.put(ExportSourceConfig.ENTITIES, "recording-interaction-metadata,qm-workflows");
        config.put("tasks.max", "2");
        config.put(ExportSourceConfig.MANIFEST_TOPIC, "");
        connect.configureConnector(name, config);

        // 2 entities x 2 windows x 40 rows
        await().atMost(Duration.ofSeconds(90)).until(() -> committed(topic).size() >= 160);
        assertThat(committed(topic)).hasSize(160);
        assertThat(connect.connectorStatus(name).tasks())
                .as("one task owns the tenant")
                .hasSize(1);
        assertThat(sim.requests().count(Endpoint.JOB_CREATE, 429)
                        + sim.requests().count(Endpoint.JOB_STATUS, 429))
                .as("calls spaced to the tenant's limit meet no 429")
                .isZero();
        connect.deleteConnector(name);
    }

    @Test
    void dataExtractionWindowsLandOnceAndAnExpiredUrlIsRepolled() {
        CxoneSimulator sim = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .rowCount(300)
                .jobRunningTime(Duration.ofMillis(200))
                .throttleInterval(Duration.ZERO)
                .build());
        cleanup.add(sim);
        sim.arm(FaultSpec.expiredUrl(1));
        String topic = uniqueName("export-extraction");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-extraction");
        Map<String, String> config = extractionConnector(sim, topic, 120, 3);
        config.put(
                ExportSourceConfig.CSV_COLUMN_TYPES,
                "duration_ms:long,score:double,resolved:boolean,event_time:timestamp");
        connect.configureConnector(name, config);

        // Three complete one-day windows before today, 300 rows each.
        await().atMost(Duration.ofSeconds(90)).until(() -> committed(topic).size() >= 900);
        List<ConsumerRecord<byte[], byte[]>> records = committed(topic);
        assertThat(records).hasSize(900);
        assertThat(records.stream()
                        .map(r -> header(r, ChunkPipeline.HEADER_JOB_ID))
                        .distinct())
                .hasSize(3);
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).containsPattern("\"duration_ms\":\\d+");
        assertThat(sim.requests().count(Endpoint.DOWNLOAD, 403)).isEqualTo(1);
        connect.deleteConnector(name);
    }

    @Test
    void workerStoppedAtAChunkBoundaryAndKilledMidChunkLosesAndDuplicatesNothing() {
        CxoneSimulator sim = simulator(600);
        sim.arm(FaultSpec.delay(Endpoint.EXPORT_RECORDS, Duration.ofMillis(700), -1));
        String topic = uniqueName("export-worker-kill");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-worker-kill");
        Map<String, String> config = recordsConnector(sim, topic, 100);
        config.put("transforms", "hold");
        config.put("transforms.hold.type", HoldMidChunk.class.getName());
        config.put("transforms.hold.after.records", "40");
        connect.configureConnector(name, config);

        // 1. At a chunk boundary: the worker stops while its task waits for the next (slow) page.
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= 100);
        connect.removeWorker();
        int atBoundary = committed(topic).size();
        assertThat(atBoundary)
                .as("only whole chunks are visible, and one is left to export")
                .isIn(100, 200, 300, 400, 500);

        // 2. Mid-chunk: the restarted task is held after 40 records of its first chunk went into the chunk's open
        // transaction; the worker goes, cannot stop the task gracefully, cancels it; the next one fences it.
        HoldMidChunk.holdChunkAt(atBoundary);
        sim.clearFaults();
        connect.addWorker();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> HoldMidChunk.HELD.getCount() == 0);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> logEndOffset(topic, false) - logEndOffset(topic, true) >= 40);
            assertThat(committed(topic)).hasSize(atBoundary);
            connect.removeWorker();
        } finally {
            HoldMidChunk.RELEASE.countDown();
        }
        connect.addWorker();

        await().atMost(Duration.ofSeconds(90)).until(() -> committed(topic).size() >= 600);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> committed(topic).size() == 600);
        List<ConsumerRecord<byte[], byte[]>> records = committed(topic);
        assertThat(records).hasSize(600);
        assertThat(keys(records)).hasSize(600);
        assertThat(logEndOffset(topic, false))
                .as("the aborted 40 records stay in the log, never visible")
                .isGreaterThan(600 + 40);
        connect.deleteConnector(name);
    }

    @Test
    void driftWithPolicyWarnWritesTheChunkWithItsOwnSchemaAndCountsTheEventInMetrics() throws Exception {
        String name = uniqueName("export-drift-warn");
        List<ConsumerRecord<byte[], byte[]>> records = exportWithFieldAddedAtRow200(name, "warn");
        assertThat(header(records.get(299), ChunkPipeline.HEADER_SCHEMA_FINGERPRINT))
                .as("each drifted chunk carries its own shape")
                .isEqualTo(header(records.get(399), ChunkPipeline.HEADER_SCHEMA_FINGERPRINT));
        assertThat(metric(name, "schema-drift-events-total"))
                .as("two drifted chunks")
                .isEqualTo(2);
        assertThat(metric(name, "chunks-total")).isEqualTo(4);
        assertThat(metric(name, "records-total")).isEqualTo(400);
        assertThat(metric(name, "bytes-total")).isGreaterThan(400 * 20);
        assertThat(metric(name, "checksum-mismatches-total")).isZero();
        assertThat(metric(name, "retries-total")).isZero();
        connect.deleteConnector(name);
    }

    @Test
    void stopEndsARetryAfterWaitPromptly() throws Exception {
        CxoneSimulator sim = simulator(300);
        String topic = uniqueName("export-stop");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-stop");
        Map<String, String> config = recordsConnector(sim, topic, 100);
        config.put(ExportSourceConfig.REPORTS, name); // names the reader thread after this test's report
        config.put(ExportSourceConfig.RETRY_BACKOFF_MAX_MS, "600000");
        sim.arm(FaultSpec.rateLimit(Endpoint.EXPORT_RECORDS, 600, 1));
        connect.configureConnector(name, config);

        await().atMost(Duration.ofSeconds(60)).until(() -> sim.requests().count(Endpoint.EXPORT_RECORDS, 429) == 1);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> metric(name, "retries-total") == 1);
        assertThat(readerThreadAlive(name))
                .as("the reader waits out the 600 s Retry-After")
                .isTrue();
        long pagesBefore = sim.requests().count(Endpoint.EXPORT_RECORDS);

        connect.deleteConnector(name);
        // Far below the 600 s wait: stop() interrupts it instead of sitting it out (or being abandoned by the worker).
        await().atMost(Duration.ofSeconds(30)).until(() -> !readerThreadAlive(name));
        assertThat(sim.requests().count(Endpoint.EXPORT_RECORDS))
                .as("no retry after stop")
                .isEqualTo(pagesBefore);
        assertThat(committed(topic)).isEmpty();
    }

    private static boolean readerThreadAlive(String report) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("cxone-export-reader-" + report) && t.isAlive());
    }

    @Test
    void validateChecksCredentialsLiveOnlyWhenAskedAndNamesTheSecretField() {
        CxoneSimulator sim = simulator(10);
        Map<String, String> config = recordsConnector(sim, "unused", 100);
        config.put(ConnectorConfig.NAME_CONFIG, uniqueName("export-validate"));
        config.put(ExportSourceConfig.CLIENT_SECRET, "wrong-secret");
        assertThat(errors(config)).as("off by default: no call to CXone").isEmpty();

        config.put(ExportSourceConfig.VALIDATE_CREDENTIALS, "true");
        assertThat(errors(config)).containsOnlyKeys(ExportSourceConfig.CLIENT_SECRET);
        assertThat(errors(config).get(ExportSourceConfig.CLIENT_SECRET).get(0))
                .contains("CXone refused the credentials")
                .contains("HTTP 401")
                .doesNotContain("wrong-secret");

        config.put(ExportSourceConfig.CLIENT_SECRET, sim.options().clientSecret());
        assertThat(errors(config)).isEmpty();
        sim.close();
        assertThat(errors(config)).containsOnlyKeys(ExportSourceConfig.BASE_URL);
    }

    /** Errors of PUT /connector-plugins/{class}/config/validate, by field. */
    private Map<String, List<String>> errors(Map<String, String> config) {
        Map<String, List<String>> out = new HashMap<>();
        connect.validateConnectorConfig(CxoneExportSourceConnector.class.getSimpleName(), config)
                .configs()
                .forEach(v -> {
                    if (!v.configValue().errors().isEmpty()) {
                        out.put(v.configValue().name(), v.configValue().errors());
                    }
                });
        return out;
    }

    // ---- checkpoints in Kafka source offsets: key order, upgrade from either order, reset ----

    /** The worker's offsets topic (EmbeddedConnectCluster names it after the cluster). */
    private String offsetsTopic() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", TestServices.kafkaBootstrapServers()))) {
            return admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith("connect-offset-topic"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no offsets topic"));
        }
    }

    /** Writes one offsets-topic record with exactly these bytes, as a worker of an earlier version did. */
    private void writeStoredOffset(String key, String value) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", TestServices.kafkaBootstrapServers());
        props.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        props.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
                new org.apache.kafka.clients.producer.KafkaProducer<>(props)) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(offsetsTopic(), key, value))
                    .get();
        }
    }

    /** The latest stored value per offsets-topic key of one connector (null: a tombstone), keys as their exact bytes. */
    private Map<String, String> storedOffsets(String connector) throws Exception {
        String topic = offsetsTopic();
        Map<String, String> latest = new java.util.TreeMap<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith("[\"" + connector + "\",")) {
                        latest.put(key, r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return latest;
    }

    private static String offsetKey(
            String connector, String firstKey, String firstValue, String secondKey, String secondValue) {
        return "[\"" + connector + "\",{\"" + firstKey + "\":\"" + firstValue + "\",\"" + secondKey + "\":\""
                + secondValue + "\"}]";
    }

    /** An export job of the report, started the way the connector starts one (the simulator serves the same rows for every job). */
    private static String startExportJob(CxoneSimulator sim, String report) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String form = "grant_type=client_credentials&client_id=" + sim.options().clientId() + "&client_secret="
                + sim.options().clientSecret();
        String tokenBody = client.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.baseUrl() + "/api/v2/oauth/token"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        String token = CxoneHttp.JSON.readTree(tokenBody).get("access_token").asText();
        String created = client.send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(sim.baseUrl() + "/api/v2/data-actions/exports"))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"report_id\":\"" + report + "\",\"format\":\"json\"}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        return CxoneHttp.JSON.readTree(created).get("id").asText();
    }

    /** An offset as the previous version stored it (its HashMap's key order); no chunk digest, so no re-read on resume. */
    private static String oldOffsetValue(String job, long rowOffset, int chunkRows) {
        return "{\"v\":1,\"chunk_rows\":" + chunkRows + ",\"row_offset\":" + rowOffset + ",\"job\":\"" + job
                + "\",\"chunk_sha256\":null,\"schema_fingerprint\":null}";
    }

    /** The keys (row ids) of rows [from, to) of a report, as the simulator serves them. */
    private static Set<String> expectedKeys(CxoneSimulator sim, String report, int from, int to) {
        Set<String> keys = new HashSet<>();
        sim.expectedReportRows(report).subList(from, to).forEach(row -> keys.add(String.valueOf(row.get("id"))));
        return keys;
    }

    /**
     * A checkpoint an earlier version wrote ({"source","api"}, one of the orders Map.of gave it; bytes as it wrote them) is
     * resumed, written under this version's partition with the next chunk and removed under the old one; then DELETE
     * /connectors/{name}/offsets followed by a resume exports the report again from its first row, with a new job.
     */
    @Test
    void resumesACheckpointStoredInTheReversedKeyOrderAndAResetStartsAgainFromTheFirstRow() throws Exception {
        CxoneSimulator sim = simulator(1000);
        String topic = uniqueName("export-upgrade");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-upgrade");
        String job = startExportJob(sim, "report-1");
        String reversedKey = offsetKey(name, "source", "report-1", "api", "records");
        String canonicalKey = offsetKey(name, "cxone.source", "report-1", "cxone.api", "records");
        assertThat(reversedKey)
                .isEqualTo(io.cxone.kafka.source.offsets.OffsetsTopicBytes.key(
                        name,
                        ExportOffset.legacyPartitions("records", "report-1").get(1)));
        writeStoredOffset(reversedKey, oldOffsetValue(job, 600, 100));
        long jobsBefore = sim.requests().count(Endpoint.EXPORT_CREATE);

        connect.configureConnector(name, recordsConnector(sim, topic, 100));
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= 400);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> committed(topic).size() == 400);
        List<ConsumerRecord<byte[], byte[]>> resumed = committed(topic);
        assertThat(resumed).allSatisfy(r -> assertThat(header(r, ChunkPipeline.HEADER_JOB_ID))
                .isEqualTo(job));
        assertThat(header(resumed.get(0), ChunkPipeline.HEADER_CHUNK_OFFSET)).isEqualTo("600");
        assertThat(keys(resumed)).isEqualTo(expectedKeys(sim, "report-1", 600, 1000));
        assertThat(sim.requests().count(Endpoint.EXPORT_CREATE)).isEqualTo(jobsBefore);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, String> stored = storedOffsets(name);
            assertThat(stored).containsEntry(reversedKey, null);
            assertThat(stored.get(canonicalKey)).contains("\"row_offset\":1000").contains("\"job\":\"" + job + "\"");
        });

        connect.stopConnector(name);
        connect.assertions().assertConnectorIsStopped(name, "connector should stop");
        connect.resetConnectorOffsets(name);
        assertThat(storedOffsets(name))
                .containsEntry(canonicalKey, null)
                .containsEntry(reversedKey, null)
                .hasSize(2);
        connect.resumeConnector(name);
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= 1400);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> committed(topic).size() == 1400);
        List<ConsumerRecord<byte[], byte[]>> again = committed(topic).subList(400, 1400);
        assertThat(keys(again)).isEqualTo(expectedKeys(sim, "report-1", 0, 1000));
        assertThat(header(again.get(0), ChunkPipeline.HEADER_CHUNK_OFFSET)).isEqualTo("0");
        assertThat(header(again.get(0), ChunkPipeline.HEADER_JOB_ID)).isNotEqualTo(job);
        assertThat(sim.requests().count(Endpoint.EXPORT_CREATE)).isEqualTo(jobsBefore + 1);
        connect.deleteConnector(name);
    }

    /**
     * An earlier version's partition stored in both key orders with different jobs (what it left after a reset, which
     * removed one order only): the finished job's checkpoint must not stop the export of the newer job, whose remaining
     * rows are not in Kafka.
     */
    @Test
    void aFinishedCheckpointLeftInTheOtherKeyOrderDoesNotSuppressTheNewerJobsRows() throws Exception {
        CxoneSimulator sim = simulator(1000);
        String topic = uniqueName("export-stale");
        connect.kafka().createTopic(topic, 1);
        String name = uniqueName("export-stale");
        String finishedJob = startExportJob(sim, "report-1");
        String newerJob = startExportJob(sim, "report-1");
        writeStoredOffset(
                offsetKey(name, "source", "report-1", "api", "records"), oldOffsetValue(finishedJob, 1000, 100));
        writeStoredOffset(offsetKey(name, "api", "records", "source", "report-1"), oldOffsetValue(newerJob, 300, 100));

        connect.configureConnector(name, recordsConnector(sim, topic, 100));
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(topic).size() >= 700);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> committed(topic).size() == 700);
        List<ConsumerRecord<byte[], byte[]>> records = committed(topic);
        assertThat(records).allSatisfy(r -> assertThat(header(r, ChunkPipeline.HEADER_JOB_ID))
                .isEqualTo(newerJob));
        assertThat(keys(records)).isEqualTo(expectedKeys(sim, "report-1", 300, 1000));
        assertThat(header(records.get(0), ChunkPipeline.HEADER_CHUNK_OFFSET)).isEqualTo("300");
        connect.deleteConnector(name);
    }
}
