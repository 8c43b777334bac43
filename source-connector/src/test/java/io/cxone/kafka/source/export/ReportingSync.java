package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.reporting.ReportingEntity;
import io.cxone.kafka.simulator.reporting.ReportingTimeline;
import io.cxone.kafka.testkit.TestServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * A Reporting API sync as a downstream user sees it, for the integration tests: the connector's settings, what a
 * read_committed consumer reads from its topics and from the worker's offsets topic (the checkpoints, one per committed
 * chunk), and the check of both against the simulator's oracle of the versions a complete sync must deliver.
 */
final class ReportingSync {

    /** Completed contacts and custom data: the two endpoints whose rows change after completion. */
    static final List<String> UPDATED_ENDPOINTS = List.of("contacts/completed", "contacts/custom-data");

    /** The sync reads rows dated from this day on (every row the simulator has: rows are dated minutes back). */
    static final LocalDate START_DATE = LocalDate.now(ZoneOffset.UTC).minusDays(1);

    /** Overlap of the passes; at least the simulator's visibility lag, so late versions are met. */
    static final long OVERLAP_MS = 1000;

    private ReportingSync() {}

    /**
     * Small, moving data: 300 rows of each endpoint completed before the start, then one each 20 ms; 30% of them change
     * once within 1 to 3 s; each version visible 300 ms after its lastUpdateTime.
     */
    static SimulatorOptions.Builder simulatorOptions() {
        return SimulatorOptions.builder()
                .port(0)
                .reporting(300, Duration.ofMillis(20), 0.3, Duration.ofSeconds(3), Duration.ofMillis(300));
    }

    /** Topic of one endpoint under the {@code <prefix>.${source}} template the connector is given. */
    static String topic(String prefix, String endpoint) {
        return ExportSourceConfig.withSource(prefix + "." + ExportSourceConfig.SOURCE_PLACEHOLDER, endpoint);
    }

