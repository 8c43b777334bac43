package io.cxone.kafka.bridge;

import io.cxone.kafka.common.config.ConfigEnums;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The bridge's settings: every key is defined in {@link #CONFIG_DEF} (type, default, bounds, documentation; the
 * reference {@code docs/config/WebSocketBridge.rst} is generated from it) and parsed once, at start-up, by Kafka's
 * {@link AbstractConfig}; a bad value fails with a {@link ConfigException} naming the key. Everything else reads typed
 * getters, never raw properties. The definitions and the checks between settings are split by concern into
 * {@link ListenerSettings}, {@link TlsSettings}, {@link TokenSettings}, {@link BrowserSettings},
 * {@link KafkaSettings}, {@link RegistrySettings}, {@link ClientStreamSettings} and {@link LimitSettings}.
 */
public final class BridgeConfig extends AbstractConfig {

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
    /** Kafka's config providers, as a Connect worker declares them: {@code config.providers.<name>.class/.param.*}. */
    public static final String CONFIG_PROVIDERS = AbstractConfig.CONFIG_PROVIDERS_CONFIG;

    /** A {@code ${provider:[path:]key}} reference, left as it was when no provider resolved it. */
    private static final Pattern UNRESOLVED_REFERENCE = Pattern.compile("\\$\\{[A-Za-z0-9_.-]+:[^}]*}");

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

    /**
     * Keys read by prefix rather than defined one by one in {@link #CONFIG_DEF}; any other key is refused. For the
     * unknown-key error and the generated reference.
     */
    public static final String PREFIXED_KEYS = "auth.token.<id> and auth.token.<id>.topics (see " + AUTH_ENABLED
            + "), kafka.consumer.<property>, kafka.security.protocol, kafka.sasl.<property> and kafka.ssl.<property>"
            + " (see " + KAFKA_BOOTSTRAP_SERVERS + "), " + CONFIG_PROVIDERS + ".<name>.class and "
            + CONFIG_PROVIDERS + ".<name>.param.<parameter> (see " + CONFIG_PROVIDERS + ")";

    /** Every key of the properties file but those of {@link #PREFIXED_KEYS}. */
    public static final ConfigDef CONFIG_DEF = configDef();

    /** What to do when a client's outgoing queue is full; written {@code drop-oldest} and {@code disconnect}. */
    public enum SlowClientPolicy {
        /** Drop the oldest queued frames and tell the client which records it missed. */
        DROP_OLDEST,
        /** Close the connection (1008, reason names the queue limit). */
        DISCONNECT
    }

    /** How the 4-byte schema id of the Confluent wire format is looked up in an Apicurio registry. */
    public enum SchemaIdType implements ConfigEnums.Named {
        CONTENT_ID("contentId"),
        GLOBAL_ID("globalId");

        private final String configName;

        SchemaIdType(String configName) {
            this.configName = configName;
        }

        @Override
        public String configName() {
            return configName;
        }
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

    private final List<Token> tokens;
    private final Map<String, String> consumerOverrides;
    private final Map<String, String> kafkaSecurity;
    private final Set<String> internalTopics;

    private BridgeConfig(Map<String, String> props) {
        super(definitionFor(props), props, providerSettings(props), false);
        refuseUnresolvedReferences(originalsStrings());
        tokens = TokenSettings.tokens(this);
        consumerOverrides = KafkaSettings.consumerOverrides(this);
        kafkaSecurity = KafkaSettings.security(this);
        internalTopics = Set.copyOf(nonBlank(getList(TOPICS_INTERNAL)));
        TlsSettings.checkCombinations(this);
        RegistrySettings.checkCombinations(this);
        ClientStreamSettings.checkCombinations(this);
    }

    /** The {@code config.providers*} settings: AbstractConfig instantiates these providers to resolve references. */
    private static Map<String, String> providerSettings(Map<String, String> props) {
        Map<String, String> providers = new TreeMap<>();
        props.forEach((key, value) -> {
            if (key.equals(CONFIG_PROVIDERS) || key.startsWith(CONFIG_PROVIDERS + ".")) {
                providers.put(key, value);
            }
        });
        return providers;
    }

