package io.cxone.kafka.sink.elasticsearch;

import io.cxone.kafka.common.config.ConfigEnums;
import io.cxone.kafka.common.config.Validators;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the Elasticsearch sink. Keys shared with Confluent's kafka-connect-elasticsearch keep that
 * connector's names and meaning ({@code connection.url}, {@code key.ignore}, {@code batch.size}, ...), so a
 * connector JSON moves between the two by editing the class name and the keys only one of them has.
 * The task reads typed getters only, never the raw map.
 */
public final class ElasticsearchSinkConfig extends AbstractConfig {

    public enum WriteMethod {
        INSERT,
        UPSERT
    }

    public enum NullValueBehavior {
        IGNORE,
        DELETE,
        FAIL
    }

    public enum MalformedDocumentBehavior {
        IGNORE,
        WARN,
        FAIL
    }

    /** Written as Elasticsearch names the field types: {@code scaled_float}, {@code keyword}. */
    public enum DecimalMapping implements ConfigEnums.Named {
        SCALED_FLOAT,
        KEYWORD;

        @Override
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum MapMapping {
        FLATTENED,
        OBJECT
    }

    public static final String GROUP_CONNECTION = "Connection";
    public static final String GROUP_SECURITY = "Security";
    public static final String GROUP_WRITES = "Data conversion";
    public static final String GROUP_INDEX = "Indices and mappings";
    public static final String GROUP_BATCHING = "Batching and retries";
    public static final String GROUP_ILM = "Index lifecycle";

    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USERNAME = "connection.username";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String CONNECTION_API_KEY = "connection.api.key";
    public static final String CONNECTION_BEARER_TOKEN = "connection.bearer.token";
    public static final String CONNECTION_TIMEOUT_MS = "connection.timeout.ms";
    public static final String READ_TIMEOUT_MS = "read.timeout.ms";

    public static final String SSL_CA_FILE = "elastic.https.ssl.ca.file";
    public static final String SSL_TRUST_ALL = "elastic.https.ssl.trust.all";

    public static final String KEY_IGNORE = "key.ignore";
    public static final String SCHEMA_IGNORE = "schema.ignore";
    public static final String WRITE_METHOD = "write.method";
    public static final String BEHAVIOR_ON_NULL_VALUES = "behavior.on.null.values";
    public static final String BEHAVIOR_ON_MALFORMED_DOCS = "behavior.on.malformed.documents";

    public static final String TOPIC_INDEX_MAP = "topic.index.map";
    public static final String INDEX_NAME_PATTERN = "index.name.pattern";
    public static final String MAPPING_TEXT_SUBFIELD = "mapping.string.text.subfield";
    public static final String MAPPING_DECIMAL = "mapping.decimal";
    public static final String MAPPING_MAP = "mapping.map";

    public static final String BATCH_SIZE = "batch.size";
    public static final String BULK_SIZE_BYTES = "bulk.size.bytes";
    public static final String LINGER_MS = "linger.ms";
    public static final String MAX_IN_FLIGHT_REQUESTS = "max.in.flight.requests";
    public static final String MAX_BUFFERED_RECORDS = "max.buffered.records";
    public static final String FLUSH_TIMEOUT_MS = "flush.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";

    public static final String ILM_POLICY_FILE = "ilm.policy.file";
    public static final String ILM_POLICY_NAME = "ilm.policy.name";
    public static final String ILM_REQUIRED = "ilm.required";

    /** Read from the connector's own props to decide whether malformed documents go to the DLQ. */
    public static final String ERRORS_TOLERANCE = "errors.tolerance";

    /** Where credentials go instead of the URL: named when a URL carrying them is refused. */
    private static final String CREDENTIAL_SETTINGS = CONNECTION_USERNAME + "/" + CONNECTION_PASSWORD + ", "
            + CONNECTION_API_KEY + " or " + CONNECTION_BEARER_TOKEN;

    public static final ConfigDef CONFIG_DEF = configDef();

