package io.cxone.kafka.source.export.bench;

import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.data.FieldSpec;
import io.cxone.kafka.simulator.data.FieldType;
import io.cxone.kafka.source.export.CxoneExportSourceConnector;
import io.cxone.kafka.source.export.ExportSourceConfig;
import io.cxone.kafka.stack.TestServices;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Benchmark (not a test): N small rows (default 1,000,000) from the CXone simulator into Kafka through the
 * export connector with exactly-once on (one transaction per 10,000-row chunk), against a raw KafkaProducer
 * sending the same record bytes to the same broker in the same run. Prints records/s of both and the ratio.
 * <pre>source-connector/bench/export-throughput [rows]</pre>
 */
public final class ExportThroughputBenchmark {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int chunk = 10_000;
        EmbeddedConnectCluster connect = TestServices.connect();
        try (CxoneSimulator sim = CxoneSimulator.start(SimulatorOptions.builder().port(0).rowCount(rows)
                .rowShape(List.of(FieldSpec.of("id", FieldType.STRING), FieldSpec.of("duration_ms", FieldType.LONG),
                        FieldSpec.of("agent_id", FieldType.STRING))).build())) {
            String topic = "bench-export";
            connect.kafka().createTopic(topic, 1);
            Map<String, String> config = new HashMap<>();
            config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, CxoneExportSourceConnector.class.getName());
            config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
            config.put(SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_CONFIG, "required");
            config.put(SourceConnectorConfig.TRANSACTION_BOUNDARY_CONFIG, "connector");
            config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.storage.StringConverter");
            config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.json.JsonConverter");
            config.put("value.converter.schemas.enable", "false");
            config.put(ExportSourceConfig.BASE_URL, sim.baseUrl());
            config.put(ExportSourceConfig.CLIENT_ID, sim.options().clientId());
            config.put(ExportSourceConfig.CLIENT_SECRET, sim.options().clientSecret());
            config.put(ExportSourceConfig.REPORTS, "bench");
            config.put(ExportSourceConfig.TOPIC, topic);
            config.put(ExportSourceConfig.KEY_FIELD, "id");
            config.put(ExportSourceConfig.CHUNK_SIZE, Integer.toString(chunk));
            config.put(ExportSourceConfig.EXPORT_INTERVAL_MS, "3600000");

            connect.configureConnector("bench-export", config);
            // Timed from the moment the task runs: deployment and rebalance are not export throughput.
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("bench-export", 1, "export task should start");
            long t0 = System.nanoTime();
            List<ConsumerRecord<byte[], byte[]>> written = readAll(topic, rows, Duration.ofMinutes(15));
            double connectorSeconds = (System.nanoTime() - t0) / 1e9;
            connect.deleteConnector("bench-export");

            String rawTopic = "bench-raw";
            connect.kafka().createTopic(rawTopic, 1);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrapServers());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            long t1 = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
                for (ConsumerRecord<byte[], byte[]> r : written) {
                    producer.send(new ProducerRecord<>(rawTopic, r.key(), r.value()));
                }
                producer.flush();
            }
            double rawSeconds = (System.nanoTime() - t1) / 1e9;

            double connectorRate = written.size() / connectorSeconds;
            double rawRate = written.size() / rawSeconds;
            System.out.printf("export connector (exactly-once, %d-row chunks): %d records in %.1f s = %.0f records/s%n",
                    chunk, written.size(), connectorSeconds, connectorRate);
            System.out.printf("raw KafkaProducer (same records, same broker):  %d records in %.1f s = %.0f records/s%n",
                    written.size(), rawSeconds, rawRate);
            System.out.printf("ratio connector/raw = %.2f (target >= 0.80)%n", connectorRate / rawRate);
        } finally {
            System.exit(0);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration timeout) {
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
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        if (out.size() < expected) {
            throw new IllegalStateException("only " + out.size() + " of " + expected + " records arrived");
        }
        return out;
    }
}
