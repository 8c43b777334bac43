package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.data.FieldType;
import io.cxone.kafka.simulator.data.SchemaDrift;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.http.Endpoint;
import io.cxone.kafka.simulator.reporting.ReportingEntity;
import io.cxone.kafka.testkit.TestServices;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * {@code cxone.api=reporting} on a real Connect worker (exactly-once source support on) against the simulator's
 * Reporting API, whose rows complete, change and become visible late while the connector pages through them. What a
 * read_committed consumer reads is checked against the simulator's oracle of the versions a complete sync must hold
 * ({@link ReportingSync#check}); the completed passes are read from the committed checkpoints.
 */
class ReportingExportIT {

    private static final AtomicInteger RUN = new AtomicInteger();
    private final EmbeddedConnectCluster connect = TestServices.connect();

    @AutoClose
    private final CxoneSimulator sim =
            CxoneSimulator.start(ReportingSync.simulatorOptions().build());

    /** A connector of its own on its own topics (two partitions each, so a key's versions share one of several). */
    private record Sync(String name, List<String> endpoints, Map<String, String> sourceByTopic) {}

    private Sync deploy(String base, List<String> endpoints, Map<String, String> overrides) {
        String name = base + "-" + RUN.incrementAndGet();
        Map<String, String> sourceByTopic = new LinkedHashMap<>();
        for (String endpoint : endpoints) {
            String topic = ReportingSync.topic(name, endpoint);
            connect.kafka().createTopic(topic, 2);
            sourceByTopic.put(topic, endpoint);
        }
        Map<String, String> config = ReportingSync.connector(sim, name, endpoints, endpoints.size());
        config.putAll(overrides);
        connect.configureConnector(name, config);
        return new Sync(name, endpoints, sourceByTopic);
    }

    private Map<String, List<ReportingCursor>> checkpoints(Sync sync) {
        return ReportingSync.checkpoints(sync.name());
    }

    private void awaitIncrementalPassAfter(Sync sync, Instant after) {
        ReportingSync.awaitIncrementalPassAfter(connect, sync.name(), sync.endpoints(), after);
    }

    /** Stops the connector, then checks its topics against the last completed incremental pass of each endpoint. */
    private ReportingSync.Delivery stopAndCheck(Sync sync) throws InterruptedException {
        connect.stopConnector(sync.name());
        connect.assertions().assertConnectorIsStopped(sync.name(), "connector should stop");
        Map<String, List<ReportingCursor>> checkpoints = checkpoints(sync);
        Map<String, ReportingSync.Pass> passes = new LinkedHashMap<>();
        sync.endpoints()
                .forEach(source -> passes.put(
                        source,
                        ReportingSync.lastCompletedIncrementalPass(checkpoints, source)
                                .orElseThrow()));
        List<ConsumerRecord<byte[], byte[]>> records = ReportingSync.readCommitted(
                TestServices.kafkaBootstrapServers(), sync.sourceByTopic().keySet());
        ReportingSync.Delivery delivery = ReportingSync.check(sim, passes, sync.sourceByTopic(), records);
        System.err.println("reporting-it " + sync.name() + ": " + delivery.summary() + " passes " + passes);
        return delivery;
    }

    private void assertTasksRunning(Sync sync) {
        assertThat(connect.connectorStatus(sync.name()).tasks())
                .hasSize(sync.endpoints().size())
                .allSatisfy(task -> assertThat(task.state()).isEqualTo("RUNNING"));
    }

    @Test
    void aFullSyncLandsOncePerVersionUpdatesComeAsNewerVersionsOfTheirKeyAndTheOverlapIsDeduplicated()
            throws Exception {
        Sync sync = deploy("reporting-sync", ReportingSync.UPDATED_ENDPOINTS, Map.of());

        awaitIncrementalPassAfter(sync, Instant.EPOCH);
        assertTasksRunning(sync);
        double skipped = metric(sync.name(), "reporting-versions-skipped-total");
        ReportingSync.Delivery delivery = stopAndCheck(sync);

        delivery.assertExactlyOncePerVersion(600);
        assertThat(delivery.updated())
                .as("keys whose change after completion came as a second version")
                .isPositive();
        assertThat(skipped)
                .as("versions met again in the overlap and not written again")
                .isPositive();
        connect.deleteConnector(sync.name());
    }

    /**
     * Both endpoints with pages answered 100 ms late, so that the first pass takes a while: deployed, and two of its
     * chunks committed. A fault armed now lands within the first pass.
     */
    private Sync deployAndAwaitFirstPassUnderWay(String base) {
        sim.arm(FaultSpec.delay(Endpoint.REPORTING, Duration.ofMillis(100), -1));
        Sync sync = deploy(base, ReportingSync.UPDATED_ENDPOINTS, Map.of());
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        checkpoints(sync).values().stream().mapToInt(List::size).sum() >= 2);
        return sync;
    }

    @Test
    void tokensExpiringMidPassAreRenewedWithoutLossOrDuplicates() throws Exception {
        Sync sync = deployAndAwaitFirstPassUnderWay("reporting-token");
        Instant expired = Instant.now();
        sim.arm(FaultSpec.expireTokens());
        awaitIncrementalPassAfter(sync, expired);
        assertTasksRunning(sync);
        assertThat(sim.requests().count(Endpoint.REPORTING, 401))
                .as("one 401 per task, whose token was then renewed")
                .isEqualTo(2);
        stopAndCheck(sync).assertExactlyOncePerVersion(600);
        connect.deleteConnector(sync.name());
    }

    /**
     * Eight 429s in a row with Retry-After: 1 s, fewer than retry.max.attempts (10): each is waited out. A longer run of
     * 429s on one call fails the task after retry.max.attempts, as any other retried error does.
     */
    @Test
    void aRunOf429sIsWaitedOutWithoutLossOrDuplicates() throws Exception {
        Sync sync = deployAndAwaitFirstPassUnderWay("reporting-429");
        Instant storm = Instant.now();
        sim.arm(FaultSpec.rateLimit(Endpoint.REPORTING, 1, 8));
        // The first calls after the storm began drew the 429s: a pass started after it paged past them.
        awaitIncrementalPassAfter(sync, storm);
        assertTasksRunning(sync);
        assertThat(sim.requests().count(Endpoint.REPORTING, 429)).isEqualTo(8);
        assertThat(metric(sync.name(), "retries-total")).isGreaterThanOrEqualTo(8);
        stopAndCheck(sync).assertExactlyOncePerVersion(600);
        connect.deleteConnector(sync.name());
    }

    private static final int DRIFT_FROM_ROW = 120;

    /** Completed contacts with a field "channel" added from row 120 on (chunks of 50: in the chunk of rows 100-149). */
    private Sync deployWithDrift(String base, String policy) {
        sim.arm(FaultSpec.schemaDrift(
                new SchemaDrift(SchemaDrift.Change.ADD, "channel", FieldType.STRING, DRIFT_FROM_ROW)));
        return deploy(base, List.of("contacts/completed"), Map.of(ExportSourceConfig.SCHEMA_DRIFT_POLICY, policy));
    }

    private static Set<String> keysOfRows(int from, int to) {
        Set<String> keys = new HashSet<>();
        for (int i = from; i < to; i++) {
            keys.add(Long.toString(ReportingEntity.CONTACTS_COMPLETED.key(i)));
        }
        return keys;
    }

    private List<ConsumerRecord<byte[], byte[]>> committed(Sync sync) {
        return ReportingSync.readCommitted(
                TestServices.kafkaBootstrapServers(), sync.sourceByTopic().keySet());
    }

    private static Set<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> keys = new HashSet<>();
        records.forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        return keys;
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void driftWithPolicyFailStopsTheTaskNamingTheFieldAndWritesNothingOfTheDriftedChunk() throws Exception {
        Sync sync = deployWithDrift("reporting-drift-fail", "fail");

        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed(sync.name(), 1, "task should fail on drift");
        assertThat(connect.connectorStatus(sync.name()).tasks().get(0).trace())
                .contains("Schema drift")
                .contains("added [channel]")
                .contains("schema.drift.policy");
        List<ConsumerRecord<byte[], byte[]>> records = committed(sync);
        assertThat(records).hasSize(100);
        assertThat(keys(records))
                .as("the first two chunks; none of the drifted chunk's rows, not even those before row 120")
                .isEqualTo(keysOfRows(0, 100));
        connect.deleteConnector(sync.name());
    }

    @Test
    void driftWithPolicyWarnWritesTheDriftedChunksWithTheFieldAndSaysWhy() throws Exception {
        Sync sync = deployWithDrift("reporting-drift-warn", "warn");

        await().atMost(Duration.ofSeconds(60)).until(() -> keys(committed(sync)).containsAll(keysOfRows(0, 300)));
        List<ConsumerRecord<byte[], byte[]>> records = committed(sync);
        Set<String> drifted = keysOfRows(DRIFT_FROM_ROW, 300);
        Set<String> beforeTheDriftedChunk = keysOfRows(0, 100);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            String value = new String(r.value(), StandardCharsets.UTF_8);
            if (drifted.contains(key)) {
                assertThat(value).as(key).contains("\"channel\":\"string-" + key + "\"");
                assertThat(header(r, ChunkPipeline.HEADER_DRIFT_REASON)).contains("added [channel]");
            } else if (beforeTheDriftedChunk.contains(key)) {
                assertThat(value).as(key).doesNotContain("channel");
                assertThat(header(r, ChunkPipeline.HEADER_DRIFT_REASON)).isNull();
            }
        }
        assertThat(metric(sync.name(), "schema-drift-events-total")).isPositive();
        assertTasksRunning(sync);
        connect.deleteConnector(sync.name());
    }

    /** A plugin metric summed over the connector's tasks, read from JMX in this JVM (the embedded worker's). */
    private static double metric(String connector, String name) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        double sum = 0;
        boolean found = false;
        for (ObjectName bean : jmx.queryNames(new ObjectName("kafka.connect:*"), null)) {
            if (!connector.equals(bean.getKeyProperty("connector")) || bean.getKeyProperty("task") == null) {
                continue;
            }
            for (javax.management.MBeanAttributeInfo attribute :
                    jmx.getMBeanInfo(bean).getAttributes()) {
                if (attribute.getName().equals(name)) {
                    sum += ((Number) jmx.getAttribute(bean, name)).doubleValue();
                    found = true;
                }
            }
        }
        if (!found) {
            throw new AssertionError("no metric " + name + " for " + connector + " in JMX");
        }
        return sum;
    }
}