    /** The reporting connector ({@link ExportKillRun#exactlyOnceConnector}): chunks of 50, passes 1 s apart. */
    static Map<String, String> connector(CxoneSimulator sim, String topicPrefix, List<String> endpoints, int tasks) {
        Map<String, String> config = ExportKillRun.exactlyOnceConnector(sim, tasks);
        config.put(ExportSourceConfig.API_FLAVOUR, "reporting");
        config.put(ExportSourceConfig.ACCESS_KEY_ID, sim.options().accessKeyId());
        config.put(ExportSourceConfig.ACCESS_KEY_SECRET, sim.options().accessKeySecret());
        config.put(ExportSourceConfig.ENTITIES, String.join(",", endpoints));
        config.put(ExportSourceConfig.TOPIC, topicPrefix + "." + ExportSourceConfig.SOURCE_PLACEHOLDER);
        config.put(ExportSourceConfig.START_DATE, START_DATE.toString());
        config.put(ExportSourceConfig.CHUNK_SIZE, "50");
        config.put(ExportSourceConfig.EXPORT_INTERVAL_MS, "1000");
        config.put(ExportSourceConfig.REPORTING_OVERLAP_MS, Long.toString(OVERLAP_MS));
        return config;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props);
    }

    /** Everything a read_committed consumer sees in the topics now: up to each partition's last stable offset. */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrapServers, Collection<String> topics) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topics + " up to " + end + " within 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * The checkpoints the connector committed on the embedded test worker, per endpoint in commit order, read from the
     * worker's offsets topic under read_committed (with exactly-once the offsets commit in the chunks' transactions).
     */
    static Map<String, List<ReportingCursor>> checkpoints(String connector) {
        String prefix = "[\"" + connector + "\",";
        Map<String, List<ReportingCursor>> bySource = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                readCommitted(TestServices.kafkaBootstrapServers(), List.of(embeddedOffsetsTopic()))) {
            String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            if (!key.startsWith(prefix) || r.value() == null) {
                continue;
            }
            try {
                String source = CxoneHttp.JSON
                        .readTree(key)
                        .get(1)
                        .path(ExportOffset.PARTITION_SOURCE_KEY)
                        .asText();
                Map<String, Object> value = CxoneHttp.JSON.readValue(r.value(), Map.class);
                bySource.computeIfAbsent(source, s -> new ArrayList<>())
                        .add(ReportingCursor.fromMap(ExportOffset.fromMap(value).cursor()));
            } catch (IOException e) {
                throw new IllegalStateException("unreadable offsets record " + key, e);
            }
        }
        return bySource;
    }

    /**
     * Waits until every endpoint has completed an incremental pass that started after {@code after}; fails at once,
     * with its trace, when a task fails.
     */
    static void awaitIncrementalPassAfter(
            EmbeddedConnectCluster connect, String connector, List<String> endpoints, Instant after) {
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsInstanceOf(ConnectRestException.class) // no status yet, just after the deployment
                .until(() -> {
                    connect.connectorStatus(connector).tasks().forEach(task -> {
                        if (task.state().equals("FAILED")) {
                            throw new AssertionError("task " + task.id() + " failed: " + task.trace());
                        }
                    });
                    Map<String, List<ReportingCursor>> checkpoints = checkpoints(connector);
                    return endpoints.stream().allMatch(source -> lastCompletedIncrementalPass(checkpoints, source)
                            .filter(pass -> pass.passEnd().isAfter(after))
                            .isPresent());
                });
    }

    /** The offsets topic of the embedded test worker ({@code EmbeddedConnectCluster} names it after the cluster). */
    static String embeddedOffsetsTopic() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestServices.kafkaBootstrapServers()))) {
            return admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith("connect-offset-topic"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no offsets topic"));
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A pass whose every chunk is committed: a later checkpoint belongs to the next pass. */
    record Pass(Instant since, Instant passEnd, Instant watermark) {
        boolean incremental() {
            return since != null;
        }
    }

    /** The completed passes of one endpoint, oldest first, read from its checkpoints. */
    static List<Pass> completedPasses(List<ReportingCursor> checkpoints) {
        List<Pass> passes = new ArrayList<>();
        for (int i = 1; i < checkpoints.size(); i++) {
            ReportingCursor before = checkpoints.get(i - 1);
            if (!before.passEnd().equals(checkpoints.get(i).passEnd())) {
                passes.add(new Pass(before.since(), before.passEnd(), before.watermark()));
            }
        }
        return passes;
    }

    /** The last completed incremental pass of {@code source}, if any. */
    static Optional<Pass> lastCompletedIncrementalPass(Map<String, List<ReportingCursor>> checkpoints, String source) {
        List<Pass> passes = completedPasses(checkpoints.getOrDefault(source, List.of()));
        for (int i = passes.size() - 1; i >= 0; i--) {
            if (passes.get(i).incremental()) {
                return Optional.of(passes.get(i));
            }
        }
        return Optional.empty();
    }

    /** One record as written: the endpoint's key and the version's lastUpdateTime, where it is in its topic. */
    record Written(String source, String key, long updatedMs, int partition, long offset, JsonNode value) {
        String version() {
            return source + " " + key + "@" + Instant.ofEpochMilli(updatedMs);
        }
    }

    /**
     * What the topics hold against the oracle.
     *
     * @param records    records read
     * @param duplicates versions (key and lastUpdateTime) found more than once
     * @param missing    newest versions as of a completed pass's watermark of which neither they nor a newer version
     *                   were written
     * @param expected   newest versions as of the completed passes' watermarks (their count)
     * @param unreal     records that are no version the simulator served, or not as it served it
     * @param updated    keys written in two or more versions
     * @param outOfOrder keys whose versions do not follow each other in their partition, oldest first
     */
    record Delivery(
            int records,
            List<String> duplicates,
            List<String> missing,
            int expected,
            List<String> unreal,
            int updated,
            List<String> outOfOrder) {

        /** No loss, no version twice, nothing made up, versions in order; at least {@code minExpected} were due. */
        void assertExactlyOncePerVersion(int minExpected) {
            assertThat(expected).as("newest versions due").isGreaterThan(minExpected);
            assertThat(missing).as("newest versions (or newer) not written").isEmpty();
            assertThat(duplicates).as("versions written twice").isEmpty();
            assertThat(unreal)
                    .as("records that are no version the simulator served")
                    .isEmpty();
            assertThat(outOfOrder)
                    .as("versions of a key not oldest first in their partition")
                    .isEmpty();
        }

        String summary() {
            return "records=" + records + " expected_newest=" + expected + " missing=" + missing.size() + " dup="
                    + duplicates.size() + " unreal=" + unreal.size() + " keys_updated=" + updated + " out_of_order="
                    + outOfOrder.size();
        }
    }

    /**
     * Checks the records of every endpoint's topic against the simulator: each endpoint's newest versions as of its
     * {@code pass}'s watermark, dated before the pass's end, are written (or a newer version of the same key); every
     * record is a version the simulator served, with the values it served; no version is written twice; the versions
     * of a key follow each other in their partition.
     */
    static Delivery check(
            CxoneSimulator sim,
            Map<String, Pass> passBySource,
            Map<String, String> sourceByTopic,
            List<ConsumerRecord<byte[], byte[]>> records) {
        Instant history = START_DATE.atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant now = Instant.now();
        List<Written> written = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String source = sourceByTopic.get(r.topic());
            try {
                JsonNode value = CxoneHttp.JSON.readTree(r.value());
                written.add(new Written(
                        source,
                        new String(r.key(), StandardCharsets.UTF_8),
                        value.path(ReportingEndpoint.LAST_UPDATE_TIME).asLong(-1),
                        r.partition(),
                        r.offset(),
                        value));
            } catch (IOException e) {
                throw new IllegalStateException("record " + r.topic() + "@" + r.offset() + " is not JSON", e);
            }
        }
        Map<String, Written> byVersion = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        Map<String, List<Written>> byKey = new LinkedHashMap<>();
        for (Written w : written) {
            if (byVersion.putIfAbsent(w.version(), w) != null) {
                duplicates.add(w.version());
            }
            byKey.computeIfAbsent(w.source() + " " + w.key(), k -> new ArrayList<>())
                    .add(w);
        }

        List<String> unreal = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        int expected = 0;
        for (String source : sourceByTopic.values()) {
            ReportingEntity entity = ReportingEntity.fromPath(source).orElseThrow();
            ReportingEndpoint endpoint = ReportingEndpoint.of(source).orElseThrow();
            Map<String, ReportingTimeline.Version> served = new HashMap<>();
            for (ReportingTimeline.Version v : sim.reportingVersions(entity, history, now.plusSeconds(60), now)) {
                served.put(source + " " + v.key() + "@" + Instant.ofEpochMilli(v.lastUpdateMs()), v);
            }
            for (Written w : written) {
                if (!w.source().equals(source)) {
                    continue;
                }
                ReportingTimeline.Version v = served.get(w.version());
                if (v == null) {
                    unreal.add(w.version() + " (no such version)");
                } else if (!servedValue(sim, v, endpoint).equals(normalised(w.value()))) {
                    unreal.add(w.version() + " (values differ: " + w.value() + ")");
                }
            }
            Pass pass = passBySource.get(source);
            Map<Long, ReportingTimeline.Version> newest = new HashMap<>();
            sim.reportingVersions(entity, history, pass.passEnd(), pass.watermark())
                    .forEach(v -> newest.merge(v.key(), v, (a, b) -> a.version() >= b.version() ? a : b));
            expected += newest.size();
            for (ReportingTimeline.Version v : newest.values()) {
                List<Written> versions = byKey.getOrDefault(source + " " + v.key(), List.of());
                if (versions.stream().noneMatch(w -> w.updatedMs() >= v.lastUpdateMs())) {
                    missing.add(source + " " + v.key() + "@" + Instant.ofEpochMilli(v.lastUpdateMs()));
                }
            }
        }

        int updated = 0;
        List<String> outOfOrder = new ArrayList<>();
        for (List<Written> versions : byKey.values()) {
            if (versions.size() < 2) {
                continue;
            }
            updated++;
            List<Written> inLog = new ArrayList<>(versions);
            inLog.sort((a, b) -> Long.compare(a.offset(), b.offset()));
            for (int i = 1; i < inLog.size(); i++) {
                Written before = inLog.get(i - 1);
                Written after = inLog.get(i);
                if (before.partition() != after.partition() || before.updatedMs() >= after.updatedMs()) {
                    outOfOrder.add(before.version() + " at " + before.partition() + "/" + before.offset() + ", then "
                            + after.version() + " at " + after.partition() + "/" + after.offset());
                }
            }
        }
        return new Delivery(written.size(), duplicates, missing, expected, unreal, updated, outOfOrder);
    }

    /**
     * The row as the simulator served that version, as the connector writes it: instants as epoch ms, arrays and
     * objects as their JSON text.
     */
    private static JsonNode servedValue(CxoneSimulator sim, ReportingTimeline.Version v, ReportingEndpoint endpoint) {
        ObjectNode row = CxoneHttp.JSON.valueToTree(sim.reportingRow(v));
        for (String field : endpoint.instantFields()) {
            JsonNode value = row.get(field);
            if (value != null && value.isTextual()) {
                row.put(field, Instant.parse(value.asText()).toEpochMilli());
            }
        }
        List<String> nested = new ArrayList<>();
        row.fields().forEachRemaining(e -> {
            if (e.getValue().isContainerNode()) {
                nested.add(e.getKey());
            }
        });
        nested.forEach(field -> row.put(field, row.get(field).toString()));
        return normalised(row);
    }

    /** The same JSON with numbers as a parser reads them (an int where it fits), so served and written compare. */
    private static JsonNode normalised(JsonNode node) {
        try {
            return CxoneHttp.JSON.readTree(CxoneHttp.JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
