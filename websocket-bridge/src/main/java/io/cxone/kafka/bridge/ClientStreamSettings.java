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
import static io.cxone.kafka.bridge.ConfigValues.bool;
import static io.cxone.kafka.bridge.ConfigValues.integer;
import static io.cxone.kafka.bridge.ConfigValues.longValue;
import static io.cxone.kafka.bridge.ConfigValues.string;

import io.cxone.kafka.bridge.BridgeConfig.ConfigException;
import io.cxone.kafka.bridge.BridgeConfig.SlowClientPolicy;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * The settings of what a client's socket carries and holds of {@link BridgeConfig}: frame size, batching,
 * compression, the outgoing queue limits (per client at least one frame, in total at least one client's queue),
 * the slow-client policy and the socket timeouts. Read through {@link BridgeConfig}'s getters.
 */
final class ClientStreamSettings {

    static final Set<String> KEYS = Set.of(
            FRAME_MAX_BYTES,
            BATCH_MAX_RECORDS,
            DEFLATE_ENABLED,
            QUEUE_MAX_MESSAGES,
            QUEUE_MAX_BYTES,
            QUEUE_MAX_BYTES_TOTAL,
            SLOW_CLIENT_POLICY,
            IDLE_TIMEOUT_MS,
            WRITE_TIMEOUT_MS);

    final int frameMaxBytes;
    final int batchMaxRecords;
    final boolean deflateEnabled;
    final int queueMaxMessages;
    final long queueMaxBytes;
    final long queueMaxBytesTotal;
    final SlowClientPolicy slowClientPolicy;
    final Duration idleTimeout;
    final Duration writeTimeout;

    ClientStreamSettings(Properties p) {
        frameMaxBytes = integer(p, FRAME_MAX_BYTES, 1024 * 1024, 1024, 64 * 1024 * 1024);
        batchMaxRecords = integer(p, BATCH_MAX_RECORDS, 500, 1, 100_000);
        deflateEnabled = bool(p, DEFLATE_ENABLED, true);
        queueMaxMessages = integer(p, QUEUE_MAX_MESSAGES, 1000, 1, 10_000_000);
        queueMaxBytes = longValue(p, QUEUE_MAX_BYTES, 4L * 1024 * 1024, 1024, Long.MAX_VALUE);
        if (queueMaxBytes < frameMaxBytes) {
            throw new ConfigException(
                    QUEUE_MAX_BYTES,
                    Long.toString(queueMaxBytes),
                    "must be at least " + FRAME_MAX_BYTES + " (" + frameMaxBytes + ")");
        }
        queueMaxBytesTotal = longValue(p, QUEUE_MAX_BYTES_TOTAL, 256L * 1024 * 1024, 1024, Long.MAX_VALUE);
        if (queueMaxBytesTotal < queueMaxBytes) {
            throw new ConfigException(
                    QUEUE_MAX_BYTES_TOTAL,
                    Long.toString(queueMaxBytesTotal),
                    "must be at least " + QUEUE_MAX_BYTES + " (" + queueMaxBytes + ")");
        }
        slowClientPolicy = SlowClientPolicy.parse(SLOW_CLIENT_POLICY, string(p, SLOW_CLIENT_POLICY, "drop-oldest"));
        idleTimeout = Duration.ofMillis(longValue(p, IDLE_TIMEOUT_MS, 300_000, 1000, Long.MAX_VALUE));
        writeTimeout = Duration.ofMillis(longValue(p, WRITE_TIMEOUT_MS, 30_000, 100, Long.MAX_VALUE));
    }
}
