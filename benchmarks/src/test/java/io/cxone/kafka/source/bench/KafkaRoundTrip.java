package io.cxone.kafka.source.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The in-run ceiling of a freshness figure: a raw producer → consumer round trip on the same broker while the
 * measured load runs. A producer ({@code acks=all}, idempotent, no linger) sends a small record every
 * 1/{@code perSecond} s carrying its send time ({@link System#nanoTime()}, one JVM); a consumer assigned to the
 * partition polls it and records now - send time. Nothing the pipeline under test does can be faster than this on
 * the same broker at the same moment, so a figure divided by it compares across runs of a noisy machine.
 */
public final class KafkaRoundTrip implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread sender;
    private final Thread receiver;
    private final String topic;
    private final long periodNanos;
    private volatile LatencySamples samples; // null: round trips are not recorded
    private volatile boolean closed;

    /** {@code topic} must exist with one partition. */
    public KafkaRoundTrip(String bootstrapServers, String topic, int perSecond) {
        this.topic = topic;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()));
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition); // positioned before the first send, so no round trip is missed
        sender = new Thread(this::send, "bench-ceiling-producer");
        receiver = new Thread(this::receive, "bench-ceiling-consumer");
        sender.setDaemon(true);
        receiver.setDaemon(true);
        receiver.start();
        sender.start();
    }

    /** Records the round trips that start from now on in {@code target}; null stops recording. */
    public void measureInto(LatencySamples target) {
        samples = target;
    }

    private void send() {
        long next = System.nanoTime();
        while (!closed) {
            LockSupport.parkNanos(next - System.nanoTime());
            next += periodNanos;
            // a round trip started while not recording is marked so, and not counted when it arrives
            byte recorded = (byte) (samples == null ? 0 : 1);
            byte[] value = ByteBuffer.allocate(1 + Long.BYTES)
                    .put(recorded)
                    .putLong(System.nanoTime())
                    .array();
            producer.send(new ProducerRecord<>(topic, 0, null, value));
        }
    }

    private void receive() {
        while (!closed) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                long now = System.nanoTime();
                ByteBuffer value = ByteBuffer.wrap(record.value());
                boolean recorded = value.get() == 1;
                long sentAt = value.getLong();
                LatencySamples target = samples;
                if (recorded && target != null) {
                    target.add((now - sentAt) / 1000);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        sender.join(5_000);
        receiver.join(5_000);
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
