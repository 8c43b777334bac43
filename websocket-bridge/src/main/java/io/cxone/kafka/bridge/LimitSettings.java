package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.LIMIT_CONNECTIONS_PER_ADDRESS;
import static io.cxone.kafka.bridge.BridgeConfig.LIMIT_CONNECTIONS_TOTAL;
import static io.cxone.kafka.bridge.BridgeConfig.LIMIT_CONSUMERS_PER_CONNECTION;
import static io.cxone.kafka.bridge.BridgeConfig.LIMIT_CONSUMERS_TOTAL;
import static io.cxone.kafka.bridge.BridgeConfig.LIMIT_MESSAGE_MAX_BYTES;
import static io.cxone.kafka.bridge.BridgeConfig.LIMIT_PARTITIONS_PER_CLIENT;
import static io.cxone.kafka.bridge.BridgeConfig.LIMIT_REQUEST_HEADER_BYTES;
import static io.cxone.kafka.bridge.BridgeConfig.LIMIT_SUBSCRIPTIONS_PER_CLIENT;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The {@code limits.*} settings of {@link BridgeConfig} on what clients may take: connections, subscriptions,
 * partitions, Kafka consumers and the size of what they send. (The queue limits are among
 * {@link ClientStreamSettings}.)
 */
final class LimitSettings {

    private static final String GROUP = "Limits";

    private LimitSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                LIMIT_CONNECTIONS_TOTAL,
                Type.INT,
                1000,
                ConfigDef.Range.between(1, 1_000_000),
                Importance.MEDIUM,
                "Client connections at most, WebSockets and SSE streams together; beyond, a new one is refused"
                        + " before the upgrade.",
                GROUP,
                ++order,
                Width.SHORT,
                "Connections");
        def.define(
                LIMIT_CONNECTIONS_PER_ADDRESS,
                Type.INT,
                50,
                ConfigDef.Range.between(1, 1_000_000),
                Importance.MEDIUM,
                "Client connections from one remote address at most, WebSockets and SSE streams together, so one"
                        + " client cannot take them all. Behind a proxy or load balancer all clients share its"
                        + " address: raise it there and limit per client at the proxy.",
                GROUP,
                ++order,
                Width.SHORT,
                "Connections per address");
        def.define(
                LIMIT_SUBSCRIPTIONS_PER_CLIENT,
                Type.INT,
                20,
                ConfigDef.Range.between(1, 10_000),
                Importance.LOW,
                "Topics one connection may subscribe to.",
                GROUP,
                ++order,
                Width.SHORT,
                "Topics per connection");
        def.define(
                LIMIT_PARTITIONS_PER_CLIENT,
                Type.INT,
                256,
                ConfigDef.Range.between(1, 100_000),
                Importance.LOW,
                "Partitions one connection may read, and entries of a resume offsets parameter.",
                GROUP,
                ++order,
                Width.SHORT,
                "Partitions per connection");
        def.define(
                LIMIT_CONSUMERS_TOTAL,
                Type.INT,
                200,
                ConfigDef.Range.between(1, 100_000),
                Importance.MEDIUM,
                "Kafka consumers of the whole bridge (one thread and its fetch buffers each): partition feeds,"
                        + " catch-up readers and group-mode readers. Clients reading a partition that already has a"
                        + " feed share it; beyond the limit, subscriptions are answered limit_exceeded.",
                GROUP,
                ++order,
                Width.SHORT,
                "Kafka consumers");
        def.define(
                LIMIT_CONSUMERS_PER_CONNECTION,
                Type.INT,
                4,
                ConfigDef.Range.between(1, 1_000),
                Importance.LOW,
                "Kafka consumers of one connection's own: its catch-up readers and its group-mode reader.",
                GROUP,
                ++order,
                Width.SHORT,
                "Kafka consumers per connection");
        def.define(
                LIMIT_MESSAGE_MAX_BYTES,
                Type.INT,
                64 * 1024,
                ConfigDef.Range.between(256, 16 * 1024 * 1024),
                Importance.LOW,
                "Largest message a client may send, in bytes; a larger one is refused.",
                GROUP,
                ++order,
                Width.SHORT,
                "Client message limit (bytes)");
        def.define(
                LIMIT_REQUEST_HEADER_BYTES,
                Type.INT,
                8 * 1024,
                ConfigDef.Range.between(1024, 1024 * 1024),
                Importance.LOW,
                "Request line and headers together, in bytes (the query string with its topics, offsets and"
                        + " ticket or token, an SSE Last-Event-ID); larger requests get 414 or 431.",
                GROUP,
                ++order,
                Width.SHORT,
                "Request header limit (bytes)");
    }
}
