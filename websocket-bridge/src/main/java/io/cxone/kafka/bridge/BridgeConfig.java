package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.ConfigValues.bool;
import static io.cxone.kafka.bridge.ConfigValues.integer;
import static io.cxone.kafka.bridge.ConfigValues.list;
import static io.cxone.kafka.bridge.ConfigValues.longValue;
import static io.cxone.kafka.bridge.ConfigValues.loopback;
import static io.cxone.kafka.bridge.ConfigValues.required;
import static io.cxone.kafka.bridge.ConfigValues.string;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The bridge's settings: parses and validates the properties file once, at start-up, and fails with a
 * message naming the key. Everything else reads typed getters, never raw properties. Value parsing is in
 * {@link ConfigValues}, the token settings in {@link TokenSettings}.
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
            KAFKA_BOOTSTRAP_SERVERS,
            SCHEMA_REGISTRY_URL,
            SCHEMA_REGISTRY_ID_TYPE,
            TLS_ENABLED,
            TLS_KEYSTORE_PATH,
            TLS_KEYSTORE_PASSWORD,
            TLS_KEYSTORE_TYPE,
            AUTH_ENABLED,
            ORIGINS_ALLOWED,
            LIMIT_CONNECTIONS_TOTAL,
            LIMIT_CONNECTIONS_PER_ADDRESS,
            LIMIT_SUBSCRIPTIONS_PER_CLIENT,
            FRAME_MAX_BYTES,
            BATCH_MAX_RECORDS,
            DEFLATE_ENABLED,
            QUEUE_MAX_MESSAGES,
            QUEUE_MAX_BYTES,
            QUEUE_MAX_BYTES_TOTAL,
            SLOW_CLIENT_POLICY,
            IDLE_TIMEOUT_MS,
            WRITE_TIMEOUT_MS,
            POLL_TIMEOUT_MS,
            SHUTDOWN_GRACE_MS,
            TOPICS_INTERNAL,
            LIMIT_CONSUMERS_TOTAL,
            LIMIT_CONSUMERS_PER_CONNECTION,
            LIMIT_PARTITIONS_PER_CLIENT,
            LIMIT_MESSAGE_MAX_BYTES,
            LIMIT_REQUEST_HEADER_BYTES,
            SCHEMA_REGISTRY_AUTH_USERNAME,
            SCHEMA_REGISTRY_AUTH_PASSWORD,
            SCHEMA_REGISTRY_TRUSTSTORE_PATH,
            SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD,
            SCHEMA_REGISTRY_TRUSTSTORE_TYPE,
            SCHEMA_REGISTRY_TIMEOUT_MS,
            SCHEMA_REGISTRY_RESPONSE_MAX_BYTES);

    /**
     * Client security settings given as {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*}:
     * passed (without the {@code kafka.} prefix) to every Kafka client of the bridge, the admin included.
     */
    private static final Pattern KAFKA_SECURITY_KEY =
            Pattern.compile("kafka\\.(security\\.protocol|sasl\\..+|ssl\\..+)");

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
    private final String bootstrapServers;
    private final Map<String, String> consumerOverrides;
    private final Map<String, String> kafkaSecurity;
    private final Set<String> internalTopics;
    private final int maxConsumers;
    private final int maxConsumersPerConnection;
    private final int maxPartitionsPerClient;
    private final int maxMessageBytes;
    private final int maxRequestHeaderBytes;
    private final String registryUsername;
    private final String registryPassword;
    private final Path registryTruststorePath;
    private final String registryTruststorePassword;
    private final String registryTruststoreType;
    private final Duration registryTimeout;
    private final int registryResponseMaxBytes;
    private final String schemaRegistryUrl;
    private final SchemaIdType schemaIdType;
    private final boolean tlsEnabled;
    private final Path keystorePath;
    private final String keystorePassword;
    private final String keystoreType;
    private final boolean authEnabled;
    private final List<Token> tokens;
    private final List<String> allowedOrigins;
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final int maxSubscriptionsPerClient;
    private final int frameMaxBytes;
    private final int batchMaxRecords;
    private final boolean deflateEnabled;
    private final int queueMaxMessages;
    private final long queueMaxBytes;
    private final long queueMaxBytesTotal;
    private final SlowClientPolicy slowClientPolicy;
    private final Duration idleTimeout;
    private final Duration writeTimeout;
    private final Duration pollTimeout;
    private final Duration shutdownGrace;

    private BridgeConfig(Properties p) {
        for (String key : p.stringPropertyNames()) {
            if (!KNOWN.contains(key)
                    && !key.startsWith(KAFKA_CONSUMER_PREFIX)
                    && !TokenSettings.KEY.matcher(key).matches()
                    && !KAFKA_SECURITY_KEY.matcher(key).matches()) {
                throw new ConfigException(key, p.getProperty(key), "unknown key");
            }
        }
        listenHost = string(p, LISTEN_HOST, "127.0.0.1");
        listenPort = integer(p, LISTEN_PORT, 8702, 0, 65535);
        bootstrapServers = required(p, KAFKA_BOOTSTRAP_SERVERS);
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (key.startsWith(KAFKA_CONSUMER_PREFIX)) {
                overrides.put(
                        key.substring(KAFKA_CONSUMER_PREFIX.length()),
                        p.getProperty(key).trim());
            }
        }
        consumerOverrides = Collections.unmodifiableMap(overrides);
        Map<String, String> security = new LinkedHashMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (KAFKA_SECURITY_KEY.matcher(key).matches()) {
                security.put(
                        key.substring("kafka.".length()), p.getProperty(key).trim());
            }
        }
        kafkaSecurity = Collections.unmodifiableMap(security);
        internalTopics = Set.copyOf(list(p, TOPICS_INTERNAL, TOPICS_INTERNAL_DEFAULT));
        maxConsumers = integer(p, LIMIT_CONSUMERS_TOTAL, 200, 1, 100_000);
        maxConsumersPerConnection = integer(p, LIMIT_CONSUMERS_PER_CONNECTION, 4, 1, 1_000);
        maxPartitionsPerClient = integer(p, LIMIT_PARTITIONS_PER_CLIENT, 256, 1, 100_000);
        maxMessageBytes = integer(p, LIMIT_MESSAGE_MAX_BYTES, 64 * 1024, 256, 16 * 1024 * 1024);
        maxRequestHeaderBytes = integer(p, LIMIT_REQUEST_HEADER_BYTES, 8 * 1024, 1024, 1024 * 1024);
        String registry = string(p, SCHEMA_REGISTRY_URL, "");
        if (!registry.isEmpty() && !registry.startsWith("http://") && !registry.startsWith("https://")) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, registry, "expected an http:// or https:// URL");
        }
        schemaRegistryUrl = registry.endsWith("/") ? registry.substring(0, registry.length() - 1) : registry;
        registryUsername = string(p, SCHEMA_REGISTRY_AUTH_USERNAME, "");
        registryPassword = p.getProperty(SCHEMA_REGISTRY_AUTH_PASSWORD, "");
        if (registryUsername.isEmpty() != registryPassword.isEmpty()) {
            throw new ConfigException(
                    registryUsername.isEmpty() ? SCHEMA_REGISTRY_AUTH_USERNAME : SCHEMA_REGISTRY_AUTH_PASSWORD,
                    "",
                    "set both " + SCHEMA_REGISTRY_AUTH_USERNAME + " and " + SCHEMA_REGISTRY_AUTH_PASSWORD
                            + ", or neither");
        }
        if (!registryUsername.isEmpty() && registry.startsWith("http://") && !loopback(registry)) {
            throw new ConfigException(
                    SCHEMA_REGISTRY_URL,
                    registry,
                    "credentials (" + SCHEMA_REGISTRY_AUTH_USERNAME
                            + ") would be sent in clear text: use an https:// URL");
        }
        String truststore = string(p, SCHEMA_REGISTRY_TRUSTSTORE_PATH, "");
        if (!truststore.isEmpty() && !Files.isReadable(Path.of(truststore))) {
            throw new ConfigException(SCHEMA_REGISTRY_TRUSTSTORE_PATH, truststore, "file not readable");
        }
        registryTruststorePath = truststore.isEmpty() ? null : Path.of(truststore);
        registryTruststorePassword = p.getProperty(SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD, "");
        registryTruststoreType = string(p, SCHEMA_REGISTRY_TRUSTSTORE_TYPE, "PKCS12");
        registryTimeout = Duration.ofMillis(longValue(p, SCHEMA_REGISTRY_TIMEOUT_MS, 5_000, 100, 120_000));
        registryResponseMaxBytes = integer(p, SCHEMA_REGISTRY_RESPONSE_MAX_BYTES, 1024 * 1024, 1024, 64 * 1024 * 1024);
        String idType = string(p, SCHEMA_REGISTRY_ID_TYPE, "contentId");
        if (idType.equals("contentId")) {
            schemaIdType = SchemaIdType.CONTENT_ID;
        } else if (idType.equals("globalId")) {
            schemaIdType = SchemaIdType.GLOBAL_ID;
        } else {
            throw new ConfigException(SCHEMA_REGISTRY_ID_TYPE, idType, "expected contentId or globalId");
        }

        tlsEnabled = bool(p, TLS_ENABLED, false);
        String ks = string(p, TLS_KEYSTORE_PATH, "");
        keystorePassword = p.getProperty(TLS_KEYSTORE_PASSWORD, "");
        keystoreType = string(p, TLS_KEYSTORE_TYPE, "PKCS12");
        if (tlsEnabled) {
            if (ks.isEmpty()) {
                throw new ConfigException(TLS_KEYSTORE_PATH, ks, "required when " + TLS_ENABLED + "=true");
            }
            if (!Files.isReadable(Path.of(ks))) {
                throw new ConfigException(TLS_KEYSTORE_PATH, ks, "file not readable");
            }
        }
        keystorePath = ks.isEmpty() ? null : Path.of(ks);

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
        return bootstrapServers;
    }

    public Map<String, String> consumerOverrides() {
        return consumerOverrides;
    }
    /** {@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*} without the prefix; for every client. */
    public Map<String, String> kafkaSecurity() {
        return kafkaSecurity;
    }

    /** Kafka's own topics ({@code __…}) and the worker-internal ones of {@value #TOPICS_INTERNAL}: never streamed. */
    public boolean internalTopic(String topic) {
        return topic.startsWith("__") || internalTopics.contains(topic);
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
        return registryUsername;
    }

    public String registryPassword() {
        return registryPassword;
    }

    public Path registryTruststorePath() {
        return registryTruststorePath;
    }

    public String registryTruststorePassword() {
        return registryTruststorePassword;
    }

    public String registryTruststoreType() {
        return registryTruststoreType;
    }

    public Duration registryTimeout() {
        return registryTimeout;
    }

    public int registryResponseMaxBytes() {
        return registryResponseMaxBytes;
    }

    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    public SchemaIdType schemaIdType() {
        return schemaIdType;
    }

    public boolean tlsEnabled() {
        return tlsEnabled;
    }

    public Path keystorePath() {
        return keystorePath;
    }

    public String keystorePassword() {
        return keystorePassword;
    }

    public String keystoreType() {
        return keystoreType;
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
        return frameMaxBytes;
    }

    public int batchMaxRecords() {
        return batchMaxRecords;
    }

    public boolean deflateEnabled() {
        return deflateEnabled;
    }

    public int queueMaxMessages() {
        return queueMaxMessages;
    }

    public long queueMaxBytes() {
        return queueMaxBytes;
    }

    public long queueMaxBytesTotal() {
        return queueMaxBytesTotal;
    }

    public SlowClientPolicy slowClientPolicy() {
        return slowClientPolicy;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration writeTimeout() {
        return writeTimeout;
    }

    public Duration pollTimeout() {
        return pollTimeout;
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
    }
}
