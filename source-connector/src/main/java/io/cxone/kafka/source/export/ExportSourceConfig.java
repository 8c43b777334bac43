package io.cxone.kafka.source.export;

import io.cxone.kafka.common.ConnectionUrls;
import io.cxone.kafka.common.config.ConfigEnums;
import io.cxone.kafka.common.config.Validators;
import io.cxone.kafka.common.retry.Backoff;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the CXone export source connector: the {@link ConfigDef} and typed getters. Checks between
 * settings (and the optional credentials check) are {@link ExportConfigValidator}'s.
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
    public static final String CSV_COLUMN_TYPES = "csv.column.types";
    public static final String EXPORT_INTERVAL_MS = "export.interval.ms";

    public static final String TOPIC = "topic";
    public static final String KEY_FIELD = "key.field";
    public static final String CHUNK_SIZE = "chunk.size";

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

    private static final String CXONE = "CXone connection";
    private static final String WHAT = "What to export";
    private static final String OUTPUT = "Output";
    private static final String CHECKS = "Checksum and schema drift";
    private static final String RETRIES = "Retries and timeouts";

    static final String CREDENTIAL_SETTINGS = CLIENT_ID + "/" + CLIENT_SECRET + " (records) or " + ACCESS_KEY_ID + "/"
            + ACCESS_KEY_SECRET + " (data-extraction)";

    public static final ConfigDef CONFIG_DEF = configDef();

    /**
     * Single settings only: a configuration to run with comes from {@link ExportConfigValidator#parseValid}, which also
     * checks the combinations. Not logged: validation parses every configuration it is sent.
     */
    public ExportSourceConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props, false);
    }

    private static ConfigDef configDef() {
        int o = 0;
        ConfigDef def = new ConfigDef();
        def.define(
                API_FLAVOUR,
                Type.STRING,
                ApiFlavour.RECORDS.configName(),
                ConfigEnums.validator(ApiFlavour.class),
                Importance.HIGH,
                "Which CXone API to export from: 'records' (export trigger + limit/offset pages of JSON) or "
                        + "'data-extraction' (real CXone: OIDC password grant, tenant discovery, Data Extraction jobs with CSV files).",
                CXONE,
                ++o,
                Width.SHORT,
                "CXone API",
                ConfigEnums.recommender(ApiFlavour.class));
        def.define(
                BASE_URL,
                Type.STRING,
                ConfigDef.NO_DEFAULT_VALUE,
                Validators.httpUrl(false, CREDENTIAL_SETTINGS),
                Importance.HIGH,
                "Base URL of the CXone API (records) or of the OIDC issuer when " + ISSUER_URL
                        + " is empty (data-extraction). "
                        + "Credentials never go in the URL (user:pass@ is refused): set " + CREDENTIAL_SETTINGS + ".",
                CXONE,
                ++o,
                Width.LONG,
                "Base URL");
        def.define(
                ISSUER_URL,
                Type.STRING,
                "",
                Validators.httpUrl(true, CREDENTIAL_SETTINGS),
                Importance.MEDIUM,
                "OIDC issuer for data-extraction (e.g. https://cxone.niceincontact.com); its /.well-known/openid-configuration "
                        + "gives the token endpoint, /.well-known/cxone-configuration the tenant's API endpoint. Empty: "
                        + BASE_URL + ".",
                CXONE,
                ++o,
                Width.LONG,
                "OIDC issuer");
        def.define(
                CLIENT_ID, Type.STRING, "", Importance.HIGH, "OAuth client id.", CXONE, ++o, Width.MEDIUM, "Client id");
        def.define(
                CLIENT_SECRET,
                Type.PASSWORD,
                "",
                Importance.HIGH,
                "OAuth client secret.",
                CXONE,
                ++o,
                Width.MEDIUM,
                "Client secret");
        def.define(
                VALIDATE_CREDENTIALS,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "Whether validating the configuration (PUT /connector-plugins/.../config/validate, and every deployment) also "
                        + "fetches a token from CXone with these credentials and reports a refusal on the secret's field. Off by "
                        + "default, so validation needs no network access.",
                CXONE,
                ++o,
                Width.SHORT,
                "Check credentials");
        def.define(
                ALLOW_INSECURE_HTTP,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "Whether the client secret or access key secret may be sent over plain http:// to a host other than this "
                        + "machine (" + BASE_URL + " for records; " + ISSUER_URL + ", or " + BASE_URL
                        + " when it is empty, and the token "
                        + "endpoint it names, for data-extraction). Off: such a URL is refused; loopback addresses (a local simulator) "
                        + "are always allowed. On: one WARN at start.",
                CXONE,
                ++o,
                Width.SHORT,
                "Allow secrets over plain http");
        def.define(
                ACCESS_KEY_ID,
                Type.STRING,
                "",
                Importance.HIGH,
                "CXone access key id (data-extraction: the password grant's username).",
                CXONE,
                ++o,
                Width.MEDIUM,
                "Access key id");
        def.define(
                ACCESS_KEY_SECRET,
                Type.PASSWORD,
                "",
                Importance.HIGH,
                "CXone access key secret (data-extraction: the password grant's password).",
                CXONE,
                ++o,
                Width.MEDIUM,
                "Access key secret");

        o = 0;
        def.define(
                REPORTS,
                Type.LIST,
                List.of(),
                Importance.HIGH,
                "Report ids to export (records API); spread over tasks.max.",
                WHAT,
                ++o,
                Width.LONG,
                "Reports");
        def.define(
                ENTITIES,
                Type.LIST,
                List.of(),
                Importance.HIGH,
                "Data Extraction entity names (e.g. recording-interaction-metadata); spread over tasks.max.",
                WHAT,
                ++o,
                Width.LONG,
                "Entities");
        def.define(
                ENTITY_VERSION,
                Type.STRING,
                "7",
                Importance.LOW,
                "Data Extraction entity version.",
                WHAT,
                ++o,
                Width.SHORT,
                "Entity version");
        def.define(
                START_DATE,
                Type.STRING,
                "",
                new DateValidator(),
                Importance.MEDIUM,
                "First day (yyyy-MM-dd) of the data-extraction history; empty: yesterday.",
                WHAT,
                ++o,
                Width.SHORT,
                "Start date");
        def.define(
                WINDOW_DAYS,
                Type.INT,
                1,
                ConfigDef.Range.between(1, 14),
                Importance.MEDIUM,
                "Days per Data Extraction job (CXone allows at most 14).",
                WHAT,
                ++o,
                Width.SHORT,
                "Window days");
        def.define(
                LAG_MINUTES,
                Type.INT,
                30,
                ConfigDef.Range.atLeast(0),
                Importance.LOW,
                "A window is exported only once it ended this many minutes ago (CXone data can lag up to 30 min).",
                WHAT,
                ++o,
                Width.SHORT,
                "Lag minutes");
        def.define(
                CSV_COLUMN_TYPES,
                Type.LIST,
                List.of(),
                new ColumnTypesValidator(),
                Importance.MEDIUM,
                "Types of CSV columns as column:type (string, long, double, boolean, timestamp); other columns are strings.",
                WHAT,
                ++o,
                Width.LONG,
                "CSV column types");
        def.define(
                EXPORT_INTERVAL_MS,
                Type.LONG,
                300_000L,
                ConfigDef.Range.atLeast(0),
                Importance.LOW,
                "Records API: wait this long after an export completes before triggering the next one.",
                WHAT,
                ++o,
                Width.SHORT,
                "Export interval");

        o = 0;
        def.define(
                TOPIC,
                Type.STRING,
                ConfigDef.NO_DEFAULT_VALUE,
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                "Topic the exported records are written to.",
                OUTPUT,
                ++o,
                Width.MEDIUM,
                "Topic");
        def.define(
                KEY_FIELD,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "Field whose value becomes the record key; empty: no key.",
                OUTPUT,
                ++o,
                Width.MEDIUM,
                "Key field");
        def.define(
                CHUNK_SIZE,
                Type.INT,
                1000,
                ConfigDef.Range.between(1, 10_000),
                Importance.MEDIUM,
                "Rows per chunk: one page of the records API, one slice of a Data Extraction file. A chunk is one Kafka transaction.",
                OUTPUT,
                ++o,
                Width.SHORT,
                "Chunk size");

        o = 0;
        def.define(
                CHECKSUM_MISMATCH_POLICY,
                Type.STRING,
                "fail",
                ConfigEnums.validator(ChecksumMismatchPolicy.class),
                Importance.MEDIUM,
                "When the chunk re-read on resume (or under a new job, after CXone forgot the old one) no longer has the SHA-256 "
                        + "kept in the offset: 'fail' the task, 'warn' and go on, "
                        + "or 'restart-window' (export the job or window again from its first row).",
                CHECKS,
                ++o,
                Width.SHORT,
                "Checksum mismatch policy",
                ConfigEnums.recommender(ChecksumMismatchPolicy.class));
        def.define(
                SCHEMA_DRIFT_POLICY,
                Type.STRING,
                "fail",
                ConfigEnums.validator(DriftPolicy.class),
                Importance.MEDIUM,
                "When a chunk adds, removes or retypes fields against the baseline (the first chunk): 'fail' the task, "
                        + "'warn' and write it with its own schema, 'route' it to " + DRIFT_TOPIC
                        + " with a reason header, "
                        + "or 'evolve' to a new schema version holding old and new fields (retyped fields cannot evolve).",
                CHECKS,
                ++o,
                Width.SHORT,
                "Schema drift policy",
                ConfigEnums.recommender(DriftPolicy.class));
        def.define(
                DRIFT_TOPIC,
                Type.STRING,
                "",
                Importance.LOW,
                "Topic for drifted chunks when " + SCHEMA_DRIFT_POLICY + "=route.",
                CHECKS,
                ++o,
                Width.MEDIUM,
                "Drift topic");

        o = 0;
        def.define(
                RETRY_MAX_ATTEMPTS,
                Type.INT,
                10,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Attempts per CXone call on 429, 5xx, timeouts and connection resets before the task fails.",
                RETRIES,
                ++o,
                Width.SHORT,
                "Max attempts");
        def.define(
                RETRY_BACKOFF_MS,
                Type.LONG,
                500L,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Backoff window of the first retry, doubling with each further one up to " + RETRY_BACKOFF_MAX_MS
                        + "; each retry waits a random time between 0 and its window (full jitter).",
                RETRIES,
                ++o,
                Width.SHORT,
                "Backoff");
        def.define(
                RETRY_BACKOFF_MAX_MS,
                Type.LONG,
                60_000L,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Longest wait before a retry (also caps a Retry-After).",
                RETRIES,
                ++o,
                Width.SHORT,
                "Max backoff");
        def.define(
                REQUEST_TIMEOUT_MS,
                Type.INT,
                30_000,
                ConfigDef.Range.atLeast(100),
                Importance.LOW,
                "Timeout of one HTTP call to CXone: connecting, and the whole exchange up to the last byte of the answer.",
                RETRIES,
                ++o,
                Width.SHORT,
                "Request timeout");
        def.define(
                RESPONSE_MAX_BYTES,
                Type.LONG,
                256L << 20,
                ConfigDef.Range.between(1024, Integer.MAX_VALUE - 8),
                Importance.LOW,
                "Largest CXone answer read, in bytes: a records page, a Data Extraction file (also once gunzipped). A "
                        + "larger one fails the task, naming this setting, without retries: at once when its Content-Length says "
                        + "so, else as soon as its bytes pass the limit, so no more than this is held in memory.",
                RETRIES,
                ++o,
                Width.SHORT,
                "Max response bytes");
        def.define(
                POLL_MAX_BLOCK_MS,
                Type.LONG,
                1_000L,
                ConfigDef.Range.between(10, 60_000),
                Importance.LOW,
                "Longest time poll() waits for a verified chunk before returning to the worker.",
                RETRIES,
                ++o,
                Width.SHORT,
                "Poll block");
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

    /** Reports (records) or entities (data-extraction) of the whole connector. */
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

    public String keyField() {
        return getString(KEY_FIELD);
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
        return apiFlavour() == ApiFlavour.DATA_EXTRACTION
                        && !getString(ISSUER_URL).isBlank()
                ? ISSUER_URL
                : BASE_URL;
    }

    /** The setting holding the secret this configuration sends to CXone. */
    String secretSetting() {
        return apiFlavour() == ApiFlavour.DATA_EXTRACTION ? ACCESS_KEY_SECRET : CLIENT_SECRET;
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

    static final class DateValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String v = value == null ? "" : value.toString();
            if (v.isBlank()) {
                return;
            }
            try {
                LocalDate.parse(v);
            } catch (DateTimeParseException e) {
                throw new ConfigException(name, value, "must be a date yyyy-MM-dd, e.g. 2026-01-31");
            }
        }

        @Override
        public String toString() {
            return "yyyy-MM-dd or empty";
        }
    }

    static final class ColumnTypesValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> entries = (List<String>) value;
            for (String entry : entries) {
                String[] parts = entry.split(":", 2);
                if (parts.length != 2 || parts[0].isBlank()) {
                    throw new ConfigException(name, value, "entry '" + entry + "' must be column:type");
                }
                try {
                    FieldType type = FieldType.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
                    if (type == FieldType.JSON || type == FieldType.UNKNOWN) {
                        throw new IllegalArgumentException();
                    }
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(
                            name,
                            value,
                            "entry '" + entry + "': type must be string, long, double, boolean or timestamp");
                }
            }
        }

        @Override
        public String toString() {
            return "list of column:type (string|long|double|boolean|timestamp)";
        }
    }
}
