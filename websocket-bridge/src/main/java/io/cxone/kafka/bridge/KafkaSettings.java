package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.KAFKA_BOOTSTRAP_SERVERS;
import static io.cxone.kafka.bridge.BridgeConfig.KAFKA_CONSUMER_PREFIX;
import static io.cxone.kafka.bridge.BridgeConfig.TOPICS_INTERNAL;
import static io.cxone.kafka.bridge.BridgeConfig.TOPICS_INTERNAL_DEFAULT;
import static io.cxone.kafka.bridge.ConfigValues.list;
import static io.cxone.kafka.bridge.ConfigValues.required;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The Kafka settings of {@link BridgeConfig}: bootstrap servers, {@code kafka.consumer.*} overrides, the client
 * security settings and the topics never streamed. Read through {@link BridgeConfig}'s getters; the clients are
 * built from them in {@link KafkaClients}.
 */
final class KafkaSettings {

    /**
     * Client security settings given as {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*}:
     * passed (without the {@code kafka.} prefix) to every Kafka client of the bridge, the admin included.
     */
    private static final Pattern SECURITY_KEY = Pattern.compile("kafka\\.(security\\.protocol|sasl\\..+|ssl\\..+)");

    final String bootstrapServers;
    final Map<String, String> consumerOverrides;
    final Map<String, String> security;
    final Set<String> internalTopics;

    KafkaSettings(Properties p) {
        bootstrapServers = required(p, KAFKA_BOOTSTRAP_SERVERS);
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (key.startsWith(KAFKA_CONSUMER_PREFIX)) {
                overrides.put(
                        key.substring(KAFKA_CONSUMER_PREFIX.length()),
                        p.getProperty(key).trim());
            }
        }
        consumerOverrides = Collections.unmodifiableMap(overrides);
        Map<String, String> securitySettings = new LinkedHashMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (SECURITY_KEY.matcher(key).matches()) {
                securitySettings.put(
                        key.substring("kafka.".length()), p.getProperty(key).trim());
            }
        }
        security = Collections.unmodifiableMap(securitySettings);
        internalTopics = Set.copyOf(list(p, TOPICS_INTERNAL, TOPICS_INTERNAL_DEFAULT));
    }

    /** Whether this fragment reads {@code key}. */
    static boolean reads(String key) {
        return key.equals(KAFKA_BOOTSTRAP_SERVERS)
                || key.equals(TOPICS_INTERNAL)
                || key.startsWith(KAFKA_CONSUMER_PREFIX)
                || SECURITY_KEY.matcher(key).matches();
    }
}
