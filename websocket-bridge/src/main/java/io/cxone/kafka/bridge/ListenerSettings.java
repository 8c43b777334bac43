package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.LISTEN_HOST;
import static io.cxone.kafka.bridge.BridgeConfig.LISTEN_PORT;
import static io.cxone.kafka.bridge.BridgeConfig.ORIGINS_ALLOWED;
import static io.cxone.kafka.bridge.BridgeConfig.SHUTDOWN_GRACE_MS;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Settings of {@link BridgeConfig}'s HTTP(S) listener: address, the browser origins it accepts, shutdown. */
final class ListenerSettings {

    private static final String GROUP = "Listener";

    private ListenerSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                LISTEN_HOST,
                Type.STRING,
                "127.0.0.1",
                Importance.HIGH,
                "Address the HTTP(S) listener binds to (WebSocket /stream, /sse, /api/ticket, /health, /metrics and the"
                        + " dashboard). The default serves this machine only; 0.0.0.0 serves every interface.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Listen host");
        def.define(
                LISTEN_PORT,
                Type.INT,
                8702,
                ConfigDef.Range.between(0, 65535),
                Importance.HIGH,
                "Port of the listener; 0 picks a free port (tests).",
                GROUP,
                ++order,
                Width.SHORT,
                "Listen port");
        def.define(
                ORIGINS_ALLOWED,
                Type.LIST,
                "",
                new OriginsValidator(),
                Importance.MEDIUM,
                "Browser origins allowed to open streams besides the bridge's own page, comma-separated"
                        + " (https://host[:port]), or * for any. Empty: same origin only. A request from another"
                        + " origin is refused before the upgrade, so a foreign page cannot use a visitor's ticket or"
                        + " token; requests without an Origin header (non-browser clients) pass.",
                GROUP,
                ++order,
                Width.LONG,
                "Allowed origins");
        def.define(
                SHUTDOWN_GRACE_MS,
                Type.LONG,
                5_000L,
                ConfigDef.Range.between(0, 600_000),
                Importance.LOW,
                "Milliseconds shutdown waits for clients to complete the close handshake before the listener stops.",
                GROUP,
                ++order,
                Width.SHORT,
                "Shutdown grace (ms)");
    }

    /** Each origin is {@code *} or a scheme and host without a path: the form browsers send in {@code Origin}. */
    private static final class OriginsValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            for (String origin : BridgeConfig.nonBlank(castToStrings(value))) {
                if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                    throw new ConfigException(name, origin, "expected '*' or origins like https://host[:port]");
                }
            }
        }

        @SuppressWarnings("unchecked")
        private static List<String> castToStrings(Object value) {
            return value == null ? List.of() : (List<String>) value;
        }

        @Override
        public String toString() {
            return "* or comma-separated http(s)://host[:port], or empty";
        }
    }
}