    /**
     * A reference no provider resolved would otherwise be used as the value itself: a token whose secret is the text
     * {@code ${env:NAME}}, known to anyone who reads the file. The reference is shown (it is not the secret).
     */
    private static void refuseUnresolvedReferences(Map<String, String> resolved) {
        resolved.forEach((key, value) -> {
            if (value != null && !key.startsWith(CONFIG_PROVIDERS)) {
                var m = UNRESOLVED_REFERENCE.matcher(value);
                if (m.find()) {
                    throw new ConfigException("Invalid configuration " + key + ": the reference " + m.group()
                            + " was not resolved; declare its provider in " + CONFIG_PROVIDERS + " and "
                            + CONFIG_PROVIDERS + ".<name>.class, and check that it has that key");
                }
            }
        });
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        def.define(
                CONFIG_PROVIDERS,
                ConfigDef.Type.LIST,
                "",
                ConfigDef.Importance.LOW,
                "Names of Kafka config providers that resolve ${<name>:[<path>:]<key>} references in any value of this"
                        + " file, declared as a Connect worker declares them: " + CONFIG_PROVIDERS + ".<name>.class"
                        + " (e.g. org.apache.kafka.common.config.provider.EnvVarConfigProvider or FileConfigProvider)"
                        + " and " + CONFIG_PROVIDERS + ".<name>.param.<parameter> (e.g. allowlist.pattern,"
                        + " allowed.paths). Secrets such as token secrets can then stay out of the file. A reference"
                        + " that no provider resolves stops the bridge at start-up.",
                "Config providers",
                1,
                ConfigDef.Width.LONG,
                "Config providers");
        ListenerSettings.define(def);
        TlsSettings.define(def);
        TokenSettings.define(def);
        BrowserSettings.define(def);
        KafkaSettings.define(def);
        RegistrySettings.define(def);
        ClientStreamSettings.define(def);
        LimitSettings.define(def);
        return def;
    }

    /**
     * {@link #CONFIG_DEF} with the keys of the tokens {@code props} names; refuses a key that is neither defined nor
     * read by prefix (a typo would otherwise silently leave a default in force). The value of an unknown key is not
     * echoed: it may be a secret under a misspelt key.
     */
    private static ConfigDef definitionFor(Map<String, String> props) {
        for (String key : new TreeMap<>(props).keySet()) {
            if (!CONFIG_DEF.names().contains(key)
                    && !TokenSettings.reads(key)
                    && !KafkaSettings.readsByPrefix(key)
                    && !key.startsWith(CONFIG_PROVIDERS + ".")) {
                throw new ConfigException("Unknown configuration " + key + " (value not shown): the bridge reads its"
                        + " documented keys and, by prefix, " + PREFIXED_KEYS);
            }
        }
        return TokenSettings.withTokenKeys(CONFIG_DEF, props);
    }

    public static BridgeConfig load(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            values.put(key, p.getProperty(key));
        }
        return new BridgeConfig(values);
    }

    public static BridgeConfig of(Map<String, String> values) {
        return new BridgeConfig(values);
    }

    /** Every defined setting with its value, passwords and token secrets as {@code [hidden]}: safe to log. */
    @Override
    public String toString() {
        return "BridgeConfig" + new TreeMap<>(values());
    }

    public String listenHost() {
        return getString(LISTEN_HOST);
    }

    public int listenPort() {
        return getInt(LISTEN_PORT);
    }

    public String bootstrapServers() {
        return getString(KAFKA_BOOTSTRAP_SERVERS);
    }

