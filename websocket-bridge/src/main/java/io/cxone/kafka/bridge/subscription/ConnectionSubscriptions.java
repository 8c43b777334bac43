package io.cxone.kafka.bridge.subscription;

import io.cxone.kafka.bridge.BridgeConfig;
import java.util.HashSet;
import java.util.Set;

/**
 * The topics one connection has subscribed, and the checks a new subscription passes first: group mode only
 * as the first and only subscription, no internal topic, only topics the token allows, no topic twice, and
 * {@code limits.subscriptions.per.client}. Runs on the socket thread, before any Kafka look-up.
 */
public final class ConnectionSubscriptions {

    private final BridgeConfig config;
    private final BridgeConfig.Token token;
    private final Set<String> topics = new HashSet<>();
    /** Group mode: the consumer group name, fixed by the connection's first (and only) subscription. */
    private volatile String group;

    public ConnectionSubscriptions(BridgeConfig config, BridgeConfig.Token token) {
        this.config = config;
        this.token = token;
    }

    /** The group of a connection in group mode; null otherwise. */
    public String group() {
        return group;
    }

    /** True until a subscription has been admitted (and not withdrawn). */
    public synchronized boolean isEmpty() {
        return topics.isEmpty();
    }

    /** Admits the request and records its topics (and group); null when admitted, else why it is refused. */
    public String admit(SubscribeRequest request) {
        synchronized (this) {
            if (group != null) {
                return "this connection is in group mode (group '" + group
                        + "'); open another connection for more topics";
            }
            if (request.group() != null && !topics.isEmpty()) {
                return "group mode must be the first subscription of a connection";
            }
        }
        for (String topic : request.topics()) {
            if (config.internalTopic(topic)) {
                return "topic '" + topic
                        + "' is internal to Kafka or Connect and never streamed (names starting with __, and "
                        + BridgeConfig.TOPICS_INTERNAL + ")";
            }
            String forbidden = notAllowed(token, topic);
            if (forbidden != null) {
                return forbidden;
            }
        }
        synchronized (this) {
            for (String topic : request.topics()) {
                if (topics.contains(topic)) {
                    return "topic '" + topic + "' is already subscribed on this connection";
                }
            }
            if (topics.size() + request.topics().size() > config.maxSubscriptionsPerClient()) {
                return "subscription limit: at most " + config.maxSubscriptionsPerClient() + " topics per connection ("
                        + BridgeConfig.LIMIT_SUBSCRIPTIONS_PER_CLIENT + ")";
            }
            topics.addAll(request.topics());
            if (request.group() != null) {
                group = request.group();
            }
        }
        return null;
    }

    /** Why the token may not read the topic; null when it may. */
    public static String notAllowed(BridgeConfig.Token token, String topic) {
        return token.allows(topic) ? null : "topic '" + topic + "' is not allowed for token '" + token.id() + "'";
    }

    /** Forgets an admitted request that Kafka or a limit refused later. */
    public synchronized void withdraw(SubscribeRequest request) {
        topics.removeAll(request.topics());
        if (request.group() != null) {
            group = null;
        }
    }
}
