package io.cxone.kafka.reconcile;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads whole topics as a {@code read_committed} consumer: every partition from its start to the last stable offset
 * taken when the read begins, so records of transactions still open (a chunk being written) and of aborted ones are
 * never seen. No consumer group: nothing is committed, nothing else is disturbed.
 */
final class CommittedTopicReader implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String bootstrapServers;
    private final Deadline deadline;

    CommittedTopicReader(Properties kafka, Deadline deadline) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "cxone-reconcile");
        this.bootstrapServers = props.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.deadline = deadline;
    }

    /** Whether the topic exists (has partitions). */
    boolean exists(String topic) {
        return !partitions(topic).isEmpty();
    }

    /**
     * Hands each committed record of {@code topic} to {@code each}, partition by partition in offset order within
     * each; returns the last stable offset of each partition the read went up to.
     */
    Map<TopicPartition, Long> readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<TopicPartition> partitions = partitions(topic);
        if (partitions.isEmpty()) {
            throw new ReconcileException("topic " + topic + " does not exist in Kafka at " + bootstrapServers);
        }
        String doing = "reading topic " + topic;
        Map<TopicPartition, Long> end;
        try {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            end = new HashMap<>(consumer.endOffsets(partitions, deadline.remaining(CALL_TIMEOUT, doing)));
            while (!reachedEnd(end, doing)) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(deadline.remaining(Duration.ofMillis(500), doing))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                    }
                }
            }
        } catch (TimeoutException e) {
            throw unreachable(doing, e);
        } finally {
            consumer.unsubscribe();
        }
        return end;
    }

    private boolean reachedEnd(Map<TopicPartition, Long> end, String doing) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), deadline.remaining(CALL_TIMEOUT, doing)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private List<TopicPartition> partitions(String topic) {
        String doing = "asking Kafka for the partitions of " + topic;
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, deadline.remaining(CALL_TIMEOUT, doing));
            return infos == null
                    ? List.of()
                    : infos.stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
        } catch (TimeoutException e) {
            throw unreachable(doing, e);
        }
    }

    private ReconcileException unreachable(String doing, TimeoutException e) {
        return new ReconcileException(
                "Kafka at " + bootstrapServers + " did not answer in time while " + doing + " (" + e.getMessage()
                        + "); check --bootstrap-servers and --kafka-config",
                e);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