    private final Map<String, String> topicIndexMap;
    private final boolean errorsToleranceAll;

    public ElasticsearchSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props, false);
        this.topicIndexMap = IndexNames.parseTopicIndexMap(getList(TOPIC_INDEX_MAP));
        this.errorsToleranceAll = "all"
                .equalsIgnoreCase(props.getOrDefault(ERRORS_TOLERANCE, "none").trim());
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(
                CONNECTION_URL,
                Type.LIST,
                ConfigDef.NO_DEFAULT_VALUE,
                Validators.httpUrlList(CREDENTIAL_SETTINGS),
                Importance.HIGH,
                "Elasticsearch HTTP(S) URLs, comma-separated, e.g. http://127.0.0.1:9200. A URL carrying credentials (user:pass@) "
                        + "is refused: set them in " + CONNECTION_USERNAME + "/" + CONNECTION_PASSWORD + ", "
                        + CONNECTION_API_KEY
                        + " or " + CONNECTION_BEARER_TOKEN + ".",
                GROUP_CONNECTION,
                ++order,
                Width.LONG,
                "Connection URLs");
        def.define(
                CONNECTION_TIMEOUT_MS,
                Type.INT,
                1000,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Milliseconds to wait for a TCP connection to Elasticsearch.",
                GROUP_CONNECTION,
                ++order,
                Width.SHORT,
                "Connection timeout (ms)");
        def.define(
                READ_TIMEOUT_MS,
                Type.INT,
                30000,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Milliseconds to wait for a response; a timed-out request is retried, it never fails the task.",
                GROUP_CONNECTION,
                ++order,
                Width.SHORT,
                "Read timeout (ms)");

        order = 0;
        def.define(
                CONNECTION_USERNAME,
                Type.STRING,
                null,
                Importance.MEDIUM,
                "User for HTTP basic authentication (with connection.password).",
                GROUP_SECURITY,
                ++order,
                Width.MEDIUM,
                "Username");
        def.define(
                CONNECTION_PASSWORD,
                Type.PASSWORD,
                null,
                Importance.MEDIUM,
                "Password for HTTP basic authentication.",
                GROUP_SECURITY,
                ++order,
                Width.MEDIUM,
                "Password");
        def.define(
                CONNECTION_API_KEY,
                Type.PASSWORD,
                null,
                Importance.MEDIUM,
                "Elasticsearch API key, the base64 'encoded' value (sent as 'Authorization: ApiKey ...').",
                GROUP_SECURITY,
                ++order,
                Width.LONG,
                "API key");
        def.define(
                CONNECTION_BEARER_TOKEN,
                Type.PASSWORD,
                null,
                Importance.MEDIUM,
                "Bearer token (sent as 'Authorization: Bearer ...'), e.g. an Elasticsearch service-account token.",
                GROUP_SECURITY,
                ++order,
                Width.LONG,
                "Bearer token");
        def.define(
                SSL_CA_FILE,
                Type.STRING,
                null,
                Validators.readableFile(true),
                Importance.MEDIUM,
                "PEM file of CA certificates to trust for https URLs (default: the JVM's trust store).",
                GROUP_SECURITY,
                ++order,
                Width.LONG,
                "CA certificate file");
        def.define(
                SSL_TRUST_ALL,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "Trust any server certificate and host name. For tests only; never set it in production.",
                GROUP_SECURITY,
                ++order,
                Width.SHORT,
                "Trust all certificates");

