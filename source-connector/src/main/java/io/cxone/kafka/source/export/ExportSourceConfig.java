package io.cxone.kafka.source.export;

import io.cxone.kafka.common.ConnectionUrls;
import io.cxone.kafka.common.config.ConfigEnums;
import io.cxone.kafka.common.retry.Backoff;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the CXone export source connector: the setting names, the {@link ConfigDef} assembled from one
 * fragment per group ({@link ConnectionSettings}, {@link SourceSettings}, {@link OutputSettings},
 * {@link VerificationSettings}, {@link RetrySettings}), and typed getters. Checks between settings (and the optional
 * credentials check) are {@link ExportConfigValidator}'s.
 */
public final class ExportSourceConfig extends AbstractConfig {

    public static final String API_FLAVOUR = "cxone.api";
    public static final String BASE_URL = "cxone.base.url";
    public static final String CLIENT_ID = "cxone.client.id";
    public static final String CLIENT_SECRET = "cxone.client.secret";
    public static final String ACCESS_KEY_ID = "cxone.access.key.id";
    public static final String ACCESS_KEY_SECRET = "cxone.access.key.secret";
    public static final String ISSUER_URL = "cxone.issuer.url";
    public static final String VALIDATE_CREDENTIALS = "cxone.validate.credentials";
    public static final String ALLOW_INSECURE_HTTP = "cxone.allow.insecure.http";

    public static final String REPORTS = "cxone.reports";
    public static final String ENTITIES = "cxone.entities";
    public static final String ENTITY_VERSION = "cxone.entity.version";
    public static final String START_DATE = "extraction.start.date";
    public static final String WINDOW_DAYS = "extraction.window.days";
    public static final String LAG_MINUTES = "extraction.lag.minutes";
    public static final String EXTRACTION_CALL_INTERVAL_MS = "extraction.call.interval.ms";
    public static final String CSV_COLUMN_TYPES = "csv.column.types";
    public static final String EXPORT_INTERVAL_MS = "export.interval.ms";
    public static final String REPORTING_API_VERSION = "reporting.api.version";
    public static final String REPORTING_OVERLAP_MS = "reporting.overlap.ms";
    public static final String REPORTING_LOOKBACK_DAYS = "reporting.lookback.days";
    public static final String REPORTING_DEDUPE_MAX_VERSIONS = "reporting.dedupe.max.versions";

    public static final String TOPIC = "topic";
    public static final String KEY_FIELD = "key.field";
    public static final String CHUNK_SIZE = "chunk.size";
    public static final String MANIFEST_TOPIC = "manifest.topic";

    public static final String CHECKSUM_MISMATCH_POLICY = "checksum.mismatch.policy";
    public static final String SCHEMA_DRIFT_POLICY = "schema.drift.policy";
    public static final String DRIFT_TOPIC = "schema.drift.topic";

    public static final String RETRY_MAX_ATTEMPTS = "retry.max.attempts";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String RESPONSE_MAX_BYTES = "response.max.bytes";
    public static final String POLL_MAX_BLOCK_MS = "poll.max.block.ms";

    /** Task-only key: the reports or entities this task exports (set by the connector). */
    public static final String TASK_SOURCES = "task.sources";

    public enum ChecksumMismatchPolicy {
        FAIL,
        WARN,
        RESTART_WINDOW
    }

    public enum DriftPolicy {
        FAIL,
        WARN,
        ROUTE,
        EVOLVE
    }

    public static final ConfigDef CONFIG_DEF = configDef();

