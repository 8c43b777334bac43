package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS;
import static io.cxone.kafka.source.webhook.WebhookConfig.DEDUPE_MAX_ENTRIES;
import static io.cxone.kafka.source.webhook.WebhookConfig.DEDUPE_REBUILD_TIMEOUT_MS;
import static io.cxone.kafka.source.webhook.WebhookConfig.DEDUPE_WINDOW_MS;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Settings of the dedupe window: how long and how many acknowledged event ids it remembers, and the consumer that
 * fills it from the topic (named after Debezium's {@code schema.history.internal.kafka.bootstrap.servers} and
 * {@code schema.history.internal.consumer.*}: a task cannot see the worker's own client settings).
 */
final class DedupeSettings {

    private static final String GROUP = "Dedupe";

    private DedupeSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                DEDUPE_WINDOW_MS,
                Type.LONG,
                0L,
                ConfigDef.Range.atLeast(0),
                Importance.MEDIUM,
                "Drop events whose id was acknowledged within this window (answered with the original offsets), so "
                        + "caller retries publish once. 0 turns dedupe off. Each task keeps its window in memory; with "
                        + DEDUPE_BOOTSTRAP_SERVERS + " it is rebuilt from the topic when the task starts and takes in "
                        + "the ids the connector's other tasks publish.",
                GROUP,
                ++order,
                Width.SHORT,
                "Dedupe window (ms)");
        def.define(
                DEDUPE_MAX_ENTRIES,
                Type.INT,
                100_000,
                ConfigDef.Range.between(1, 10_000_000),
                Importance.LOW,
                "Most event ids the dedupe window remembers (about 150 bytes of heap each, kept as a 128-bit hash); "
                        + "the oldest are forgotten first. At 20,000 events/s the default covers 5 s of retries. A "
                        + "rebuild reads at most this many records per partition.",
                GROUP,
                ++order,
                Width.SHORT,
                "Dedupe capacity");
        def.define(
                DEDUPE_BOOTSTRAP_SERVERS,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "Kafka bootstrap servers of the consumer that reads the topic back into the dedupe window "
                        + "(read_committed, by the record header event-id): when a task starts it reads the records of "
                        + "the last dedupe.window.ms before its listener opens, and with more than one task it keeps "
                        + "reading, so a retry that reaches another task or a task restarted elsewhere is still "
                        + "recognised. Any other consumer setting is given with the prefix dedupe.consumer., e.g. "
                        + "dedupe.consumer.security.protocol, dedupe.consumer.sasl.jaas.config (secrets through a config "
                        + "provider). Empty: the window starts empty and holds only the task's own events.",
                GROUP,
                ++order,
                Width.LONG,
                "Dedupe bootstrap servers");
        def.define(
                DEDUPE_REBUILD_TIMEOUT_MS,
                Type.LONG,
                30_000L,
                ConfigDef.Range.between(0, 600_000),
                Importance.LOW,
                "Longest time a starting task waits for the rebuild of its dedupe window before its listener opens. "
                        + "A rebuild that fails or takes longer does not stop the task: it opens with what was read "
                        + "(a retry of an event published before it started may then be published again) and keeps "
                        + "reading in the background, logging a warning.",
                GROUP,
                ++order,
                Width.SHORT,
                "Dedupe rebuild timeout (ms)");
    }
}
