package io.cxone.kafka.source.webhook;

import io.cxone.kafka.common.config.ConfigEnums;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the CXone webhook source: the setting names, the {@link ConfigDef} assembled from one fragment per
 * concern ({@link ListenerSettings}, {@link EventSettings}, {@link DeliverySettings}, {@link DedupeSettings},
 * {@link AuthSettings}, {@link DeadLetterSettings}), and typed getters; {@link WebhookConfigValidator} checks
 * combinations. Tasks get the connector's settings plus {@value #TASK_INDEX} and {@value #TASK_COUNT}.
 */
public final class WebhookConfig extends AbstractConfig {

    public static final String DEFAULT_PATH = "/webhook/cxone/events";

    // Listener
    public static final String BIND_ADDRESS = "listener.bind.address";
    public static final String PORT = "listener.port";
    public static final String PATH = "listener.path";
    public static final String TLS_KEYSTORE_PATH = "listener.tls.keystore.path";
    public static final String TLS_KEYSTORE_PASSWORD = "listener.tls.keystore.password";
    public static final String TLS_KEYSTORE_TYPE = "listener.tls.keystore.type";
    public static final String MAX_THREADS = "listener.threads.max";
    public static final String MAX_CONNECTIONS = "listener.connections.max";
    public static final String REQUEST_BODY_TIMEOUT_MS = "request.body.timeout.ms";
    // Events
    public static final String TOPIC = "topic";
    public static final String SCHEMA_INLINE = "schema.inline";
    public static final String SCHEMA_FILE = "schema.file";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_SUBJECT = "schema.registry.subject";
    public static final String SCHEMA_REGISTRY_VERSION = "schema.registry.version";
    public static final String JSON_UNKNOWN_FIELDS = "json.unknown.fields";
    public static final String EVENT_ID_FIELD = "event.id.field";
    public static final String REQUEST_MAX_BYTES = "request.max.bytes";
    public static final String REQUEST_MAX_EVENTS = "request.max.events";
    public static final String REQUEST_MAX_DECODED_BYTES = "request.max.decoded.bytes";
    public static final String HEADER_REMOTE_ADDRESS = "header.remote.address.enabled";
    // Delivery
    public static final String QUEUE_MAX_EVENTS = "queue.max.events";
    public static final String ACK_TIMEOUT_MS = "ack.timeout.ms";
    public static final String RETRY_AFTER_SECONDS = "retry.after.seconds";
    public static final String POLL_MAX_EVENTS = "poll.max.events";
    public static final String POLL_LINGER_MS = "poll.linger.ms";
    // Dedupe
    public static final String DEDUPE_WINDOW_MS = "dedupe.window.ms";
    public static final String DEDUPE_MAX_ENTRIES = "dedupe.max.entries";
    public static final String DEDUPE_BOOTSTRAP_SERVERS = "dedupe.bootstrap.servers";
    public static final String DEDUPE_REBUILD_TIMEOUT_MS = "dedupe.rebuild.timeout.ms";
    /** Every key with this prefix is a setting of the consumer that fills the dedupe window. */
    public static final String DEDUPE_CONSUMER_PREFIX = "dedupe.consumer.";
    // Security
    public static final String AUTH_MODE = "auth.mode";
    public static final String AUTH_BASIC_USERNAME = "auth.basic.username";
    public static final String AUTH_BASIC_PASSWORD = "auth.basic.password";
    public static final String AUTH_BEARER_TOKEN = "auth.bearer.token";
    public static final String AUTH_HMAC_SECRET = "auth.hmac.secret";
    public static final String AUTH_HMAC_SIGNATURE_HEADER = "auth.hmac.signature.header";
    public static final String AUTH_HMAC_TIMESTAMP_HEADER = "auth.hmac.timestamp.header";
    public static final String AUTH_HMAC_TOLERANCE_SECONDS = "auth.hmac.tolerance.seconds";
    public static final String AUTH_HMAC_REPLAY_MAX_ENTRIES = "auth.hmac.replay.max.entries";
    public static final String AUTH_NONE_ALLOW_PUBLIC = "auth.none.allow.public";
    // Dead letters
    /** Every key with this prefix but dlq.topic is a setting of the DLQ producer. */
    public static final String DLQ_PREFIX = "dlq.";

