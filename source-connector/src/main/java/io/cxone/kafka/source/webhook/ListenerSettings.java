package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookConfig.BIND_ADDRESS;
import static io.cxone.kafka.source.webhook.WebhookConfig.DEFAULT_PATH;
import static io.cxone.kafka.source.webhook.WebhookConfig.MAX_CONNECTIONS;
import static io.cxone.kafka.source.webhook.WebhookConfig.MAX_THREADS;
import static io.cxone.kafka.source.webhook.WebhookConfig.PATH;
import static io.cxone.kafka.source.webhook.WebhookConfig.PORT;
import static io.cxone.kafka.source.webhook.WebhookConfig.REQUEST_BODY_TIMEOUT_MS;
import static io.cxone.kafka.source.webhook.WebhookConfig.TLS_KEYSTORE_PASSWORD;
import static io.cxone.kafka.source.webhook.WebhookConfig.TLS_KEYSTORE_PATH;
import static io.cxone.kafka.source.webhook.WebhookConfig.TLS_KEYSTORE_TYPE;

import io.cxone.kafka.common.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Settings of the HTTP listener: where it binds, TLS, threads, connections, and how long a body may take. */
final class ListenerSettings {

    private static final String GROUP = "Listener";

    private ListenerSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                BIND_ADDRESS,
                Type.STRING,
                "0.0.0.0",
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                "Address the HTTP listener binds to.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Bind address");
        def.define(
                PORT,
                Type.INT,
                8701,
                ConfigDef.Range.between(0, 65535),
                Importance.HIGH,
                "Port of the HTTP listener, the same for every task: tasks on one host share it (SO_REUSEPORT, the "
                        + "kernel spreads connections over them), so a load balancer reaches the webhook at this port on "
                        + "every worker host, and GET /health answers 200 wherever a task listens. 0 picks a free port "
                        + "per task (tests only).",
                GROUP,
                ++order,
                Width.SHORT,
                "Port");
        def.define(
                PATH,
                Type.STRING,
                DEFAULT_PATH,
                new PathValidator(),
                Importance.MEDIUM,
                "Path that accepts POSTed events; other paths answer 404.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Path");
        def.define(
                TLS_KEYSTORE_PATH,
                Type.STRING,
                "",
                Validators.readableFile(true),
                Importance.MEDIUM,
                "Keystore with the listener's certificate and key. Empty: plain HTTP.",
                GROUP,
                ++order,
                Width.LONG,
                "TLS keystore");
        def.define(
                TLS_KEYSTORE_PASSWORD,
                Type.PASSWORD,
                null,
                Importance.MEDIUM,
                "Password of the TLS keystore and its key.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "TLS keystore password");
        def.define(
                TLS_KEYSTORE_TYPE,
                Type.STRING,
                "PKCS12",
                ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                Importance.LOW,
                "Type of the TLS keystore.",
                GROUP,
                ++order,
                Width.SHORT,
                "TLS keystore type");
        def.define(
                MAX_THREADS,
                Type.INT,
                64,
                ConfigDef.Range.between(8, 1000),
                Importance.LOW,
                "Maximum HTTP worker threads of the listener. Requests waiting for Kafka do not hold a thread.",
                GROUP,
                ++order,
                Width.SHORT,
                "Listener threads");
        def.define(
                MAX_CONNECTIONS,
                Type.INT,
                4096,
                ConfigDef.Range.between(1, 100_000),
                Importance.LOW,
                "Most open connections to the listener. At the limit it stops accepting: further callers wait in the "
                        + "operating system's accept queue until a connection closes. An idle connection holds a few KiB; "
                        + "the default leaves room for about 1,000 requests in flight (20,000 events/s at 50 ms) with "
                        + "keep-alive connections to spare.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max connections");
        def.define(
                REQUEST_BODY_TIMEOUT_MS,
                Type.LONG,
                15_000L,
                ConfigDef.Range.between(100, 300_000),
                Importance.LOW,
                "Longest time a request's body may take to arrive, counted from its headers. A slower body answers 408 "
                        + "and the connection is closed, so a caller trickling bytes cannot hold a connection.",
                GROUP,
                ++order,
                Width.SHORT,
                "Body timeout (ms)");
    }

    /** A path starting with '/', without spaces or a query. */
    static final class PathValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String path = (String) value;
            if (path == null
                    || !path.startsWith("/")
                    || path.contains(" ")
                    || path.contains("?")
                    || path.contains("#")) {
                throw new ConfigException(name, value, "must start with '/' and hold no spaces, '?' or '#'");
            }
        }

        @Override
        public String toString() {
            return "a path starting with '/'";
        }
    }
}
