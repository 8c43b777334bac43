package io.cxone.kafka.bridge;

import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The one place that builds the settings of the bridge's Kafka clients: the admin, partition feeds, catch-up
 * readers and group-mode consumers all start from {@link #common} (bootstrap servers and the configured
 * {@code kafka.security.protocol} / {@code kafka.sasl.*} / {@code kafka.ssl.*}), so none can miss the security
 * settings.
 */
public final class KafkaClients {

    private KafkaClients() {}

    /** Bootstrap servers and security settings, shared by every client. */
    static Properties common(BridgeConfig config, String clientId) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        p.putAll(config.kafkaSecurity());
        return p;
    }

    /** Health checks and the clients' metadata look-ups (partitions, start offsets). */
    static Properties admin(BridgeConfig config) {
        Properties p = common(config, "websocket-bridge");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return p;
    }

    /**
     * Partition feeds and catch-up readers: assign only (no group), nothing committed, read_committed, then
     * {@code kafka.consumer.*} overrides.
     */
    public static Properties consumer(BridgeConfig config, String clientId) {
        Properties p = common(config, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // A resume offset already deleted by retention restarts at the log start rather than failing.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(512 * 1024));
        // One fetch per partition now serves every client: let the broker gather up to 32 KiB or 10 ms, so
        // each hand-over (one socket write per client) carries a batch of records at little added latency.
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(32 * 1024));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        p.putAll(config.consumerOverrides());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** Group mode: a member of consumer group {@code websocket-bridge.<group>}; {@code reset} where it has no offset. */
    public static Properties groupConsumer(BridgeConfig config, String clientId, String group, String reset) {
        Properties p = consumer(config, clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "websocket-bridge." + group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset);
        return p;
    }
}