        order = 0;
        def.define(
                KEY_IGNORE,
                Type.BOOLEAN,
                false,
                Importance.HIGH,
                "true: the document id is topic+partition+offset (replays overwrite, never duplicate); "
                        + "false: the record key is the id.",
                GROUP_WRITES,
                ++order,
                Width.SHORT,
                "Ignore key");
        def.define(
                SCHEMA_IGNORE,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "true: no index template mappings are derived from the record schema; Elasticsearch maps dynamically.",
                GROUP_WRITES,
                ++order,
                Width.SHORT,
                "Ignore schema");
        def.define(
                WRITE_METHOD,
                Type.STRING,
                "insert",
                ConfigEnums.validator(WriteMethod.class),
                Importance.LOW,
                "insert: index the whole document; upsert: partial update that creates the document when missing.",
                GROUP_WRITES,
                ++order,
                Width.SHORT,
                "Write method",
                ConfigEnums.recommender(WriteMethod.class));
        def.define(
                BEHAVIOR_ON_NULL_VALUES,
                Type.STRING,
                "fail",
                ConfigEnums.validator(NullValueBehavior.class),
                Importance.LOW,
                "What a record with a null value does: ignore it, delete the document with its id (needs "
                        + "key.ignore=false), or fail the task.",
                GROUP_WRITES,
                ++order,
                Width.SHORT,
                "Behavior on null values",
                ConfigEnums.recommender(NullValueBehavior.class));
        def.define(
                BEHAVIOR_ON_MALFORMED_DOCS,
                Type.STRING,
                "fail",
                ConfigEnums.validator(MalformedDocumentBehavior.class),
                Importance.LOW,
                "What a document Elasticsearch rejects as malformed (HTTP 400 per item) does: ignore, warn, or fail "
                        + "the task. With errors.tolerance=all and a dead letter queue it goes to the DLQ instead.",
                GROUP_WRITES,
                ++order,
                Width.SHORT,
                "Behavior on malformed documents",
                ConfigEnums.recommender(MalformedDocumentBehavior.class));

        order = 0;
        def.define(
                TOPIC_INDEX_MAP,
                Type.LIST,
                "",
                new IndexNames.TopicIndexMapValidator(),
                Importance.MEDIUM,
                "topic:index pairs, comma-separated; topics not listed write to an index named after the topic.",
                GROUP_INDEX,
                ++order,
                Width.LONG,
                "Topic to index map");
        def.define(
                INDEX_NAME_PATTERN,
                Type.STRING,
                "{topic}",
                new IndexNames.PatternValidator(),
                Importance.MEDIUM,
                "Index name; {topic} is the mapped index name, {<date pattern>} (e.g. {yyyy.MM}) the record "
                        + "timestamp in UTC. Example: cxone-events-{yyyy.MM}.",
                GROUP_INDEX,
                ++order,
                Width.LONG,
                "Index name pattern");
        def.define(
                MAPPING_TEXT_SUBFIELD,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "Give every keyword field a full-text 'text' sub-field.",
                GROUP_INDEX,
                ++order,
                Width.SHORT,
                "Text sub-field for strings");
        def.define(
                MAPPING_DECIMAL,
                Type.STRING,
                "scaled_float",
                ConfigEnums.validator(DecimalMapping.class),
                Importance.LOW,
                "Mapping of Connect Decimal fields: scaled_float (a number, scaling factor 10^scale) or keyword (exact text).",
                GROUP_INDEX,
                ++order,
                Width.SHORT,
                "Decimal mapping",
                ConfigEnums.recommender(DecimalMapping.class));
        def.define(
                MAPPING_MAP,
                Type.STRING,
                "flattened",
                ConfigEnums.validator(MapMapping.class),
                Importance.LOW,
                "Mapping of map<string,string> fields: flattened (one field, no mapping explosion) or object.",
                GROUP_INDEX,
                ++order,
                Width.SHORT,
                "String map mapping",
                ConfigEnums.recommender(MapMapping.class));

