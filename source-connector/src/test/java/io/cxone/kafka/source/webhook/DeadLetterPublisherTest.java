package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** The DLQ producer takes the connector's dlq.-prefixed producer settings (a secured cluster's SASL/SSL among them). */
class DeadLetterPublisherTest {

    private static Map<String, String> props(Map<String, String> dlq) {
        Map<String, String> props = new HashMap<>(dlq);
        props.put(WebhookConfig.TOPIC, "events");
        props.put(WebhookConfig.DLQ_TOPIC, "events.dlq");
        props.put(WebhookConfig.DLQ_BOOTSTRAP_SERVERS, "127.0.0.1:1");
        props.put(WebhookConfig.BIND_ADDRESS, "127.0.0.1"); // auth.mode=none is refused on a public address
        return props;
    }

    @Test
    void securitySettingsWithTheDlqPrefixReachTheProducerConfigAndTheTopicDoesNot() {
        WebhookConfig config = new WebhookConfig(props(Map.of(
                "dlq.security.protocol", "SASL_SSL",
                "dlq.sasl.mechanism", "SCRAM-SHA-512",
                "dlq.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                "dlq.ssl.truststore.location", "/etc/kafka/truststore.p12",
                "dlq.acks", "1")));

        Map<String, Object> producer =
                DeadLetterPublisher.producerConfig(config.dlqProducerSettings(), "cxone-webhook-dlq-0");

        assertThat(producer)
                .containsEntry("bootstrap.servers", "127.0.0.1:1")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .containsEntry("acks", "1")
                .containsEntry("client.id", "cxone-webhook-dlq-0")
                .containsKey("sasl.jaas.config")
                .doesNotContainKeys("topic", "dlq.topic");
        assertThat(new WebhookConfigValidator()
                        .validate(props(Map.of("dlq.security.protocol", "SASL_SSL")))
                        .configValues())
                .allSatisfy(v -> assertThat(v.errorMessages()).isEmpty());
    }

    @Test
    void theKafkaProducerItBuildsUsesThem() {
        // SSL with a trust store that does not exist: only a producer that received both settings fails to start.
        WebhookConfig config = new WebhookConfig(props(Map.of(
                "dlq.security.protocol", "SSL",
                "dlq.ssl.truststore.location", "/nonexistent/dlq-truststore.p12")));

        assertThatThrownBy(
                        () -> new DeadLetterPublisher("events.dlq", config.dlqProducerSettings(), "cxone-webhook-dlq-0")
                                .close())
                .isInstanceOf(KafkaException.class)
                .rootCause()
                .hasMessageContaining("/nonexistent/dlq-truststore.p12");
    }

    @Test
    void aDlqKeyNoProducerKnowsIsReportedOnThatKey() {
        Map<String, ConfigValue> byName = new HashMap<>();
        new WebhookConfigValidator()
                .validate(props(Map.of("dlq.sasl.mechansim", "PLAIN")))
                .configValues()
                .forEach(v -> byName.put(v.name(), v));

        assertThat(byName.get("dlq.sasl.mechansim").errorMessages())
                .singleElement()
                .asString()
                .contains("not a Kafka producer setting");
    }
}
