package io.cxone.kafka.sink.elasticsearch;

import io.cxone.kafka.common.config.ConfigEnums;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the Elasticsearch sink. Keys shared with Confluent's kafka-connect-elasticsearch keep that
 * connector's names and meaning ({@code connection.url}, {@code key.ignore}, {@code batch.size}, ...), so a
 * connector JSON moves between the two by editing the class name and the keys only one of them has.
 * The task reads typed getters only, never the raw map.
 *
 * <p>This class holds the setting names and typed getters; the {@link ConfigDef} is assembled from one fragment per
 * group of the reference ({@link ConnectionSettings}, {@link SecuritySettings}, {@link WriteSettings},
 * {@link IndexSettings}, {@link HeaderSettings}, {@link BatchingSettings}, {@link IlmSettings}) and {@link ElasticsearchConfigValidator}
 * checks combinations.
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

    public static final String HEADERS_INCLUDE = "headers.include";
    public static final String HEADERS_FIELD_NAME = "headers.field.name";
    public static final String HEADERS_VALUE_MAX_CHARS = "headers.value.max.chars";

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
        ConnectionSettings.define(def);
        SecuritySettings.define(def);
        WriteSettings.define(def);
        IndexSettings.define(def);
        HeaderSettings.define(def);
        BatchingSettings.define(def);
        IlmSettings.define(def);
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

    /** Names of the record headers copied into each document; empty: none. */
    public List<String> headersInclude() {
        return getList(HEADERS_INCLUDE).stream().map(String::trim).toList();
    }

    /** The top-level object field the copied headers go under. */
    public String headersFieldName() {
        return getString(HEADERS_FIELD_NAME).trim();
    }

    public int headersValueMaxChars() {
        return getInt(HEADERS_VALUE_MAX_CHARS);
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
