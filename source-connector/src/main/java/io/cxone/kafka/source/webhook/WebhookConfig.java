package io.cxone.kafka.source.webhook;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration of the CXone webhook source: the {@link ConfigDef}, parsing and typed getters. Tasks get the
 * connector's settings plus {@value #TASK_INDEX}; see {@link #taskConfigs} for the {@code tasks.max > 1} scheme.
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
    public static final String DEDUPE_WINDOW_MS = "dedupe.window.ms";
    public static final String DEDUPE_MAX_ENTRIES = "dedupe.max.entries";
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
    public static final String DLQ_TOPIC = "dlq.topic";
    public static final String DLQ_BOOTSTRAP_SERVERS = "dlq.bootstrap.servers";
    // Task only
    public static final String TASK_INDEX = "task.index";

    private static final String GROUP_LISTENER = "Listener";
    private static final String GROUP_EVENTS = "Events";
    private static final String GROUP_DELIVERY = "Delivery";
    private static final String GROUP_SECURITY = "Security";
    private static final String GROUP_DLQ = "Dead letters";

    /** How callers authenticate. */
    public enum AuthMode {
        NONE, BASIC, BEARER, HMAC_SHA256;

        public String configValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static AuthMode parse(String value) {
            for (AuthMode mode : values()) {
                if (mode.configValue().equalsIgnoreCase(value.trim())) {
                    return mode;
                }
            }
            throw new ConfigException(AUTH_MODE, value, "must be one of none, basic, bearer, hmac-sha256");
        }
    }

    public static final ConfigDef CONFIG_DEF = buildConfigDef();

    public WebhookConfig(Map<String, String> props) {
        super(CONFIG_DEF, props, false);
    }

    private static ConfigDef buildConfigDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(BIND_ADDRESS, Type.STRING, "0.0.0.0", new ConfigDef.NonEmptyString(), Importance.HIGH,
                "Address the HTTP listener binds to.", GROUP_LISTENER, ++order, Width.MEDIUM, "Bind address");
        def.define(PORT, Type.INT, 8701, ConfigDef.Range.between(0, 65535), Importance.HIGH,
                "Port of the HTTP listener. With tasks.max > 1, task N listens on port + N (put a load balancer in "
                        + "front); one task per worker is the usual deployment. 0 picks a free port (tests only).",
                GROUP_LISTENER, ++order, Width.SHORT, "Port");
        def.define(PATH, Type.STRING, DEFAULT_PATH, new PathValidator(), Importance.MEDIUM,
                "Path that accepts POSTed events; other paths answer 404.", GROUP_LISTENER, ++order, Width.MEDIUM, "Path");
        def.define(TLS_KEYSTORE_PATH, Type.STRING, "", Importance.MEDIUM,
                "Keystore with the listener's certificate and key. Empty: plain HTTP.", GROUP_LISTENER, ++order,
                Width.LONG, "TLS keystore");
        def.define(TLS_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                "Password of the TLS keystore and its key.", GROUP_LISTENER, ++order, Width.MEDIUM, "TLS keystore password");
        def.define(TLS_KEYSTORE_TYPE, Type.STRING, "PKCS12", ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                Importance.LOW, "Type of the TLS keystore.", GROUP_LISTENER, ++order, Width.SHORT, "TLS keystore type");
        def.define(MAX_THREADS, Type.INT, 64, ConfigDef.Range.between(8, 1000), Importance.LOW,
                "Maximum HTTP worker threads of the listener. Requests waiting for Kafka do not hold a thread.",
                GROUP_LISTENER, ++order, Width.SHORT, "Listener threads");
        def.define(MAX_CONNECTIONS, Type.INT, 4096, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                "Most open connections to the listener. At the limit it stops accepting: further callers wait in the "
                        + "operating system's accept queue until a connection closes. An idle connection holds a few KiB; "
                        + "the default leaves room for about 1,000 requests in flight (20,000 events/s at 50 ms) with "
                        + "keep-alive connections to spare.",
                GROUP_LISTENER, ++order, Width.SHORT, "Max connections");
        def.define(REQUEST_BODY_TIMEOUT_MS, Type.LONG, 15_000L, ConfigDef.Range.between(100, 300_000), Importance.LOW,
                "Longest time a request's body may take to arrive, counted from its headers. A slower body answers 408 "
                        + "and the connection is closed, so a caller trickling bytes cannot hold a connection.",
                GROUP_LISTENER, ++order, Width.SHORT, "Body timeout (ms)");

        order = 0;
        def.define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                "Topic the events are written to.", GROUP_EVENTS, ++order, Width.MEDIUM, "Topic");
        def.define(SCHEMA_INLINE, Type.STRING, "", Importance.HIGH,
                "Avro schema (JSON) of the events. Set at most one of schema.inline, schema.file, "
                        + "schema.registry.subject; none: the built-in CXone DataActionEvent schema. It is the writer "
                        + "schema of application/avro bodies, the reader schema for container files, and validates JSON.",
                GROUP_EVENTS, ++order, Width.LONG, "Inline schema");
        def.define(SCHEMA_FILE, Type.STRING, "", Importance.MEDIUM, "File holding the Avro schema of the events.",
                GROUP_EVENTS, ++order, Width.LONG, "Schema file");
        def.define(SCHEMA_REGISTRY_URL, Type.STRING, "", Importance.MEDIUM,
                "Confluent-compatible registry API to read the schema from, e.g. http://127.0.0.1:8081/apis/ccompat/v7.",
                GROUP_EVENTS, ++order, Width.LONG, "Schema registry URL");
        def.define(SCHEMA_REGISTRY_SUBJECT, Type.STRING, "", Importance.MEDIUM,
                "Registry subject of the events' schema.", GROUP_EVENTS, ++order, Width.MEDIUM, "Schema subject");
        def.define(SCHEMA_REGISTRY_VERSION, Type.STRING, "latest", new VersionValidator(), Importance.LOW,
                "Version of the subject: a number or 'latest' (read when the task starts).", GROUP_EVENTS, ++order,
                Width.SHORT, "Schema version");
        def.define(JSON_UNKNOWN_FIELDS, Type.STRING, "reject", ConfigDef.CaseInsensitiveValidString.in("reject", "ignore"),
                Importance.LOW, "Whether JSON fields missing from the schema fail the request (400) or are dropped.",
                GROUP_EVENTS, ++order, Width.SHORT, "Unknown JSON fields");
        def.define(EVENT_ID_FIELD, Type.STRING, "event_id", Importance.MEDIUM,
                "Top-level field holding the event id: the record key and the dedupe key. Empty: null keys, no dedupe.",
                GROUP_EVENTS, ++order, Width.MEDIUM, "Event id field");
        def.define(REQUEST_MAX_BYTES, Type.INT, 1024 * 1024, ConfigDef.Range.between(64, 64 * 1024 * 1024),
                Importance.MEDIUM, "Largest accepted body in bytes; larger bodies answer 413.", GROUP_EVENTS, ++order,
                Width.SHORT, "Max body bytes");
        def.define(REQUEST_MAX_EVENTS, Type.INT, 1000, ConfigDef.Range.between(1, 100_000), Importance.MEDIUM,
                "Most events in one request; more answer 413.", GROUP_EVENTS, ++order, Width.SHORT, "Max events per request");
        def.define(REQUEST_MAX_DECODED_BYTES, Type.INT, 8 * 1024 * 1024, ConfigDef.Range.between(1024, 256 * 1024 * 1024),
                Importance.MEDIUM, "Most bytes of event data one request may decode: Avro data after inflating deflate "
                        + "container blocks, or JSON text, plus 16 for every array or map item the data declares, for the "
                        + "heap an item takes once decoded even when it encodes to no byte (an array of null). Spent while "
                        + "inflating and decoding, so a compression or item-count bomb stops there (413). At least "
                        + "request.max.bytes.", GROUP_EVENTS, ++order,
                Width.SHORT, "Max decoded bytes per request");
        def.define(HEADER_REMOTE_ADDRESS, Type.BOOLEAN, false, Importance.LOW,
                "Add the caller's address as record header remote-address.", GROUP_EVENTS, ++order, Width.SHORT,
                "Remote address header");

        order = 0;
        def.define(QUEUE_MAX_EVENTS, Type.INT, 10_000, ConfigDef.Range.between(1, 10_000_000), Importance.MEDIUM,
                "Events accepted but not yet acknowledged by Kafka, at most. A request that does not fit answers 429 "
                        + "with Retry-After and is not accepted at all.", GROUP_DELIVERY, ++order, Width.SHORT,
                "Queue capacity (events)");
        def.define(ACK_TIMEOUT_MS, Type.LONG, 30_000L, ConfigDef.Range.between(100, 85_000), Importance.MEDIUM,
                "How long a request waits for Kafka to acknowledge its events before it answers 503 with Retry-After. "
                        + "Events not yet handed to Kafka are withdrawn; events already handed over may still be "
                        + "published (dedupe then drops the caller's retry). Below CXone's 90 s call timeout. Checked every "
                        + "tenth of this time (at least 10 ms, at most 1 s), so a 503 can come up to that much later.",
                GROUP_DELIVERY, ++order, Width.SHORT, "Ack timeout (ms)");
        def.define(RETRY_AFTER_SECONDS, Type.INT, 1, ConfigDef.Range.between(1, 3600), Importance.LOW,
                "Retry-After value of 429 and 503 answers.", GROUP_DELIVERY, ++order, Width.SHORT, "Retry-After (s)");
        def.define(POLL_MAX_EVENTS, Type.INT, 2000, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                "Most events one poll() hands to the worker (one transaction with exactly-once support). Requests are "
                        + "never split across polls.", GROUP_DELIVERY, ++order, Width.SHORT, "Events per poll");
        def.define(POLL_LINGER_MS, Type.INT, 0, ConfigDef.Range.between(0, 1000), Importance.LOW,
                "Once poll() has a request, how long it keeps taking requests that arrive before handing the batch to "
                        + "the worker (up to poll.max.events). With exactly-once each poll is one transaction: callers "
                        + "answered by one commit post again within a millisecond or two, and a short linger puts them in "
                        + "the next transaction together instead of splitting them over two. 0 hands over at once.",
                GROUP_DELIVERY, ++order, Width.SHORT, "Poll linger (ms)");
        def.define(DEDUPE_WINDOW_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                "Drop events whose id was acknowledged within this window (answered with the original offsets), so "
                        + "caller retries publish once. 0 turns dedupe off. Per task, in memory.",
                GROUP_DELIVERY, ++order, Width.SHORT, "Dedupe window (ms)");
        def.define(DEDUPE_MAX_ENTRIES, Type.INT, 100_000, ConfigDef.Range.between(1, 10_000_000), Importance.LOW,
                "Most event ids the dedupe window remembers (about 150 bytes of heap each, kept as a 128-bit hash); "
                        + "the oldest are forgotten first. At 20,000 events/s the default covers 5 s of retries.",
                GROUP_DELIVERY, ++order, Width.SHORT, "Dedupe capacity");

        order = 0;
        def.define(AUTH_MODE, Type.STRING, "none", ConfigDef.CaseInsensitiveValidString.in("none", "basic", "bearer", "hmac-sha256"),
                Importance.HIGH, "How callers authenticate: none, basic, bearer, or hmac-sha256 (header "
                        + "<signature header> = hex HMAC-SHA256 of '<timestamp>.<body>' with the secret, optionally "
                        + "prefixed 'sha256='; <timestamp header> = epoch seconds).",
                GROUP_SECURITY, ++order, Width.SHORT, "Auth mode", new AuthRecommender());
        def.define(AUTH_BASIC_USERNAME, Type.STRING, "", Importance.HIGH, "User name for basic auth.", GROUP_SECURITY,
                ++order, Width.MEDIUM, "Basic user", new AuthRecommender());
        def.define(AUTH_BASIC_PASSWORD, Type.PASSWORD, null, Importance.HIGH, "Password for basic auth.", GROUP_SECURITY,
                ++order, Width.MEDIUM, "Basic password", new AuthRecommender());
        def.define(AUTH_BEARER_TOKEN, Type.PASSWORD, null, Importance.HIGH, "Token expected after 'Bearer '.",
                GROUP_SECURITY, ++order, Width.MEDIUM, "Bearer token", new AuthRecommender());
        def.define(AUTH_HMAC_SECRET, Type.PASSWORD, null, Importance.HIGH, "Shared secret of hmac-sha256.",
                GROUP_SECURITY, ++order, Width.MEDIUM, "HMAC secret", new AuthRecommender());
        def.define(AUTH_HMAC_SIGNATURE_HEADER, Type.STRING, "X-Cxone-Signature", new ConfigDef.NonEmptyString(),
                Importance.LOW, "Header carrying the signature.", GROUP_SECURITY, ++order, Width.MEDIUM,
                "Signature header", new AuthRecommender());
        def.define(AUTH_HMAC_TIMESTAMP_HEADER, Type.STRING, "X-Cxone-Timestamp", new ConfigDef.NonEmptyString(),
                Importance.LOW, "Header carrying the signing time (epoch seconds).", GROUP_SECURITY, ++order,
                Width.MEDIUM, "Timestamp header", new AuthRecommender());
        def.define(AUTH_HMAC_TOLERANCE_SECONDS, Type.INT, 300, ConfigDef.Range.between(1, 86_400), Importance.LOW,
                "Largest accepted difference between the signing time and now (replay protection).", GROUP_SECURITY,
                ++order, Width.SHORT, "Timestamp tolerance (s)", new AuthRecommender());
        def.define(AUTH_HMAC_REPLAY_MAX_ENTRIES, Type.INT, 100_000, ConfigDef.Range.between(1, 10_000_000), Importance.LOW,
                "Most accepted signatures remembered to refuse a replay within the timestamp tolerance (401 signature "
                        + "already used; about 150 bytes of heap each). A request answered other than 200 frees its "
                        + "signature, so a retry of the same signed request is accepted. When full, the oldest are forgotten.",
                GROUP_SECURITY, ++order, Width.SHORT, "Replay memory (signatures)", new AuthRecommender());
        def.define(AUTH_NONE_ALLOW_PUBLIC, Type.BOOLEAN, false, Importance.HIGH,
                "auth.mode=none is refused unless listener.bind.address is a loopback address, or this is true: anyone "
                        + "who can reach the port can then publish events.",
                GROUP_SECURITY, ++order, Width.SHORT, "Allow no auth on a public address");

        order = 0;
        def.define(DLQ_TOPIC, Type.STRING, "", Importance.LOW,
                "Topic for rejected bodies (raw bytes, headers with the status and reason). Empty: off.", GROUP_DLQ,
                ++order, Width.MEDIUM, "DLQ topic");
        def.define(DLQ_BOOTSTRAP_SERVERS, Type.STRING, "", Importance.LOW,
                "Kafka bootstrap servers of the DLQ producer (required with dlq.topic).", GROUP_DLQ, ++order,
                Width.LONG, "DLQ bootstrap servers");

        def.defineInternal(TASK_INDEX, Type.INT, 0, Importance.LOW);
        return def;
    }


    /** One task config per task: the connector's settings plus the task index that offsets the port. */
    public static List<Map<String, String>> taskConfigs(Map<String, String> connectorProps, int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(connectorProps);
            task.put(TASK_INDEX, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    public String bindAddress() {
        return getString(BIND_ADDRESS);
    }

    /** The port this task listens on: {@value #PORT} + task index (0 stays 0: a free port). */
    public int port() {
        int base = getInt(PORT);
        return base == 0 ? 0 : base + taskIndex();
    }

    public String path() {
        return getString(PATH);
    }

    public int taskIndex() {
        return getInt(TASK_INDEX);
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

    public AuthMode authMode() {
        return AuthMode.parse(getString(AUTH_MODE));
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

    /** A path starting with '/', without spaces or a query. */
    static final class PathValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String path = (String) value;
            if (path == null || !path.startsWith("/") || path.contains(" ") || path.contains("?") || path.contains("#")) {
                throw new ConfigException(name, value, "must start with '/' and hold no spaces, '?' or '#'");
            }
        }

        @Override
        public String toString() {
            return "a path starting with '/'";
        }
    }

    /** 'latest' or a positive version number. */
    static final class VersionValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String version = value == null ? "" : value.toString().trim();
            if (version.equalsIgnoreCase("latest")) {
                return;
            }
            try {
                if (Integer.parseInt(version) > 0) {
                    return;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigException(name, value, "must be 'latest' or a positive number");
        }

        @Override
        public String toString() {
            return "'latest' or a positive number";
        }
    }

    /** Shows only the auth settings of the chosen mode. */
    static final class AuthRecommender implements ConfigDef.Recommender {
        @Override
        public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
            return name.equals(AUTH_MODE) ? List.of("none", "basic", "bearer", "hmac-sha256") : List.of();
        }

        @Override
        public boolean visible(String name, Map<String, Object> parsedConfig) {
            Object mode = parsedConfig.get(AUTH_MODE);
            String value = mode == null ? "none" : mode.toString().toLowerCase(Locale.ROOT);
            if (name.startsWith("auth.basic.")) {
                return value.equals("basic");
            }
            if (name.equals(AUTH_BEARER_TOKEN)) {
                return value.equals("bearer");
            }
            if (name.startsWith("auth.hmac.")) {
                return value.equals("hmac-sha256");
            }
            return true;
        }
    }
}
