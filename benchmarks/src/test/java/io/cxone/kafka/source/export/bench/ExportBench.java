package io.cxone.kafka.source.export.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.source.bench.CpuClock;
import io.cxone.kafka.testkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * What the export benchmarks share: the shipped connector settings, an exactly-once export timed until every chunk's
 * transaction is committed, the raw-producer ceiling that sends the same records, and the read_committed check.
 */
final class ExportBench {

    static final String SHIPPED_CONFIG = "connectors/cxone-export-source.json";
    private static final String PRODUCER_OVERRIDE = "producer.override.";

    private ExportBench() {}

    /**
     * Producer overrides and the header converter of the shipped connector configuration; with {@code
     * shippedConverters} its key and value converters too (values Avro through the registry, which this starts),
     * otherwise StringConverter keys and JsonConverter values without schemas.
     */
    static Map<String, String> shippedSettings(boolean shippedConverters) throws Exception {
        JsonNode config =
                new ObjectMapper().readTree(Path.of(SHIPPED_CONFIG).toFile()).get("config");
        Map<String, String> out = new TreeMap<>();
        config.fields().forEachRemaining(e -> {
            if (e.getKey().startsWith(PRODUCER_OVERRIDE)
                    || e.getKey().equals(ConnectorConfig.HEADER_CONVERTER_CLASS_CONFIG)
                    || shippedConverters
                            && (e.getKey().startsWith("key.converter")
                                    || e.getKey().startsWith("value.converter"))) {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        if (shippedConverters) {
            out.put(
                    "value.converter.apicurio.registry.url",
                    TestServices.registry().apicurioApiUrl());
        } else {
            out.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.storage.StringConverter");
            out.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.json.JsonConverter");
            out.put("value.converter.schemas.enable", "false");
        }
        return out;
    }

    /** The connector's producer overrides as plain producer settings: what the raw producer gets. */
    static Map<String, Object> producerSettings(Map<String, String> shipped) {
        Map<String, Object> tuned = new HashMap<>();
        shipped.forEach((k, v) -> {
            if (k.startsWith(PRODUCER_OVERRIDE)) {
                tuned.put(k.substring(PRODUCER_OVERRIDE.length()), v);
            }
        });
        return tuned;
    }

    /** The shipped settings with exactly-once required and one transaction per chunk, one task. */
    static Map<String, String> exactlyOnce(Map<String, String> shipped, Class<?> connectorClass) {
        Map<String, String> config = new HashMap<>(shipped);
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, connectorClass.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put(SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_CONFIG, "required");
        config.put(SourceConnectorConfig.TRANSACTION_BOUNDARY_CONFIG, "connector");
        return config;
    }

    /**
     * Seconds from the task running until {@code rows} records and {@code commits} commit markers are committed to
     * {@code topic} (one partition); {@code atStart} runs when the clock starts, {@code atCommit} when it stops, before
     * the connector (named as the topic) is deleted.
     */
    static double export(
            EmbeddedConnectCluster connect,
            Admin admin,
            Map<String, String> config,
            String topic,
            long rows,
            long commits,
            Runnable atStart,
            Runnable atCommit)
            throws Exception {
        connect.kafka().createTopic(topic, 1);
        connect.configureConnector(topic, config);
        // Timed from the moment the task runs: deployment and rebalance are not export throughput.
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(topic, 1, "export task should start");
        atStart.run();
        long t0 = System.nanoTime();
        awaitLastStableOffset(admin, new TopicPartition(topic, 0), rows + commits, Duration.ofMinutes(15));
        double seconds = (System.nanoTime() - t0) / 1e9;
        atCommit.run();
        connect.deleteConnector(topic);
        return seconds;
    }

    /**
     * Seconds for an idempotent producer (acks=all) to send and flush the records with their headers; with
     * {@code transactionSize > 0} a transactional one committing every {@code transactionSize} records.
     */
    static double rawProducer(
            EmbeddedConnectCluster connect,
            String topic,
            List<ConsumerRecord<byte[], byte[]>> records,
            Map<String, Object> settings,
            int transactionSize,
            Runnable atFlush) {
        connect.kafka().createTopic(topic, 1);
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionSize > 0) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.partitionsFor(
                    topic); // metadata fetched before the clock starts, as the connector's producer has it
            if (transactionSize > 0) {
                producer.initTransactions();
            }
            long t = System.nanoTime();
            int inTransaction = 0;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (transactionSize > 0 && inTransaction++ == 0) {
                    producer.beginTransaction();
                }
                producer.send(new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers()));
                if (transactionSize > 0 && inTransaction == transactionSize) {
                    producer.commitTransaction();
                    inTransaction = 0;
                }
            }
            if (inTransaction > 0) {
                producer.commitTransaction();
            }
            producer.flush();
            double seconds = (System.nanoTime() - t) / 1e9;
            atFlush.run();
            return seconds;
        }
    }

    /**
     * The raw producer's runs over the records the connector wrote: client defaults, the connector's producer settings
     * (CPU per thread group printed, read at its flush) and, with those settings, one transaction per {@code chunk}
     * records. Topics are named {@code prefix-raw-defaults}, {@code -tuned} and {@code -transactional}.
     */
    static Ceiling ceiling(
            EmbeddedConnectCluster connect,
            String prefix,
            List<ConsumerRecord<byte[], byte[]>> written,
            Map<String, Object> tuned,
            int chunk) {
        double defaults = rawProducer(connect, prefix + "-raw-defaults", written, Map.of(), 0, () -> {});
        CpuClock cpu = new CpuClock();
        double[][] cpuAtFlush = new double[1][];
        double tunedSeconds = rawProducer(connect, prefix + "-raw-tuned", written, tuned, 0, () -> {
            cpuAtFlush[0] = cpu.elapsed();
            cpu.print("raw phase (connector's settings)", written.size());
        });
        // The same guarantee as the connector's: one transaction per chunk. Shown apart, not the baseline, so the
        // cost of exactly-once itself is visible next to the cost of the connector.
        double transactional = rawProducer(connect, prefix + "-raw-transactional", written, tuned, chunk, () -> {});
        return new Ceiling(defaults, tunedSeconds, transactional, cpuAtFlush[0][0]);
    }

    /**
     * Seconds of the three raw runs, and the CPU seconds of this JVM (broker and producer) in the run with the
     * connector's settings.
     */
    record Ceiling(double defaultsSeconds, double tunedSeconds, double transactionalSeconds, double tunedCpuSeconds) {
        /** The baseline: the faster of the two non-transactional runs. */
        double seconds() {
            return Math.min(defaultsSeconds, tunedSeconds);
        }
    }

    static void awaitLastStableOffset(Admin admin, TopicPartition tp, long end, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long lso = admin.listOffsets(
                            Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(tp)
                    .get()
                    .offset();
            if (lso >= end) {
                return;
            }
            Thread.sleep(20); // a benchmark's polling interval, not test synchronisation
        }
        throw new IllegalStateException("the export did not commit up to offset " + end + " in " + timeout);
    }

    /** All records a read_committed consumer sees in partition 0 of {@code topic}, in offset order. */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(expected);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** {@link #readCommitted}; fails unless there are exactly {@code expected} records with distinct keys. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = readCommitted(topic, expected);
        Set<String> keys = new HashSet<>();
        out.forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        if (out.size() != expected || keys.size() != expected) {
            throw new IllegalStateException(
                    out.size() + " records with " + keys.size() + " distinct keys, expected " + expected);
        }
        return out;
    }
}