    /**
     * Single settings only: a configuration to run with comes from {@link ExportConfigValidator#parseValid}, which also
     * checks the combinations. Not logged: validation parses every configuration it is sent.
     */
    public ExportSourceConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props, false);
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        ConnectionSettings.define(def);
        SourceSettings.define(def);
        ReportingSettings.define(def);
        OutputSettings.define(def);
        VerificationSettings.define(def);
        RetrySettings.define(def);
        def.defineInternal(TASK_SOURCES, Type.LIST, List.of(), Importance.LOW);
        return def;
    }

    public ApiFlavour apiFlavour() {
        return ConfigEnums.parse(ApiFlavour.class, API_FLAVOUR, getString(API_FLAVOUR));
    }

    public String baseUrl() {
        return stripSlash(getString(BASE_URL));
    }

    public String issuerUrl() {
        return getString(ISSUER_URL).isBlank() ? baseUrl() : stripSlash(getString(ISSUER_URL));
    }

    public String clientId() {
        return getString(CLIENT_ID);
    }

    public Password clientSecret() {
        return getPassword(CLIENT_SECRET);
    }

    public String accessKeyId() {
        return getString(ACCESS_KEY_ID);
    }

    public Password accessKeySecret() {
        return getPassword(ACCESS_KEY_SECRET);
    }

    /** Reports (records), entities (data-extraction) or endpoints (reporting) of the whole connector. */
    public List<String> sources() {
        return apiFlavour() == ApiFlavour.RECORDS ? getList(REPORTS) : getList(ENTITIES);
    }

    /** Sources assigned to this task (task configs only). */
    public List<String> taskSources() {
        return getList(TASK_SOURCES);
    }

    public String entityVersion() {
        return getString(ENTITY_VERSION);
    }

    public LocalDate startDate() {
        String v = getString(START_DATE);
        return v.isBlank() ? LocalDate.now(ZoneOffset.UTC).minusDays(1) : LocalDate.parse(v);
    }

    public int windowDays() {
        return getInt(WINDOW_DAYS);
    }

    public Duration extractionCallInterval() {
        return Duration.ofMillis(getLong(EXTRACTION_CALL_INTERVAL_MS));
    }

    public Duration lag() {
        return Duration.ofMinutes(getInt(LAG_MINUTES));
    }

    public Map<String, FieldType> csvColumnTypes() {
        Map<String, FieldType> types = new HashMap<>();
        for (String entry : getList(CSV_COLUMN_TYPES)) {
            String[] parts = entry.split(":", 2);
            types.put(parts[0].trim(), FieldType.valueOf(parts[1].trim().toUpperCase(Locale.ROOT)));
        }
        return types;
    }

    public Duration exportInterval() {
        return Duration.ofMillis(getLong(EXPORT_INTERVAL_MS));
    }

    public String topic() {
        return getString(TOPIC);
    }

    /**
     * The topic of one report / entity / endpoint: {@value #TOPIC} with {@value #SOURCE_PLACEHOLDER} replaced by the
     * source's name, slashes as dots ({@code cxone.reporting.${source}} → {@code cxone.reporting.contacts.completed}).
     */
    public String topicFor(String source) {
        return withSource(topic(), source);
    }

    /** {@value #DRIFT_TOPIC} of one source, placeholder as in {@link #topicFor}. */
    public String driftTopicFor(String source) {
        return withSource(driftTopic(), source);
    }

    public static final String SOURCE_PLACEHOLDER = "${source}";

    static String withSource(String topic, String source) {
        return topic.replace(SOURCE_PLACEHOLDER, source.replace('/', '.'));
    }

    public String reportingApiVersion() {
        return getString(REPORTING_API_VERSION);
    }

    public Duration reportingOverlap() {
        return Duration.ofMillis(getLong(REPORTING_OVERLAP_MS));
    }

    public Duration reportingLookback() {
        return Duration.ofDays(getInt(REPORTING_LOOKBACK_DAYS));
    }

    public int reportingDedupeMaxVersions() {
        return getInt(REPORTING_DEDUPE_MAX_VERSIONS);
    }

    public String keyField() {
        return getString(KEY_FIELD);
    }

    /** Empty when manifests are off. */
    public String manifestTopic() {
        return getString(MANIFEST_TOPIC).trim();
    }

    public int chunkSize() {
        return getInt(CHUNK_SIZE);
    }

    public ChecksumMismatchPolicy checksumMismatchPolicy() {
        return ConfigEnums.parse(
                ChecksumMismatchPolicy.class, CHECKSUM_MISMATCH_POLICY, getString(CHECKSUM_MISMATCH_POLICY));
    }

    public DriftPolicy driftPolicy() {
        return ConfigEnums.parse(DriftPolicy.class, SCHEMA_DRIFT_POLICY, getString(SCHEMA_DRIFT_POLICY));
    }

    public String driftTopic() {
        return getString(DRIFT_TOPIC);
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(
                getInt(RETRY_MAX_ATTEMPTS),
                new Backoff(
                        Duration.ofMillis(getLong(RETRY_BACKOFF_MS)),
                        Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS))));
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS));
    }

    public long responseMaxBytes() {
        return getLong(RESPONSE_MAX_BYTES);
    }

    public Duration pollMaxBlock() {
        return Duration.ofMillis(getLong(POLL_MAX_BLOCK_MS));
    }

    /** Task configs: the connector's settings plus this task's share of the sources. */
    public Map<String, String> taskConfig(Map<String, String> connectorProps, List<String> sources) {
        Map<String, String> task = new HashMap<>(connectorProps);
        task.put(TASK_SOURCES, String.join(",", sources));
        return task;
    }

    /** The URL setting whose host receives the client secret or access key secret. */
    String secretUrlKey() {
        return apiFlavour().usesAccessKeys() && !getString(ISSUER_URL).isBlank() ? ISSUER_URL : BASE_URL;
    }

    /** The setting holding the secret this configuration sends to CXone. */
    String secretSetting() {
        return apiFlavour().usesAccessKeys() ? ACCESS_KEY_SECRET : CLIENT_SECRET;
    }

    /** Whether a secret sent to {@code url} would cross the network unencrypted: plain http to a host not this machine. */
    static boolean sendsSecretsInClear(String url) {
        try {
            return ConnectionUrls.isPlainHttpToRemoteHost(URI.create(url.trim()));
        } catch (IllegalArgumentException e) {
            return false; // reported by the URL's own validator
        }
    }

    /**
     * Refuses a URL learned from CXone at run time (the OIDC token endpoint) that would carry a secret in clear, unless
     * {@link #ALLOW_INSECURE_HTTP} says so.
     */
    public void requireSafeForSecrets(String url, String learnedFrom) {
        if (!getBoolean(ALLOW_INSECURE_HTTP) && sendsSecretsInClear(url)) {
            throw new CxoneApiException(
                    0,
                    learnedFrom + " names " + ConnectionUrls.redact(url) + ", plain http to a host other "
                            + "than this machine; not sending " + secretSetting() + " there (set " + ALLOW_INSECURE_HTTP
                            + "=true to allow it)");
        }
    }

    /** One line for the WARN at start when secrets are allowed to go over plain http to another host, if they will. */
    public Optional<String> insecureHttpWarning() {
        String key = secretUrlKey();
        return getBoolean(ALLOW_INSECURE_HTTP) && sendsSecretsInClear(getString(key))
                ? Optional.of(secretSetting() + " crosses the network unencrypted to " + getString(key)
                        + " (plain http:// in " + key + ", allowed by " + ALLOW_INSECURE_HTTP + "=true); use https://")
                : Optional.empty();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
