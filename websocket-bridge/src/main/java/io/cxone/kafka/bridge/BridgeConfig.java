package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.ConfigValues.bool;
import static io.cxone.kafka.bridge.ConfigValues.integer;
import static io.cxone.kafka.bridge.ConfigValues.list;
import static io.cxone.kafka.bridge.ConfigValues.longValue;
import static io.cxone.kafka.bridge.ConfigValues.string;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bridge's settings: parses and validates the properties file once, at start-up, and fails with a
 * message naming the key. Everything else reads typed getters, never raw properties. The keys and getters are all
 * here; the parsing is split by concern into fragments: {@link KafkaSettings}, {@link RegistrySettings},
 * {@link TlsSettings}, {@link ClientStreamSettings}, {@link TokenSettings} and {@link BrowserSettings} (value parsing in
 * {@link ConfigValues}); the listener, origin and limit settings stay here.
 */
public final class BridgeConfig {

    public static final String LISTEN_HOST = "listen.host";
    public static final String LISTEN_PORT = "listen.port";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String KAFKA_CONSUMER_PREFIX = "kafka.consumer.";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_ID_TYPE = "schema.registry.id.type";
    public static final String TLS_ENABLED = "tls.enabled";
    public static final String TLS_KEYSTORE_PATH = "tls.keystore.path";
    public static final String TLS_KEYSTORE_PASSWORD = "tls.keystore.password";
    public static final String TLS_KEYSTORE_TYPE = "tls.keystore.type";
    public static final String AUTH_ENABLED = "auth.enabled";
    public static final String AUTH_TOKEN_PREFIX = "auth.token.";
    public static final String ORIGINS_ALLOWED = "origins.allowed";
    public static final String LIMIT_CONNECTIONS_TOTAL = "limits.connections.total";
    public static final String LIMIT_CONNECTIONS_PER_ADDRESS = "limits.connections.per.address";
    public static final String LIMIT_SUBSCRIPTIONS_PER_CLIENT = "limits.subscriptions.per.client";
    public static final String FRAME_MAX_BYTES = "frame.max.bytes";
    public static final String BATCH_MAX_RECORDS = "batch.max.records";
    public static final String DEFLATE_ENABLED = "compression.deflate.enabled";
    public static final String QUEUE_MAX_MESSAGES = "client.queue.max.messages";
    public static final String QUEUE_MAX_BYTES = "client.queue.max.bytes";
    public static final String QUEUE_MAX_BYTES_TOTAL = "limits.queued.bytes.total";
    public static final String SLOW_CLIENT_POLICY = "client.slow.policy";
    public static final String IDLE_TIMEOUT_MS = "client.idle.timeout.ms";
    public static final String WRITE_TIMEOUT_MS = "client.write.timeout.ms";
    public static final String POLL_TIMEOUT_MS = "kafka.poll.timeout.ms";
    public static final String SHUTDOWN_GRACE_MS = "shutdown.grace.ms";
    public static final String TOPICS_INTERNAL = "topics.internal";
    public static final String LIMIT_CONSUMERS_TOTAL = "limits.consumers.total";
    public static final String LIMIT_CONSUMERS_PER_CONNECTION = "limits.consumers.per.connection";
    public static final String LIMIT_PARTITIONS_PER_CLIENT = "limits.partitions.per.client";
    public static final String LIMIT_MESSAGE_MAX_BYTES = "limits.message.max.bytes";
    public static final String LIMIT_REQUEST_HEADER_BYTES = "limits.request.header.bytes";
    public static final String SCHEMA_REGISTRY_AUTH_USERNAME = "schema.registry.auth.username";
    public static final String SCHEMA_REGISTRY_AUTH_PASSWORD = "schema.registry.auth.password";
    public static final String SCHEMA_REGISTRY_TRUSTSTORE_PATH = "schema.registry.ssl.truststore.location";
    public static final String SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SCHEMA_REGISTRY_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SCHEMA_REGISTRY_TIMEOUT_MS = "schema.registry.timeout.ms";
    public static final String SCHEMA_REGISTRY_RESPONSE_MAX_BYTES = "schema.registry.response.max.bytes";
    public static final String TICKET_TTL_MS = "auth.ticket.ttl.ms";
    public static final String TICKETS_MAX = "auth.tickets.max";
    public static final String SSE_HEARTBEAT_INTERVAL_MS = "sse.heartbeat.interval.ms";
    public static final String SSE_RETRY_MS = "sse.retry.ms";

    /**
     * Worker-internal topics never streamed whatever a token allows: the local stack's worker topics
     * (config/connect-distributed.properties), Connect's default names, and the registry's KafkaSQL journal.
     * Names starting with {@code __} (Kafka's own: offsets, transactions) are refused in any case.
     */
    public static final String TOPICS_INTERNAL_DEFAULT =
            "cxone-connect-configs,cxone-connect-offsets,cxone-connect-status,"
                    + "connect-configs,connect-offsets,connect-status,kafkasql-journal";
    /** Longest secret a token may have, configured or presented (a longer presented one is refused unread). */
    public static final int TOKEN_MAX_CHARS = 512;

