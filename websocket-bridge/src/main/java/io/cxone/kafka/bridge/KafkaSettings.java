package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.KAFKA_BOOTSTRAP_SERVERS;
import static io.cxone.kafka.bridge.BridgeConfig.KAFKA_CONSUMER_PREFIX;
import static io.cxone.kafka.bridge.BridgeConfig.POLL_TIMEOUT_MS;
import static io.cxone.kafka.bridge.BridgeConfig.TOPICS_INTERNAL;
import static io.cxone.kafka.bridge.BridgeConfig.TOPICS_INTERNAL_DEFAULT;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The Kafka settings of {@link BridgeConfig}: bootstrap servers, the poll timeout and the topics never streamed, and
 * the keys read by prefix: {@code kafka.consumer.*} overrides and the client security settings. The clients are
 * built from them in {@link KafkaClients}.
 */
final class KafkaSettings {

    private static final String GROUP = "Kafka";
    private static final String KAFKA_PREFIX = "kafka.";

    /**
     * Client security settings given as {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*}:
     * passed (without the {@code kafka.} prefix) to every Kafka client of the bridge, the admin included.
     */
    private static final Pattern SECURITY_KEY = Pattern.compile("(security\\.protocol|sasl\\..+|ssl\\..+)");

    private KafkaSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                KAFKA_BOOTSTRAP_SERVERS,
                Type.STRING,
                ConfigDef.NO_DEFAULT_VALUE,
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                "Kafka brokers to connect to first (host:port, comma-separated). Keys read by prefix complete the"
                        + " clients: kafka.security.protocol, kafka.sasl.<property> and kafka.ssl.<property> go,"
                        + " without the kafka. prefix, to every Kafka client of the bridge (admin, partition feeds,"
                        + " catch-up readers, group-mode consumers), e.g. kafka.sasl.jaas.config or"
                        + " kafka.ssl.truststore.location; kafka.consumer.<property> goes to every consumer, over the"
                        + " bridge's defaults (isolation.level read_committed, max.poll.records 500, fetch.max.bytes"
                        + " 1 MiB, max.partition.fetch.bytes 512 KiB, fetch.min.bytes 32 KiB, fetch.max.wait.ms 10).",
                GROUP,
                ++order,
                Width.LONG,
                "Bootstrap servers");
        def.define(
                POLL_TIMEOUT_MS,
                Type.LONG,
                200L,
                ConfigDef.Range.between(1, 60_000),
                Importance.LOW,
                "Milliseconds a consumer's poll waits for records: how quickly an idle reader notices that its"
                        + " clients left or that it must stop.",
                GROUP,
                ++order,
                Width.SHORT,
                "Poll timeout (ms)");
        def.define(
                TOPICS_INTERNAL,
                Type.LIST,
                TOPICS_INTERNAL_DEFAULT,
                Importance.MEDIUM,
                "Topics never streamed, whatever a token allows (comma-separated names): by default the local"
                        + " stack's Connect worker topics, Connect's default names and the schema registry's journal."
                        + " Every topic whose name starts with __ (Kafka's own) is refused as well.",
                GROUP,
                ++order,
                Width.LONG,
                "Internal topics");
    }

    /** Whether {@code key} is a {@code kafka.consumer.*} override or a client security setting. */
    static boolean readsByPrefix(String key) {
        return key.startsWith(KAFKA_CONSUMER_PREFIX)
                || (key.startsWith(KAFKA_PREFIX)
                        && SECURITY_KEY
                                .matcher(key.substring(KAFKA_PREFIX.length()))
                                .matches());
    }

    /** The {@code kafka.consumer.*} settings without the prefix. */
    static Map<String, String> consumerOverrides(BridgeConfig config) {
        return trimmed(config.originalsWithPrefix(KAFKA_CONSUMER_PREFIX));
    }

    /** The client security settings without the {@code kafka.} prefix. */
    static Map<String, String> security(BridgeConfig config) {
        Map<String, Object> settings = new TreeMap<>(config.originalsWithPrefix(KAFKA_PREFIX));
        settings.keySet().removeIf(key -> !SECURITY_KEY.matcher(key).matches());
        return trimmed(settings);
    }

    private static Map<String, String> trimmed(Map<String, Object> settings) {
        Map<String, String> result = new TreeMap<>();
        settings.forEach((key, value) -> result.put(key, value.toString().trim()));
        return Collections.unmodifiableMap(result);
    }
}