        order = 0;
        def.define(
                BATCH_SIZE,
                Type.INT,
                2000,
                ConfigDef.Range.between(1, 1_000_000),
                Importance.MEDIUM,
                "Maximum operations per bulk request.",
                GROUP_BATCHING,
                ++order,
                Width.SHORT,
                "Batch size");
        def.define(
                BULK_SIZE_BYTES,
                Type.LONG,
                5L * 1024 * 1024,
                ConfigDef.Range.atLeast(1024),
                Importance.LOW,
                "Maximum bytes per bulk request.",
                GROUP_BATCHING,
                ++order,
                Width.SHORT,
                "Bulk size (bytes)");
        def.define(
                LINGER_MS,
                Type.LONG,
                1L,
                ConfigDef.Range.between(0, 60_000),
                Importance.LOW,
                "Milliseconds a partial batch waits for more records before it is sent.",
                GROUP_BATCHING,
                ++order,
                Width.SHORT,
                "Linger (ms)");
        def.define(
                MAX_IN_FLIGHT_REQUESTS,
                Type.INT,
                5,
                ConfigDef.Range.between(1, 100),
                Importance.LOW,
                "Bulk requests in flight at once per task. Writes to one document (ids from keys) still apply in record "
                        + "order: each waits until the previous write to its document is acknowledged.",
                GROUP_BATCHING,
                ++order,
                Width.SHORT,
                "Max in-flight requests");
        def.define(
                MAX_BUFFERED_RECORDS,
                Type.INT,
                20000,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Records not yet acknowledged by Elasticsearch above which the task pauses its partitions "
                        + "(resumes at half); bounds memory while Elasticsearch is slow or down.",
                GROUP_BATCHING,
                ++order,
                Width.SHORT,
                "Max buffered records");
        def.define(
                FLUSH_TIMEOUT_MS,
                Type.LONG,
                180_000L,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Milliseconds stop() waits for in-flight documents. Offsets of unacknowledged documents are never "
                        + "committed, so a timeout loses nothing: they are re-read.",
                GROUP_BATCHING,
                ++order,
                Width.SHORT,
                "Flush timeout (ms)");
        def.define(
                MAX_RETRIES,
                Type.INT,
                -1,
                ConfigDef.Range.atLeast(-1),
                Importance.MEDIUM,
                "Retries of a document after 429, 5xx, timeouts or connection errors; -1 retries forever (the task "
                        + "stays RUNNING and logs each failed attempt). When exceeded the task fails without "
                        + "committing the document's offset.",
                GROUP_BATCHING,
                ++order,
                Width.SHORT,
                "Max retries");
        def.define(
                RETRY_BACKOFF_MS,
                Type.LONG,
                100L,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "First retry backoff; doubles per attempt, with full jitter, up to retry.backoff.max.ms.",
                GROUP_BATCHING,
                ++order,
                Width.SHORT,
                "Retry backoff (ms)");
        def.define(
                RETRY_BACKOFF_MAX_MS,
                Type.LONG,
                30_000L,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Upper bound of the retry backoff.",
                GROUP_BATCHING,
                ++order,
                Width.SHORT,
                "Max retry backoff (ms)");