    /** {@code kafka.consumer.*} without the prefix; for every consumer. */
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
        return getInt(LIMIT_CONSUMERS_TOTAL);
    }

    public int maxConsumersPerConnection() {
        return getInt(LIMIT_CONSUMERS_PER_CONNECTION);
    }

    public int maxPartitionsPerClient() {
        return getInt(LIMIT_PARTITIONS_PER_CLIENT);
    }

    public int maxMessageBytes() {
        return getInt(LIMIT_MESSAGE_MAX_BYTES);
    }

    public int maxRequestHeaderBytes() {
        return getInt(LIMIT_REQUEST_HEADER_BYTES);
    }

    public String registryUsername() {
        return getString(SCHEMA_REGISTRY_AUTH_USERNAME);
    }

    public String registryPassword() {
        return getPassword(SCHEMA_REGISTRY_AUTH_PASSWORD).value();
    }

    /** The registry's truststore; null: the JVM's default trust. */
    public Path registryTruststorePath() {
        return pathOrNull(SCHEMA_REGISTRY_TRUSTSTORE_PATH);
    }

    public String registryTruststorePassword() {
        return getPassword(SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD).value();
    }

    public String registryTruststoreType() {
        return getString(SCHEMA_REGISTRY_TRUSTSTORE_TYPE);
    }

    public Duration registryTimeout() {
        return Duration.ofMillis(getLong(SCHEMA_REGISTRY_TIMEOUT_MS));
    }

    public int registryResponseMaxBytes() {
        return getInt(SCHEMA_REGISTRY_RESPONSE_MAX_BYTES);
    }

    /** The registry's base URL without a trailing {@code /}; empty: no registry (Avro values stay base64). */
    public String schemaRegistryUrl() {
        String url = getString(SCHEMA_REGISTRY_URL);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public SchemaIdType schemaIdType() {
        return ConfigEnums.parse(SchemaIdType.class, SCHEMA_REGISTRY_ID_TYPE, getString(SCHEMA_REGISTRY_ID_TYPE));
    }

    public boolean tlsEnabled() {
        return getBoolean(TLS_ENABLED);
    }

    /** The listener's keystore; null when none is set. */
    public Path keystorePath() {
        return pathOrNull(TLS_KEYSTORE_PATH);
    }

    public String keystorePassword() {
        return getPassword(TLS_KEYSTORE_PASSWORD).value();
    }

    public String keystoreType() {
        return getString(TLS_KEYSTORE_TYPE);
    }

    public boolean authEnabled() {
        return getBoolean(AUTH_ENABLED);
    }

    public List<Token> tokens() {
        return tokens;
    }

    /** Origins allowed besides the bridge's own ({@code *}: any); empty: same origin only. */
    public List<String> allowedOrigins() {
        return nonBlank(getList(ORIGINS_ALLOWED));
    }

    public int maxConnections() {
        return getInt(LIMIT_CONNECTIONS_TOTAL);
    }

    public int maxConnectionsPerAddress() {
        return getInt(LIMIT_CONNECTIONS_PER_ADDRESS);
    }

    public int maxSubscriptionsPerClient() {
        return getInt(LIMIT_SUBSCRIPTIONS_PER_CLIENT);
    }

    public int frameMaxBytes() {
        return getInt(FRAME_MAX_BYTES);
    }

    public int batchMaxRecords() {
        return getInt(BATCH_MAX_RECORDS);
    }

    public boolean deflateEnabled() {
        return getBoolean(DEFLATE_ENABLED);
    }

    public int queueMaxMessages() {
        return getInt(QUEUE_MAX_MESSAGES);
    }

    public long queueMaxBytes() {
        return getLong(QUEUE_MAX_BYTES);
    }

    public long queueMaxBytesTotal() {
        return getLong(QUEUE_MAX_BYTES_TOTAL);
    }

    public SlowClientPolicy slowClientPolicy() {
        return ConfigEnums.parse(SlowClientPolicy.class, SLOW_CLIENT_POLICY, getString(SLOW_CLIENT_POLICY));
    }

    public Duration idleTimeout() {
        return Duration.ofMillis(getLong(IDLE_TIMEOUT_MS));
    }

    public Duration writeTimeout() {
        return Duration.ofMillis(getLong(WRITE_TIMEOUT_MS));
    }

    public Duration pollTimeout() {
        return Duration.ofMillis(getLong(POLL_TIMEOUT_MS));
    }

    public Duration shutdownGrace() {
        return Duration.ofMillis(getLong(SHUTDOWN_GRACE_MS));
    }

    /** How long a ticket from {@code POST /api/ticket} may be redeemed (at most 30 s). */
    public Duration ticketTtl() {
        return Duration.ofMillis(getLong(TICKET_TTL_MS));
    }

    /** Tickets issued and not yet redeemed or expired, at most. */
    public int ticketsMax() {
        return getInt(TICKETS_MAX);
    }

    /** An SSE stream with nothing to send for this long gets a comment line, so proxies keep it open. */
    public Duration sseHeartbeat() {
        return Duration.ofMillis(getLong(SSE_HEARTBEAT_INTERVAL_MS));
    }

    /** The {@code retry:} an SSE stream starts with: how long an EventSource waits before it reconnects. */
    public long sseRetryMillis() {
        return getLong(SSE_RETRY_MS);
    }

    /** A list setting's entries but blank ones ({@code a,,b} and a trailing comma are forgiven). */
    static List<String> nonBlank(List<String> entries) {
        return entries.stream().filter(e -> !e.isBlank()).toList();
    }

    private Path pathOrNull(String key) {
        String path = getString(key);
        return path.isEmpty() ? null : Path.of(path);
    }
}