    public static final String DLQ_TOPIC = "dlq.topic";
    public static final String DLQ_BOOTSTRAP_SERVERS = "dlq.bootstrap.servers";
    // Task only
    public static final String TASK_INDEX = "task.index";
    public static final String TASK_COUNT = "task.count";
    /** Connect's own setting: the connector's name, in every connector and task configuration. */
    public static final String CONNECTOR_NAME = "name";

    /** How callers authenticate; written none, basic, bearer, hmac-sha256. */
    public enum AuthMode {
        NONE,
        BASIC,
        BEARER,
        HMAC_SHA256
    }

    public static final ConfigDef CONFIG_DEF = buildConfigDef();

    public WebhookConfig(Map<String, String> props) {
        super(CONFIG_DEF, props, false);
    }

    private static ConfigDef buildConfigDef() {
        ConfigDef def = new ConfigDef();
        ListenerSettings.define(def);
        EventSettings.define(def);
        DeliverySettings.define(def);
        DedupeSettings.define(def);
        AuthSettings.define(def);
        DeadLetterSettings.define(def);
        def.defineInternal(TASK_INDEX, Type.INT, 0, Importance.LOW);
        def.defineInternal(TASK_COUNT, Type.INT, 1, Importance.LOW);
        return def;
    }

    /**
     * One task config per task: the connector's settings plus the task's index and the number of tasks. Every task
     * listens on the same {@value #PORT} (tasks on one host share it, see {@link WebhookListener}).
     */
    public static List<Map<String, String>> taskConfigs(Map<String, String> connectorProps, int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(connectorProps);
            task.put(TASK_INDEX, Integer.toString(i));
            task.put(TASK_COUNT, Integer.toString(maxTasks));
            configs.add(task);
        }
        return configs;
    }

    public String bindAddress() {
        return getString(BIND_ADDRESS);
    }

    /** The port every task listens on (0: a free port per task, for tests). */
    public int port() {
        return getInt(PORT);
    }

    public String path() {
        return getString(PATH);
    }

    public int taskIndex() {
        return getInt(TASK_INDEX);
    }

    /** How many tasks the connector runs (1 outside a task's configuration). */
    public int taskCount() {
        return getInt(TASK_COUNT);
    }

    /** The connector's name as Connect gave it ("" when absent, as in unit tests). */
    public String connectorName() {
        Object name = originals().get(CONNECTOR_NAME);
        return name == null ? "" : name.toString();
    }

    public boolean tlsEnabled() {
        return !getString(TLS_KEYSTORE_PATH).isBlank();
    }

    public String tlsKeystorePath() {
        return getString(TLS_KEYSTORE_PATH);
    }

    public Password tlsKeystorePassword() {
        return getPassword(TLS_KEYSTORE_PASSWORD);
    }

    public String tlsKeystoreType() {
        return getString(TLS_KEYSTORE_TYPE).toUpperCase(Locale.ROOT);
    }

    public int maxThreads() {
        return getInt(MAX_THREADS);
    }

    public int maxConnections() {
        return getInt(MAX_CONNECTIONS);
    }

    public Duration requestBodyTimeout() {
        return Duration.ofMillis(getLong(REQUEST_BODY_TIMEOUT_MS));
    }

    public String topic() {
        return getString(TOPIC);
    }

    public String schemaInline() {
        return getString(SCHEMA_INLINE);
    }

    public String schemaFile() {
        return getString(SCHEMA_FILE);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL);
    }

    public String schemaRegistrySubject() {
        return getString(SCHEMA_REGISTRY_SUBJECT);
    }

    public String schemaRegistryVersion() {
        return getString(SCHEMA_REGISTRY_VERSION);
    }

    public boolean ignoreUnknownJsonFields() {
        return "ignore".equalsIgnoreCase(getString(JSON_UNKNOWN_FIELDS));
    }

    /** Empty when events have no id field. */
    public String eventIdField() {
        return getString(EVENT_ID_FIELD).trim();
    }

    public int requestMaxBytes() {
        return getInt(REQUEST_MAX_BYTES);
    }

    public int requestMaxEvents() {
        return getInt(REQUEST_MAX_EVENTS);
    }

    public int requestMaxDecodedBytes() {
        return getInt(REQUEST_MAX_DECODED_BYTES);
    }

    public boolean remoteAddressHeader() {
        return getBoolean(HEADER_REMOTE_ADDRESS);
    }

    public int queueMaxEvents() {
        return getInt(QUEUE_MAX_EVENTS);
    }

    public Duration ackTimeout() {
        return Duration.ofMillis(getLong(ACK_TIMEOUT_MS));
    }

    public int retryAfterSeconds() {
        return getInt(RETRY_AFTER_SECONDS);
    }

    public int pollMaxEvents() {
        return getInt(POLL_MAX_EVENTS);
    }

    public Duration pollLinger() {
        return Duration.ofMillis(getInt(POLL_LINGER_MS));
    }

    public Duration dedupeWindow() {
        return Duration.ofMillis(getLong(DEDUPE_WINDOW_MS));
    }

    public boolean dedupeEnabled() {
        return getLong(DEDUPE_WINDOW_MS) > 0 && !eventIdField().isEmpty();
    }

    public int dedupeMaxEntries() {
        return getInt(DEDUPE_MAX_ENTRIES);
    }

    public String dedupeBootstrapServers() {
        return getString(DEDUPE_BOOTSTRAP_SERVERS).trim();
    }

    /** Whether the dedupe window is filled from the topic ({@link DedupeTopicReader}). */
    public boolean dedupeFromTopic() {
        return dedupeEnabled() && !dedupeBootstrapServers().isEmpty();
    }

    public Duration dedupeRebuildTimeout() {
        return Duration.ofMillis(getLong(DEDUPE_REBUILD_TIMEOUT_MS));
    }

    /**
     * Kafka consumer settings of the dedupe reader: every {@value #DEDUPE_CONSUMER_PREFIX}-prefixed key, prefix
     * removed, and {@value #DEDUPE_BOOTSTRAP_SERVERS} as {@code bootstrap.servers}.
     */
    public Map<String, Object> dedupeConsumerSettings() {
        Map<String, Object> settings = new HashMap<>(originalsWithPrefix(DEDUPE_CONSUMER_PREFIX));
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, dedupeBootstrapServers());
        return settings;
    }

    public AuthMode authMode() {
        return ConfigEnums.parse(AuthMode.class, AUTH_MODE, getString(AUTH_MODE));
    }

    public String basicUsername() {
        return getString(AUTH_BASIC_USERNAME);
    }

    public Password basicPassword() {
        return getPassword(AUTH_BASIC_PASSWORD);
    }

    public Password bearerToken() {
        return getPassword(AUTH_BEARER_TOKEN);
    }

    public Password hmacSecret() {
        return getPassword(AUTH_HMAC_SECRET);
    }

    public String hmacSignatureHeader() {
        return getString(AUTH_HMAC_SIGNATURE_HEADER);
    }

    public String hmacTimestampHeader() {
        return getString(AUTH_HMAC_TIMESTAMP_HEADER);
    }

    public Duration hmacTolerance() {
        return Duration.ofSeconds(getInt(AUTH_HMAC_TOLERANCE_SECONDS));
    }

    public int hmacReplayMaxEntries() {
        return getInt(AUTH_HMAC_REPLAY_MAX_ENTRIES);
    }

    public boolean authNoneAllowPublic() {
        return getBoolean(AUTH_NONE_ALLOW_PUBLIC);
    }

    public String dlqTopic() {
        return getString(DLQ_TOPIC).trim();
    }

    public String dlqBootstrapServers() {
        return getString(DLQ_BOOTSTRAP_SERVERS).trim();
    }

    /**
     * Kafka producer settings of the DLQ producer: every {@code dlq.}-prefixed key this connector does not define itself
     * (such as {@link #DLQ_TOPIC}), prefix removed ({@code dlq.bootstrap.servers}, {@code dlq.security.protocol},
     * {@code dlq.ssl.*}, ...), as MirrorMaker passes {@code producer.}-prefixed settings on. Connect gives tasks no
     * access to the worker's own client settings.
     */
    public Map<String, Object> dlqProducerSettings() {
        Map<String, Object> settings = new HashMap<>(originalsWithPrefix(DLQ_PREFIX));
        CONFIG_DEF.names().stream()
                .filter(name -> name.startsWith(DLQ_PREFIX))
                .forEach(name -> settings.remove(name.substring(DLQ_PREFIX.length())));
        settings.put(DLQ_BOOTSTRAP_SERVERS.substring(DLQ_PREFIX.length()), dlqBootstrapServers());
        return settings;
    }
}
