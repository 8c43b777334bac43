package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookConfig.ACK_TIMEOUT_MS;
import static io.cxone.kafka.source.webhook.WebhookConfig.POLL_LINGER_MS;
import static io.cxone.kafka.source.webhook.WebhookConfig.POLL_MAX_EVENTS;
import static io.cxone.kafka.source.webhook.WebhookConfig.QUEUE_MAX_EVENTS;
import static io.cxone.kafka.source.webhook.WebhookConfig.RETRY_AFTER_SECONDS;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings of delivery to Kafka: queue capacity, ack timeout, polling. */
final class DeliverySettings {

    private static final String GROUP = "Delivery";

    private DeliverySettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                QUEUE_MAX_EVENTS,
                Type.INT,
                10_000,
                ConfigDef.Range.between(1, 10_000_000),
                Importance.MEDIUM,
                "Events accepted but not yet acknowledged by Kafka, at most. A request that does not fit answers 429 "
                        + "with Retry-After and is not accepted at all.",
                GROUP,
                ++order,
                Width.SHORT,
                "Queue capacity (events)");
        def.define(
                ACK_TIMEOUT_MS,
                Type.LONG,
                30_000L,
                ConfigDef.Range.between(100, 85_000),
                Importance.MEDIUM,
                "How long a request waits for Kafka to acknowledge its events before it answers 503 with Retry-After. "
                        + "Events not yet handed to Kafka are withdrawn; events already handed over may still be "
                        + "published (dedupe then drops the caller's retry). Below CXone's 90 s call timeout. Checked every "
                        + "tenth of this time (at least 10 ms, at most 1 s), so a 503 can come up to that much later.",
                GROUP,
                ++order,
                Width.SHORT,
                "Ack timeout (ms)");
        def.define(
                RETRY_AFTER_SECONDS,
                Type.INT,
                1,
                ConfigDef.Range.between(1, 3600),
                Importance.LOW,
                "Retry-After value of 429 and 503 answers.",
                GROUP,
                ++order,
                Width.SHORT,
                "Retry-After (s)");
        def.define(
                POLL_MAX_EVENTS,
                Type.INT,
                2000,
                ConfigDef.Range.between(1, 100_000),
                Importance.LOW,
                "Most events one poll() hands to the worker (one transaction with exactly-once support). Requests are "
                        + "never split across polls.",
                GROUP,
                ++order,
                Width.SHORT,
                "Events per poll");
        def.define(
                POLL_LINGER_MS,
                Type.INT,
                0,
                ConfigDef.Range.between(0, 1000),
                Importance.LOW,
                "Once poll() has a request, how long it keeps taking requests that arrive before handing the batch to "
                        + "the worker (up to poll.max.events). With exactly-once each poll is one transaction: callers "
                        + "answered by one commit post again within a millisecond or two, and a short linger puts them in "
                        + "the next transaction together instead of splitting them over two. 0 hands over at once.",
                GROUP,
                ++order,
                Width.SHORT,
                "Poll linger (ms)");
    }
}
