package io.cxone.kafka.source.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies rejected bodies (raw bytes) to the DLQ topic with headers {@code status}, {@code reason},
 * {@code request-id}, {@code content-type}, {@code ingest-time}. Only bodies read in full from an authenticated
 * caller are copied (400 and 413 by event count); unauthenticated traffic never reaches Kafka. Best effort: a
 * failed copy is logged, the caller's answer does not change.
 */
final class DeadLetterPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    /** {@code settings}: the connector's dlq.-prefixed producer settings ({@link WebhookConfig#dlqProducerSettings()}). */
    DeadLetterPublisher(String topic, Map<String, Object> settings, String clientId) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(
                producerConfig(settings, clientId), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** This publisher's defaults, overridden by the connector's settings (bootstrap servers, security, ...). */
    static Map<String, Object> producerConfig(Map<String, Object> settings, String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.putAll(settings);
        return config;
    }

    void publish(String requestId, int status, String reason, String contentType, byte[] body) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, body);
        record.headers().add("status", Integer.toString(status).getBytes(StandardCharsets.UTF_8));
        record.headers().add("reason", reason.getBytes(StandardCharsets.UTF_8));
        record.headers().add("request-id", requestId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("content-type", String.valueOf(contentType).getBytes(StandardCharsets.UTF_8));
        record.headers().add("ingest-time", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    log.warn("webhook request {}: copy to DLQ topic {} failed: {}", requestId, topic, error.toString());
                }
            });
        } catch (RuntimeException e) {
            log.warn("webhook request {}: copy to DLQ topic {} failed: {}", requestId, topic, e.toString());
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
