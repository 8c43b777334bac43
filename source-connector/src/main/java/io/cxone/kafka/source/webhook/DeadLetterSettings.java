package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookConfig.DLQ_BOOTSTRAP_SERVERS;
import static io.cxone.kafka.source.webhook.WebhookConfig.DLQ_TOPIC;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings of the dead-letter topic for rejected bodies and its producer. */
final class DeadLetterSettings {

    private static final String GROUP = "Dead letters";

    private DeadLetterSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                DLQ_TOPIC,
                Type.STRING,
                "",
                Importance.LOW,
                "Topic for rejected bodies (raw bytes, headers with the status and reason). Empty: off.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "DLQ topic");
        def.define(
                DLQ_BOOTSTRAP_SERVERS,
                Type.STRING,
                "",
                Importance.LOW,
                "Kafka bootstrap servers of the DLQ producer (required with dlq.topic). Any other Kafka producer setting "
                        + "of the DLQ producer is given with the same prefix, e.g. dlq.security.protocol, dlq.sasl.mechanism, "
                        + "dlq.sasl.jaas.config, dlq.ssl.truststore.location: a task cannot see the worker's own client "
                        + "settings, so a secured cluster needs them here (secrets through a config provider).",
                GROUP,
                ++order,
                Width.LONG,
                "DLQ bootstrap servers");
    }
}
