package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.testkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The dedupe window read back from a real topic: what a rebuild remembers (the committed records of the window, by
 * their event-id header, where they are), what it skips (records another producer wrote without a readable header,
 * records older than the window, aborted transactions), how far back it reads at most, that a follower takes in
 * what is published later, and that an unreachable Kafka leaves the task to start without the window.
 */
class DedupeTopicReaderIT {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    @Test
    void aRebuildRemembersTheCommittedIdsOfTheWindowWhereTheyAreAndSkipsWhatItCannotPlace() throws Exception {
        String topic = "dedupe-rebuild-" + UUID.randomUUID();
        TestServices.connect().kafka().createTopic(topic, 1);
        long now = System.currentTimeMillis();
        RecordMetadata recent;
        try (KafkaProducer<byte[], byte[]> producer = producer(null)) {
            recent = send(producer, record(topic, now, "recent-1".getBytes(StandardCharsets.UTF_8)));
            send(producer, record(topic, now - 10 * WINDOW.toMillis(), "too-old".getBytes(StandardCharsets.UTF_8)));
            send(producer, new ProducerRecord<>(topic, null, now, null, "foreign".getBytes(StandardCharsets.UTF_8)));
            send(producer, record(topic, now, new byte[] {(byte) 0xC3, (byte) 0x28})); // not UTF-8
            send(producer, record(topic, now, null));
            try (KafkaProducer<byte[], byte[]> transactional = producer("dedupe-aborter-" + topic)) {
                transactional.initTransactions();
                transactional.beginTransaction();
                transactional.send(record(topic, now, "aborted-1".getBytes(StandardCharsets.UTF_8)));
                transactional.flush();
                transactional.abortTransaction(); // offset 5, its abort marker 6
            }
            for (int i = 0; i < 30; i++) {
                send(producer, record(topic, now, ("tail-" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }

        EventDeduplicator window = new EventDeduplicator(WINDOW, 1000, Clock.systemUTC());
        DedupeTopicReader.Rebuild all = rebuild(topic, window, 1000);
        assertThat(all.records()).isEqualTo(35); // the aborted record and the transaction marker are not read
        assertThat(all.remembered()).isEqualTo(31);
        assertThat(all.withoutId()).isEqualTo(3);
        assertThat(all.outsideWindow()).isEqualTo(1);
        assertThat(all.partitions()).isEqualTo(1);
        EventDeduplicator.Published earlier = claim(window, "recent-1");
        assertThat(earlier).isEqualTo(new EventDeduplicator.Published(topic, 0, recent.offset()));
        assertThat(claim(window, "tail-0")).isNotNull();
        assertThat(claim(window, "too-old")).isNull();
        assertThat(claim(window, "aborted-1")).isNull();

        // a huge tail is read only as far back as the window can hold: the last 10 records here
        EventDeduplicator small = new EventDeduplicator(WINDOW, 10, Clock.systemUTC());
        DedupeTopicReader.Rebuild bounded = rebuild(topic, small, 10);
        assertThat(bounded.records()).isEqualTo(10);
        assertThat(bounded.remembered()).isEqualTo(10);
        assertThat(claim(small, "tail-20")).isNotNull();
        assertThat(claim(small, "tail-19")).isNull();
    }

    @Test
    void aFollowerTakesInWhatIsPublishedAfterItStartedEvenOnATopicThatDidNotExistYet() throws Exception {
        String topic = "dedupe-follow-" + UUID.randomUUID();
        EventDeduplicator window = new EventDeduplicator(WINDOW, 1000, Clock.systemUTC());
        try (DedupeTopicReader reader = reader(topic, TestServices.kafkaBootstrapServers(), window, 1000, true)) {
            reader.start();
            DedupeTopicReader.Rebuild rebuild = reader.awaitRebuilt(Duration.ofSeconds(30));
            assertThat(rebuild).isNotNull();
            assertThat(rebuild.partitions()).isZero();

            TestServices.connect().kafka().createTopic(topic, 2);
            try (KafkaProducer<byte[], byte[]> producer = producer(null)) {
                for (int i = 0; i < 4; i++) {
                    send(
                            producer,
                            record(topic, System.currentTimeMillis(), ("later-" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> window.size() == 4);
            assertThat(claim(window, "later-3")).isNotNull();
        }
    }

    /** Kafka out of reach: the wait ends at its timeout with nothing, and closing the reader does not hang. */
    @Test
    void anUnreachableKafkaEndsTheWaitWithoutAWindow() {
        EventDeduplicator window = new EventDeduplicator(WINDOW, 1000, Clock.systemUTC());
        DedupeTopicReader reader = reader("nowhere", "127.0.0.1:" + Ports.freePort(), window, 1000, false);
        reader.start();
        assertThat(reader.awaitRebuilt(Duration.ofMillis(500))).isNull();
        reader.close();
        assertThat(window.size()).isZero();
    }

    private static DedupeTopicReader.Rebuild rebuild(String topic, EventDeduplicator window, int maxPerPartition) {
        try (DedupeTopicReader reader =
                reader(topic, TestServices.kafkaBootstrapServers(), window, maxPerPartition, false)) {
            reader.start();
            DedupeTopicReader.Rebuild rebuild = reader.awaitRebuilt(Duration.ofSeconds(30));
            assertThat(rebuild).as("rebuilt within 30 s").isNotNull();
            return rebuild;
        }
    }

    private static DedupeTopicReader reader(
            String topic, String bootstrap, EventDeduplicator window, int maxPerPartition, boolean follow) {
        return new DedupeTopicReader(
                topic,
                Map.of("bootstrap.servers", bootstrap),
                window,
                WINDOW,
                maxPerPartition,
                follow,
                Clock.systemUTC(),
                "dedupe-reader-it");
    }

    /** The earlier copy the window answers for a retry of {@code id}, or null when the retry would be published. */
    private static EventDeduplicator.Published claim(EventDeduplicator window, String id) {
        String request = UUID.randomUUID().toString();
        EventDeduplicator.Published earlier = window.claim(request, List.of(id))[0];
        window.released(request, List.of(id));
        return earlier;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, long timestamp, byte[] eventId) {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, timestamp, null, "{}".getBytes(StandardCharsets.UTF_8));
        record.headers().add(DedupeTopicReader.EVENT_ID_HEADER, eventId);
        return record;
    }

    private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record)
            throws Exception {
        return producer.send(record).get();
    }

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrapServers());
        if (transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
