package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.SSE_HEARTBEAT_INTERVAL_MS;
import static io.cxone.kafka.bridge.BridgeConfig.SSE_RETRY_MS;
import static io.cxone.kafka.bridge.BridgeConfig.TICKETS_MAX;
import static io.cxone.kafka.bridge.BridgeConfig.TICKET_TTL_MS;
import static io.cxone.kafka.bridge.ConfigValues.integer;
import static io.cxone.kafka.bridge.ConfigValues.longValue;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * The settings of {@link BridgeConfig} for browser clients: single-use tickets (a page trades its token for one, so
 * no token goes into a URL; EventSource cannot send an Authorization header) and the Server-Sent Events stream's
 * heartbeat and reconnect hint. Read through {@link BridgeConfig}'s getters.
 */
final class BrowserSettings {

    static final Set<String> KEYS = Set.of(TICKET_TTL_MS, TICKETS_MAX, SSE_HEARTBEAT_INTERVAL_MS, SSE_RETRY_MS);

    final Duration ticketTtl;
    final int ticketsMax;
    final Duration sseHeartbeat;
    final long sseRetryMillis;

    BrowserSettings(Properties p) {
        // A ticket stands for a token: it lives just long enough to open the stream it was taken for.
        ticketTtl = Duration.ofMillis(longValue(p, TICKET_TTL_MS, 30_000, 1_000, 30_000));
        ticketsMax = integer(p, TICKETS_MAX, 10_000, 1, 1_000_000);
        sseHeartbeat = Duration.ofMillis(longValue(p, SSE_HEARTBEAT_INTERVAL_MS, 15_000, 1_000, 3_600_000));
        sseRetryMillis = longValue(p, SSE_RETRY_MS, 3_000, 0, 3_600_000);
    }
}