        order = 0;
        def.define(
                ILM_POLICY_FILE,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "YAML file of the ILM policy (see config/ilm-policy.yaml); absolute, or relative to the worker's "
                        + "working directory. Empty: no ILM. With a policy each index is written through a rollover "
                        + "alias named like the index, backed by <index>-000001, ...",
                GROUP_ILM,
                ++order,
                Width.LONG,
                "ILM policy file");
        def.define(
                ILM_POLICY_NAME,
                Type.STRING,
                "cxone-sink",
                new ConfigDef.NonEmptyString(),
                Importance.LOW,
                "Name of the ILM policy created from ilm.policy.file.",
                GROUP_ILM,
                ++order,
                Width.MEDIUM,
                "ILM policy name");
        def.define(
                ILM_REQUIRED,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "true: fail when the cluster has no ILM; false: log one warning and write plain indices.",
                GROUP_ILM,
                ++order,
                Width.SHORT,
                "ILM required");
        return def;
    }

    public List<URI> connectionUrls() {
        return getList(CONNECTION_URL).stream().map(s -> URI.create(s.trim())).toList();
    }

    public Optional<String> username() {
        return Optional.ofNullable(getString(CONNECTION_USERNAME)).filter(s -> !s.isBlank());
    }

    public Optional<Password> password() {
        return Optional.ofNullable(getPassword(CONNECTION_PASSWORD))
                .filter(p -> !p.value().isEmpty());
    }

    public Optional<Password> apiKey() {
        return Optional.ofNullable(getPassword(CONNECTION_API_KEY))
                .filter(p -> !p.value().isEmpty());
    }

    public Optional<Password> bearerToken() {
        return Optional.ofNullable(getPassword(CONNECTION_BEARER_TOKEN))
                .filter(p -> !p.value().isEmpty());
    }

    public Optional<Path> caFile() {
        return Optional.ofNullable(getString(SSL_CA_FILE))
                .filter(s -> !s.isBlank())
                .map(Path::of);
    }

    public boolean trustAll() {
        return getBoolean(SSL_TRUST_ALL);
    }

    public int connectionTimeoutMs() {
        return getInt(CONNECTION_TIMEOUT_MS);
    }

    public int readTimeoutMs() {
        return getInt(READ_TIMEOUT_MS);
    }

    public boolean keyIgnore() {
        return getBoolean(KEY_IGNORE);
    }

    public boolean schemaIgnore() {
        return getBoolean(SCHEMA_IGNORE);
    }

    public WriteMethod writeMethod() {
        return ConfigEnums.parse(WriteMethod.class, WRITE_METHOD, getString(WRITE_METHOD));
    }

    public NullValueBehavior nullValueBehavior() {
        return ConfigEnums.parse(NullValueBehavior.class, BEHAVIOR_ON_NULL_VALUES, getString(BEHAVIOR_ON_NULL_VALUES));
    }

    public MalformedDocumentBehavior malformedDocumentBehavior() {
        return ConfigEnums.parse(
                MalformedDocumentBehavior.class, BEHAVIOR_ON_MALFORMED_DOCS, getString(BEHAVIOR_ON_MALFORMED_DOCS));
    }

    public Map<String, String> topicIndexMap() {
        return topicIndexMap;
    }

    public String indexNamePattern() {
        return getString(INDEX_NAME_PATTERN);
    }

    public boolean textSubfield() {
        return getBoolean(MAPPING_TEXT_SUBFIELD);
    }

    public DecimalMapping decimalMapping() {
        return ConfigEnums.parse(DecimalMapping.class, MAPPING_DECIMAL, getString(MAPPING_DECIMAL));
    }

    public MapMapping mapMapping() {
        return ConfigEnums.parse(MapMapping.class, MAPPING_MAP, getString(MAPPING_MAP));
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public long bulkSizeBytes() {
        return getLong(BULK_SIZE_BYTES);
    }

    public long lingerMs() {
        return getLong(LINGER_MS);
    }

    public int maxInFlightRequests() {
        return getInt(MAX_IN_FLIGHT_REQUESTS);
    }

    public int maxBufferedRecords() {
        return getInt(MAX_BUFFERED_RECORDS);
    }

    public Duration flushTimeout() {
        return Duration.ofMillis(getLong(FLUSH_TIMEOUT_MS));
    }

    /** -1: retry forever. */
    public int maxRetries() {
        return getInt(MAX_RETRIES);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public long retryBackoffMaxMs() {
        return getLong(RETRY_BACKOFF_MAX_MS);
    }

    public Optional<Path> ilmPolicyFile() {
        return Optional.ofNullable(getString(ILM_POLICY_FILE))
                .filter(s -> !s.isBlank())
                .map(Path::of);
    }

    public String ilmPolicyName() {
        return getString(ILM_POLICY_NAME);
    }

    public boolean ilmRequired() {
        return getBoolean(ILM_REQUIRED);
    }

    /** errors.tolerance=all: documents Elasticsearch rejects go to the DLQ (when one is configured) and never fail the task. */
    public boolean errorsToleranceAll() {
        return errorsToleranceAll;
    }
}
