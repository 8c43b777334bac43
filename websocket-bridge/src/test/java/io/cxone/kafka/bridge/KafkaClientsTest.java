package io.cxone.kafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** Every Kafka client the bridge creates takes the configured security settings. */
class KafkaClientsTest {

    private static BridgeConfig secured() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", "broker:9093");
        m.put("auth.enabled", "false");
        m.put("kafka.security.protocol", "SASL_SSL");
        m.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
        m.put(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
        m.put("kafka.ssl.truststore.location", "/etc/bridge/truststore.p12");
        m.put("kafka.ssl.truststore.password", "changeit");
        m.put("kafka.consumer.max.poll.records", "100");
        return BridgeConfig.of(m);
    }

    @Test
    void securitySettingsReachTheAdminAndEveryConsumerKind() {
        BridgeConfig config = secured();
        Properties admin = KafkaClients.admin(config);
        Properties feed = KafkaClients.consumer(config, "websocket-bridge-feed-t-0");
        Properties group = KafkaClients.groupConsumer(config, "websocket-bridge-client-1", "g", "latest");
        for (Properties p : List.of(admin, feed, group)) {
            assertThat(p)
                    .containsEntry("bootstrap.servers", "broker:9093")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.location", "/etc/bridge/truststore.p12")
                    .containsEntry("ssl.truststore.password", "changeit")
                    .containsKey("sasl.jaas.config");
        }
        assertThat(feed).containsEntry("max.poll.records", "100").doesNotContainKey("group.id");
        assertThat(group).containsEntry("group.id", "websocket-bridge.g").containsEntry("auto.offset.reset", "latest");
        assertThat(admin).doesNotContainKey("max.poll.records");
        // Kafka itself accepts them as client settings (names and types), so a typo would fail here.
        assertThat(new AdminClientConfig(admin).getString("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(new ConsumerConfig(feed).getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        assertThat(new ConsumerConfig(group)
                        .getPassword("ssl.truststore.password")
                        .value())
                .isEqualTo("changeit");
    }

    @Test
    void onlySecurityKeysPassWithTheKafkaPrefix() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", "broker:9093");
        m.put("auth.enabled", "false");
        m.put("kafka.linger.ms", "5");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BridgeConfig.of(m))
                .hasMessageContaining("Unknown configuration kafka.linger.ms");
    }
}
