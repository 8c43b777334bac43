package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookConfig.EVENT_ID_FIELD;
import static io.cxone.kafka.source.webhook.WebhookConfig.HEADER_REMOTE_ADDRESS;
import static io.cxone.kafka.source.webhook.WebhookConfig.JSON_UNKNOWN_FIELDS;
import static io.cxone.kafka.source.webhook.WebhookConfig.REQUEST_MAX_BYTES;
import static io.cxone.kafka.source.webhook.WebhookConfig.REQUEST_MAX_DECODED_BYTES;
import static io.cxone.kafka.source.webhook.WebhookConfig.REQUEST_MAX_EVENTS;
import static io.cxone.kafka.source.webhook.WebhookConfig.SCHEMA_FILE;
import static io.cxone.kafka.source.webhook.WebhookConfig.SCHEMA_INLINE;
import static io.cxone.kafka.source.webhook.WebhookConfig.SCHEMA_REGISTRY_SUBJECT;
import static io.cxone.kafka.source.webhook.WebhookConfig.SCHEMA_REGISTRY_URL;
import static io.cxone.kafka.source.webhook.WebhookConfig.SCHEMA_REGISTRY_VERSION;
import static io.cxone.kafka.source.webhook.WebhookConfig.TOPIC;

import io.cxone.kafka.common.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Settings of the events a request carries: the topic, the schema and where it comes from, the event id, and the limits of one request. */
final class EventSettings {

    private static final String GROUP = "Events";

    private EventSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                TOPIC,
                Type.STRING,
                ConfigDef.NO_DEFAULT_VALUE,
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                "Topic the events are written to.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Topic");
        def.define(
                SCHEMA_INLINE,
                Type.STRING,
                "",
                Importance.HIGH,
                "Avro schema (JSON) of the events. Set at most one of schema.inline, schema.file, "
                        + "schema.registry.subject; none: the built-in CXone DataActionEvent schema. It is the writer "
                        + "schema of application/avro bodies, the reader schema for container files, and validates JSON.",
                GROUP,
                ++order,
                Width.LONG,
                "Inline schema");
        def.define(
                SCHEMA_FILE,
                Type.STRING,
                "",
                Validators.readableFile(true),
                Importance.MEDIUM,
                "File holding the Avro schema of the events.",
                GROUP,
                ++order,
                Width.LONG,
                "Schema file");
        def.define(
                SCHEMA_REGISTRY_URL,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "Confluent-compatible registry API to read the schema from, e.g. http://127.0.0.1:8081/apis/ccompat/v7.",
                GROUP,
                ++order,
                Width.LONG,
                "Schema registry URL");
        def.define(
                SCHEMA_REGISTRY_SUBJECT,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "Registry subject of the events' schema.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Schema subject");
        def.define(
                SCHEMA_REGISTRY_VERSION,
                Type.STRING,
                "latest",
                new VersionValidator(),
                Importance.LOW,
                "Version of the subject: a number or 'latest' (read when the task starts).",
                GROUP,
                ++order,
                Width.SHORT,
                "Schema version");
        def.define(
                JSON_UNKNOWN_FIELDS,
                Type.STRING,
                "reject",
                ConfigDef.CaseInsensitiveValidString.in("reject", "ignore"),
                Importance.LOW,
                "Whether JSON fields missing from the schema fail the request (400) or are dropped.",
                GROUP,
                ++order,
                Width.SHORT,
                "Unknown JSON fields");
        def.define(
                EVENT_ID_FIELD,
                Type.STRING,
                "event_id",
                Importance.MEDIUM,
                "Top-level field holding the event id: the record key and the dedupe key. Empty: null keys, no dedupe.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Event id field");
        def.define(
                REQUEST_MAX_BYTES,
                Type.INT,
                1024 * 1024,
                ConfigDef.Range.between(64, 64 * 1024 * 1024),
                Importance.MEDIUM,
                "Largest accepted body in bytes; larger bodies answer 413.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max body bytes");
        def.define(
                REQUEST_MAX_EVENTS,
                Type.INT,
                1000,
                ConfigDef.Range.between(1, 100_000),
                Importance.MEDIUM,
                "Most events in one request; more answer 413.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max events per request");
        def.define(
                REQUEST_MAX_DECODED_BYTES,
                Type.INT,
                8 * 1024 * 1024,
                ConfigDef.Range.between(1024, 256 * 1024 * 1024),
                Importance.MEDIUM,
                "Most bytes of event data one request may decode: Avro data after inflating deflate "
                        + "container blocks, or JSON text, plus 16 for every array or map item the data declares, for the "
                        + "heap an item takes once decoded even when it encodes to no byte (an array of null). Spent while "
                        + "inflating and decoding, so a compression or item-count bomb stops there (413). At least "
                        + "request.max.bytes.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max decoded bytes per request");
        def.define(
                HEADER_REMOTE_ADDRESS,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "Add the caller's address as record header remote-address.",
                GROUP,
                ++order,
                Width.SHORT,
                "Remote address header");
    }

    /** 'latest' or a positive version number. */
    static final class VersionValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String version = value == null ? "" : value.toString().trim();
            if (version.equalsIgnoreCase("latest")) {
                return;
            }
            try {
                if (Integer.parseInt(version) > 0) {
                    return;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigException(name, value, "must be 'latest' or a positive number");
        }

        @Override
        public String toString() {
            return "'latest' or a positive number";
        }
    }
}
