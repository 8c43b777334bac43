package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.BATCH_MAX_RECORDS;
import static io.cxone.kafka.bridge.BridgeConfig.DEFLATE_ENABLED;
import static io.cxone.kafka.bridge.BridgeConfig.FRAME_MAX_BYTES;
import static io.cxone.kafka.bridge.BridgeConfig.IDLE_TIMEOUT_MS;
import static io.cxone.kafka.bridge.BridgeConfig.QUEUE_MAX_BYTES;
import static io.cxone.kafka.bridge.BridgeConfig.QUEUE_MAX_BYTES_TOTAL;
import static io.cxone.kafka.bridge.BridgeConfig.QUEUE_MAX_MESSAGES;
import static io.cxone.kafka.bridge.BridgeConfig.SLOW_CLIENT_POLICY;
import static io.cxone.kafka.bridge.BridgeConfig.WRITE_TIMEOUT_MS;

import io.cxone.kafka.bridge.BridgeConfig.SlowClientPolicy;
import io.cxone.kafka.common.config.ConfigEnums;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of what a client's socket carries and holds of {@link BridgeConfig}: frame size, batching,
 * compression, the outgoing queue limits (per client at least one frame, in total at least one client's queue),
 * the slow-client policy and the socket timeouts.
 */
final class ClientStreamSettings {

    private static final String GROUP = "Client streams";

    private ClientStreamSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                FRAME_MAX_BYTES,
                Type.INT,
                1024 * 1024,
                ConfigDef.Range.between(1024, 64 * 1024 * 1024),
                Importance.MEDIUM,
                "Largest message sent to a client, in bytes (after gzip); a larger record becomes a"
                        + " record_too_large error frame. Also the largest frame read from a client, as Jetty has"
                        + " one frame-size setting for both directions.",
                GROUP,
                ++order,
                Width.SHORT,
                "Frame limit (bytes)");
        def.define(
                BATCH_MAX_RECORDS,
                Type.INT,
                500,
                ConfigDef.Range.between(1, 100_000),
                Importance.LOW,
                "Largest batch=N a client may ask for: records of one partition per frame.",
                GROUP,
                ++order,
                Width.SHORT,
                "Batch limit (records)");
        def.define(
                DEFLATE_ENABLED,
                Type.BOOLEAN,
                true,
                Importance.LOW,
                "Accept the permessage-deflate extension when a client offers it.",
                GROUP,
                ++order,
                Width.SHORT,
                "permessage-deflate");
        def.define(
                QUEUE_MAX_MESSAGES,
                Type.INT,
                1000,
                ConfigDef.Range.between(1, 10_000_000),
                Importance.MEDIUM,
                "Frames one client's outgoing queue holds at most; when it is full, " + SLOW_CLIENT_POLICY
                        + " applies. A slow client fills only its own queue: it never delays Kafka reads or other"
                        + " clients.",
                GROUP,
                ++order,
                Width.SHORT,
                "Client queue (frames)");
        def.define(
                QUEUE_MAX_BYTES,
                Type.LONG,
                4L * 1024 * 1024,
                ConfigDef.Range.atLeast(1024),
                Importance.MEDIUM,
                "Bytes one client's outgoing queue holds at most; at least " + FRAME_MAX_BYTES + ", so a"
                        + " largest frame fits.",
                GROUP,
                ++order,
                Width.SHORT,
                "Client queue (bytes)");
        def.define(
                QUEUE_MAX_BYTES_TOTAL,
                Type.LONG,
                256L * 1024 * 1024,
                ConfigDef.Range.atLeast(1024),
                Importance.MEDIUM,
                "Bytes all client queues hold together at most, whatever the number of clients: the bound of the"
                        + " bridge's memory for queued frames; at least " + QUEUE_MAX_BYTES + ". A client whose"
                        + " frame does not fit is treated as slow.",
                GROUP,
                ++order,
                Width.SHORT,
                "All queues (bytes)");
        def.define(
                SLOW_CLIENT_POLICY,
                Type.STRING,
                ConfigEnums.configName(SlowClientPolicy.DROP_OLDEST),
                ConfigEnums.validator(SlowClientPolicy.class),
                Importance.MEDIUM,
                "What happens when a client's queue is full: drop-oldest drops the oldest queued frames and sends"
                        + " the client a dropped frame with the missed offset ranges;"
                        + " disconnect closes the connection with 1008 and a reason naming the limit.",
                GROUP,
                ++order,
                Width.SHORT,
                "Slow-client policy");
        def.define(
                IDLE_TIMEOUT_MS,
                Type.LONG,
                300_000L,
                ConfigDef.Range.atLeast(1000),
                Importance.LOW,
                "Milliseconds a WebSocket may stay without any traffic before it is closed.",
                GROUP,
                ++order,
                Width.SHORT,
                "Idle timeout (ms)");
        def.define(
                WRITE_TIMEOUT_MS,
                Type.LONG,
                30_000L,
                ConfigDef.Range.atLeast(100),
                Importance.LOW,
                "Milliseconds a write to a client (WebSocket or SSE stream) may stall before the connection is"
                        + " closed: a client that stops reading gives its resources back.",
                GROUP,
                ++order,
                Width.SHORT,
                "Write timeout (ms)");
    }

    /** A client's queue holds at least one largest frame; all queues together at least one client's queue. */
    static void checkCombinations(BridgeConfig config) {
        if (config.queueMaxBytes() < config.frameMaxBytes()) {
            throw new ConfigException(
                    QUEUE_MAX_BYTES,
                    config.queueMaxBytes(),
                    "must be at least " + FRAME_MAX_BYTES + " (" + config.frameMaxBytes() + ")");
        }
        if (config.queueMaxBytesTotal() < config.queueMaxBytes()) {
            throw new ConfigException(
                    QUEUE_MAX_BYTES_TOTAL,
                    config.queueMaxBytesTotal(),
                    "must be at least " + QUEUE_MAX_BYTES + " (" + config.queueMaxBytes() + ")");
        }
    }
}
