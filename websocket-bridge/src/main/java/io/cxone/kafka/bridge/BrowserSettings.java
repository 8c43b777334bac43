package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.SSE_HEARTBEAT_INTERVAL_MS;
import static io.cxone.kafka.bridge.BridgeConfig.SSE_RETRY_MS;
import static io.cxone.kafka.bridge.BridgeConfig.TICKETS_MAX;
import static io.cxone.kafka.bridge.BridgeConfig.TICKET_TTL_MS;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The settings of {@link BridgeConfig} for browser clients: single-use tickets (a page trades its token for one, so
 * no token goes into a URL; EventSource cannot send an Authorization header) and the Server-Sent Events stream's
 * heartbeat and reconnect hint.
 */
final class BrowserSettings {

    private static final String GROUP = "Browser clients";

    private BrowserSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                TICKET_TTL_MS,
                Type.LONG,
                30_000L,
                ConfigDef.Range.between(1_000, 30_000),
                Importance.LOW,
                "Milliseconds a ticket from POST /api/ticket can be redeemed, once, to open a stream. A ticket stands"
                        + " for a token in a URL, so it lives just long enough to open the stream it was taken for.",
                GROUP,
                ++order,
                Width.SHORT,
                "Ticket lifetime (ms)");
        def.define(
                TICKETS_MAX,
                Type.INT,
                10_000,
                ConfigDef.Range.between(1, 1_000_000),
                Importance.LOW,
                "Tickets issued and neither redeemed nor expired, at most; beyond, ticket requests get 429. Bounds"
                        + " the memory a client with a valid token can make the bridge hold.",
                GROUP,
                ++order,
                Width.SHORT,
                "Outstanding tickets");
        def.define(
                SSE_HEARTBEAT_INTERVAL_MS,
                Type.LONG,
                15_000L,
                ConfigDef.Range.between(1_000, 3_600_000),
                Importance.LOW,
                "Milliseconds an SSE stream may go without writes before it gets a ': heartbeat' comment line, so"
                        + " proxies and browsers keep a quiet stream open.",
                GROUP,
                ++order,
                Width.SHORT,
                "SSE heartbeat (ms)");
        def.define(
                SSE_RETRY_MS,
                Type.LONG,
                3_000L,
                ConfigDef.Range.between(0, 3_600_000),
                Importance.LOW,
                "The 'retry:' an SSE stream starts with: milliseconds an EventSource waits before it reconnects"
                        + " (and resumes after the last event it received).",
                GROUP,
                ++order,
                Width.SHORT,
                "SSE retry (ms)");
    }
}