    private static final Set<String> KNOWN = Set.of(
            LISTEN_HOST,
            LISTEN_PORT,
            AUTH_ENABLED,
            ORIGINS_ALLOWED,
            LIMIT_CONNECTIONS_TOTAL,
            LIMIT_CONNECTIONS_PER_ADDRESS,
            LIMIT_SUBSCRIPTIONS_PER_CLIENT,
            POLL_TIMEOUT_MS,
            SHUTDOWN_GRACE_MS,
            LIMIT_CONSUMERS_TOTAL,
            LIMIT_CONSUMERS_PER_CONNECTION,
            LIMIT_PARTITIONS_PER_CLIENT,
            LIMIT_MESSAGE_MAX_BYTES,
            LIMIT_REQUEST_HEADER_BYTES);

    /** What to do when a client's outgoing queue is full. */
    public enum SlowClientPolicy {
        /** Drop the oldest queued frames and tell the client which records it missed. */
        DROP_OLDEST,
        /** Close the connection (1008, reason names the queue limit). */
        DISCONNECT;

        static SlowClientPolicy parse(String key, String value) {
            switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "drop-oldest":
                    return DROP_OLDEST;
                case "disconnect":
                    return DISCONNECT;
                default:
                    throw new ConfigException(key, value, "expected drop-oldest or disconnect");
            }
        }
    }

    /** How the 4-byte schema id of the Confluent wire format is looked up in an Apicurio registry. */
    public enum SchemaIdType {
        CONTENT_ID,
        GLOBAL_ID
    }

    /** A token (by id: the id is logged, the secret never) and the topics it may read. */
    public record Token(String id, String secret, List<Pattern> topicPatterns) {
        public boolean allows(String topic) {
            return topicPatterns.stream().anyMatch(p -> p.matcher(topic).matches());
        }

        @Override
        public String toString() {
            return "Token[" + id + ", topics=" + topicPatterns + "]";
        }
    }

    private final String listenHost;
    private final int listenPort;
    private final KafkaSettings kafka;
    private final RegistrySettings registry;
    private final TlsSettings tls;
    private final ClientStreamSettings clientStream;
    private final BrowserSettings browser;
    private final int maxConsumers;
    private final int maxConsumersPerConnection;
    private final int maxPartitionsPerClient;
    private final int maxMessageBytes;
    private final int maxRequestHeaderBytes;
    private final boolean authEnabled;
    private final List<Token> tokens;
    private final List<String> allowedOrigins;
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final int maxSubscriptionsPerClient;
    private final Duration pollTimeout;
    private final Duration shutdownGrace;

    private BridgeConfig(Properties p) {
        for (String key : p.stringPropertyNames()) {
            if (!KNOWN.contains(key)
                    && !KafkaSettings.reads(key)
                    && !RegistrySettings.KEYS.contains(key)
                    && !TlsSettings.KEYS.contains(key)
                    && !ClientStreamSettings.KEYS.contains(key)
                    && !BrowserSettings.KEYS.contains(key)
                    && !TokenSettings.KEY.matcher(key).matches()) {
                throw new ConfigException(key, p.getProperty(key), "unknown key");
            }
        }
        listenHost = string(p, LISTEN_HOST, "127.0.0.1");
        listenPort = integer(p, LISTEN_PORT, 8702, 0, 65535);
        kafka = new KafkaSettings(p);
        maxConsumers = integer(p, LIMIT_CONSUMERS_TOTAL, 200, 1, 100_000);
        maxConsumersPerConnection = integer(p, LIMIT_CONSUMERS_PER_CONNECTION, 4, 1, 1_000);
        maxPartitionsPerClient = integer(p, LIMIT_PARTITIONS_PER_CLIENT, 256, 1, 100_000);
        maxMessageBytes = integer(p, LIMIT_MESSAGE_MAX_BYTES, 64 * 1024, 256, 16 * 1024 * 1024);
        maxRequestHeaderBytes = integer(p, LIMIT_REQUEST_HEADER_BYTES, 8 * 1024, 1024, 1024 * 1024);
        registry = new RegistrySettings(p);
        tls = new TlsSettings(p);
        authEnabled = bool(p, AUTH_ENABLED, true);
        tokens = TokenSettings.parse(p);
        if (authEnabled && tokens.isEmpty()) {
            throw new ConfigException(
                    AUTH_ENABLED,
                    "true",
                    "no tokens defined: add " + AUTH_TOKEN_PREFIX + "<id>=<secret> and " + AUTH_TOKEN_PREFIX
                            + "<id>.topics=<regex,...>, or set " + AUTH_ENABLED + "=false");
        }
        allowedOrigins = list(p, ORIGINS_ALLOWED);
        for (String origin : allowedOrigins) {
            if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                throw new ConfigException(ORIGINS_ALLOWED, origin, "expected '*' or origins like https://host[:port]");
            }
        }
        maxConnections = integer(p, LIMIT_CONNECTIONS_TOTAL, 1000, 1, 1_000_000);
        maxConnectionsPerAddress = integer(p, LIMIT_CONNECTIONS_PER_ADDRESS, 50, 1, 1_000_000);
        maxSubscriptionsPerClient = integer(p, LIMIT_SUBSCRIPTIONS_PER_CLIENT, 20, 1, 10_000);
        clientStream = new ClientStreamSettings(p);
        browser = new BrowserSettings(p);
        pollTimeout = Duration.ofMillis(longValue(p, POLL_TIMEOUT_MS, 200, 1, 60_000));
        shutdownGrace = Duration.ofMillis(longValue(p, SHUTDOWN_GRACE_MS, 5_000, 0, 600_000));
    }

    public static BridgeConfig load(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return new BridgeConfig(p);
    }

    public static BridgeConfig of(Map<String, String> values) {
        Properties p = new Properties();
        p.putAll(values);
        return new BridgeConfig(p);
    }

    /** A bad setting: the message names the key, the offending value and what was expected. */
    public static final class ConfigException extends IllegalArgumentException {
        private final String key;

        public ConfigException(String key, String value, String problem) {
            super("invalid configuration " + key + "=" + value + ": " + problem);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public String listenHost() {
        return listenHost;
    }

    public int listenPort() {
        return listenPort;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers;
    }

    public Map<String, String> consumerOverrides() {
        return kafka.consumerOverrides;
    }
    /** {@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*} without the prefix; for every client. */
    public Map<String, String> kafkaSecurity() {
        return kafka.security;
    }

    /** Kafka's own topics ({@code __…}) and the worker-internal ones of {@value #TOPICS_INTERNAL}: never streamed. */
    public boolean internalTopic(String topic) {
        return topic.startsWith("__") || kafka.internalTopics.contains(topic);
    }

    public int maxConsumers() {
        return maxConsumers;
    }

    public int maxConsumersPerConnection() {
        return maxConsumersPerConnection;
    }

    public int maxPartitionsPerClient() {
        return maxPartitionsPerClient;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public int maxRequestHeaderBytes() {
        return maxRequestHeaderBytes;
    }

    public String registryUsername() {
        return registry.username;
    }

    public String registryPassword() {
        return registry.password;
    }

    public Path registryTruststorePath() {
        return registry.truststorePath;
    }

    public String registryTruststorePassword() {
        return registry.truststorePassword;
    }

    public String registryTruststoreType() {
        return registry.truststoreType;
    }

    public Duration registryTimeout() {
        return registry.timeout;
    }

    public int registryResponseMaxBytes() {
        return registry.responseMaxBytes;
    }

    public String schemaRegistryUrl() {
        return registry.url;
    }

    public SchemaIdType schemaIdType() {
        return registry.idType;
    }

    public boolean tlsEnabled() {
        return tls.enabled;
    }

    public Path keystorePath() {
        return tls.keystorePath;
    }

    public String keystorePassword() {
        return tls.keystorePassword;
    }

    public String keystoreType() {
        return tls.keystoreType;
    }

    public boolean authEnabled() {
        return authEnabled;
    }

    public List<Token> tokens() {
        return tokens;
    }

    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    public int maxSubscriptionsPerClient() {
        return maxSubscriptionsPerClient;
    }

    public int frameMaxBytes() {
        return clientStream.frameMaxBytes;
    }

    public int batchMaxRecords() {
        return clientStream.batchMaxRecords;
    }

    public boolean deflateEnabled() {
        return clientStream.deflateEnabled;
    }

    public int queueMaxMessages() {
        return clientStream.queueMaxMessages;
    }

    public long queueMaxBytes() {
        return clientStream.queueMaxBytes;
    }

    public long queueMaxBytesTotal() {
        return clientStream.queueMaxBytesTotal;
    }

    public SlowClientPolicy slowClientPolicy() {
        return clientStream.slowClientPolicy;
    }

    public Duration idleTimeout() {
        return clientStream.idleTimeout;
    }

    public Duration writeTimeout() {
        return clientStream.writeTimeout;
    }

    public Duration pollTimeout() {
        return pollTimeout;
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    /** How long a ticket from {@code POST /api/ticket} may be redeemed (at most 30 s). */
    public Duration ticketTtl() {
        return browser.ticketTtl;
    }

    /** Tickets issued and not yet redeemed or expired, at most. */
    public int ticketsMax() {
        return browser.ticketsMax;
    }

    /** An SSE stream with nothing to send for this long gets a comment line, so proxies keep it open. */
    public Duration sseHeartbeat() {
        return browser.sseHeartbeat;
    }

    /** The {@code retry:} an SSE stream starts with: how long an EventSource waits before it reconnects. */
    public long sseRetryMillis() {
        return browser.sseRetryMillis;
    }
}
