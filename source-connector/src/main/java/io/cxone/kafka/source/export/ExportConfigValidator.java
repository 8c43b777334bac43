package io.cxone.kafka.source.export;

import static io.cxone.kafka.source.export.ExportSourceConfig.ACCESS_KEY_ID;
import static io.cxone.kafka.source.export.ExportSourceConfig.ACCESS_KEY_SECRET;
import static io.cxone.kafka.source.export.ExportSourceConfig.ALLOW_INSECURE_HTTP;
import static io.cxone.kafka.source.export.ExportSourceConfig.API_FLAVOUR;
import static io.cxone.kafka.source.export.ExportSourceConfig.BASE_URL;
import static io.cxone.kafka.source.export.ExportSourceConfig.CLIENT_ID;
import static io.cxone.kafka.source.export.ExportSourceConfig.CLIENT_SECRET;
import static io.cxone.kafka.source.export.ExportSourceConfig.DRIFT_TOPIC;
import static io.cxone.kafka.source.export.ExportSourceConfig.ENTITIES;
import static io.cxone.kafka.source.export.ExportSourceConfig.ISSUER_URL;
import static io.cxone.kafka.source.export.ExportSourceConfig.REPORTS;
import static io.cxone.kafka.source.export.ExportSourceConfig.RETRY_BACKOFF_MAX_MS;
import static io.cxone.kafka.source.export.ExportSourceConfig.RETRY_BACKOFF_MS;
import static io.cxone.kafka.source.export.ExportSourceConfig.SCHEMA_DRIFT_POLICY;
import static io.cxone.kafka.source.export.ExportSourceConfig.TOPIC;
import static io.cxone.kafka.source.export.ExportSourceConfig.VALIDATE_CREDENTIALS;

import io.cxone.kafka.common.ConnectionUrls;
import io.cxone.kafka.common.config.ConfigProblems;
import io.cxone.kafka.common.config.ConnectorConfigValidator;
import io.cxone.kafka.common.retry.Backoff;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The export connector's configuration checks beyond single settings: what each API needs, secrets never sent over
 * plain http to another host, the drift topic, the backoff range; then, with {@value ExportSourceConfig#VALIDATE_CREDENTIALS}
 * on, one token fetched from CXone. Connect echoes every value in its answer, so the URL fields are shown redacted.
 */
public final class ExportConfigValidator extends ConnectorConfigValidator<ExportSourceConfig> {

    /** Validation runs inside Connect's REST requests: the credentials check gives up well before they time out. */
    private static final Duration CREDENTIALS_CHECK_TIMEOUT = Duration.ofSeconds(10);

    private static final java.util.regex.Pattern LEGAL_TOPIC = java.util.regex.Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final boolean credentialsCheck;

    /** As Connect's validation asks for it: with the credentials check when the configuration turns it on. */
    public ExportConfigValidator() {
        this(true);
    }

    /**
     * @param credentialsCheck false for {@code start()}: credentials are checked when a configuration is validated
     *                         (every deployment), not again by each start of the connector and its tasks
     */
    ExportConfigValidator(boolean credentialsCheck) {
        super(ExportSourceConfig.CONFIG_DEF);
        this.credentialsCheck = credentialsCheck;
    }

    /** The configuration to run with, or the first problem; never reaches CXone. */
    static ExportSourceConfig parseForStart(Map<String, String> props) {
        return new ExportConfigValidator(false).parseValid(props);
    }

    @Override
    protected ExportSourceConfig parse(Map<String, String> props) {
        return new ExportSourceConfig(props);
    }

    @Override
    protected String fallbackField() {
        return TOPIC;
    }

    @Override
    protected void checkCombinations(ExportSourceConfig c, ConfigProblems problems) {
        if (c.apiFlavour() == ApiFlavour.RECORDS) {
            if (c.getList(REPORTS).isEmpty()) {
                problems.add(REPORTS, "set at least one report id (comma-separated) for " + API_FLAVOUR + "=records");
            }
            if (c.clientId().isBlank() || c.clientSecret().value().isBlank()) {
                problems.add(
                        CLIENT_ID,
                        "set " + CLIENT_ID + " and " + CLIENT_SECRET + " (client_credentials grant) for " + API_FLAVOUR
                                + "=records");
            }
        } else {
            String api = API_FLAVOUR + "=" + c.apiFlavour().configName();
            if (c.getList(ENTITIES).isEmpty()) {
                problems.add(
                        ENTITIES,
                        c.apiFlavour() == ApiFlavour.REPORTING
                                ? "set at least one Reporting API endpoint for " + api + ": "
                                        + ReportingEndpoint.paths()
                                : "set at least one entity name for " + api);
            }
            if (c.apiFlavour() == ApiFlavour.REPORTING) {
                List<String> unknown = c.getList(ENTITIES).stream()
                        .filter(e -> ReportingEndpoint.of(e).isEmpty())
                        .toList();
                if (!unknown.isEmpty()) {
                    problems.add(
                            ENTITIES,
                            unknown + " are not Reporting API endpoints this connector reads; it reads "
                                    + ReportingEndpoint.paths());
                }
            }
            if (c.accessKeyId().isBlank() || c.accessKeySecret().value().isBlank()) {
                problems.add(
                        ACCESS_KEY_ID,
                        "set " + ACCESS_KEY_ID + " and " + ACCESS_KEY_SECRET + " (password grant) for " + api);
            }
        }
        for (String source : c.sources()) {
            for (String key : List.of(TOPIC, DRIFT_TOPIC, ExportSourceConfig.MANIFEST_TOPIC)) {
                String topic = ExportSourceConfig.withSource(c.getString(key), source);
                if (!topic.isEmpty() && !LEGAL_TOPIC.matcher(topic).matches()) {
                    problems.add(
                            key,
                            "gives topic '" + topic + "' for " + source + ", which is not a legal Kafka topic name"
                                    + " (letters, digits, '.', '_', '-'; at most 249)");
                }
            }
        }
        String secretUrlKey = c.secretUrlKey();
        if (!c.getBoolean(ALLOW_INSECURE_HTTP) && ExportSourceConfig.sendsSecretsInClear(c.getString(secretUrlKey))) {
            problems.add(
                    secretUrlKey,
                    "would send " + c.secretSetting() + " over plain http to a host other than this machine; "
                            + "use https://, or set " + ALLOW_INSECURE_HTTP + "=true to allow it");
        }
        if (c.driftPolicy() == ExportSourceConfig.DriftPolicy.ROUTE
                && c.driftTopic().isBlank()) {
            problems.add(DRIFT_TOPIC, "set a topic for drifted chunks when " + SCHEMA_DRIFT_POLICY + "=route");
        }
        if (c.manifestTopic().equals(c.topic())
                || c.manifestTopic().equals(c.driftTopic()) && !c.driftTopic().isEmpty()) {
            problems.add(
                    ExportSourceConfig.MANIFEST_TOPIC,
                    "must differ from " + TOPIC + " and " + DRIFT_TOPIC + ": manifests have a schema of their own");
        }
        if (c.driftTopic().equals(c.topic())) {
            problems.add(DRIFT_TOPIC, "must differ from " + TOPIC);
        }
        if (c.getLong(RETRY_BACKOFF_MS) > c.getLong(RETRY_BACKOFF_MAX_MS)) {
            problems.add(RETRY_BACKOFF_MS, "must not exceed " + RETRY_BACKOFF_MAX_MS);
        }
    }

    /** The credentials check (only on a configuration without errors, and only when asked for), then the redaction. */
    @Override
    protected void afterValidation(Map<String, String> props, List<ConfigValue> results) {
        if (credentialsCheck && results.stream().allMatch(v -> v.errorMessages().isEmpty())) {
            ExportSourceConfig config = parse(props);
            if (config.getBoolean(VALIDATE_CREDENTIALS)) {
                checkCredentials(config).attachTo(results, fallbackField());
            }
        }
        for (ConfigValue value : results) {
            if ((value.name().equals(BASE_URL) || value.name().equals(ISSUER_URL)) && value.value() != null) {
                value.value(ConnectionUrls.redact(value.value().toString()));
            }
        }
    }

    /**
     * Fetches one token (one attempt, no retries): a refusal goes on the secret (client secret for records, access key
     * secret for data-extraction), any other failure on the URL it could not use.
     */
    private static ConfigProblems checkCredentials(ExportSourceConfig config) {
        ConfigProblems problems = new ConfigProblems();
        boolean records = config.apiFlavour() == ApiFlavour.RECORDS;
        RetryPolicy once = new RetryPolicy(1, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)));
        Duration timeout = config.requestTimeout().compareTo(CREDENTIALS_CHECK_TIMEOUT) < 0
                ? config.requestTimeout()
                : CREDENTIALS_CHECK_TIMEOUT;
        try (ExportMetrics metrics = new ExportMetrics(null);
                CxoneHttp http = new CxoneHttp(timeout, once, config.responseMaxBytes(), metrics)) {
            ChunkReader.create(config.sources().get(0), config, http, metrics).authenticate();
        } catch (RuntimeException e) {
            int status = e instanceof CxoneApiException api ? api.status() : 0;
            if (status == 400 || status == 401 || status == 403) {
                problems.add(
                        records ? CLIENT_SECRET : ACCESS_KEY_SECRET,
                        "CXone refused the credentials ("
                                + (records
                                        ? CLIENT_ID + " / " + CLIENT_SECRET
                                        : ACCESS_KEY_ID + " / " + ACCESS_KEY_SECRET)
                                + ", HTTP " + status + "); check them, or set " + VALIDATE_CREDENTIALS
                                + "=false to skip this check");
            } else {
                problems.add(
                        records || config.getString(ISSUER_URL).isBlank() ? BASE_URL : ISSUER_URL,
                        "could not fetch a CXone token to check the credentials: " + e.getMessage());
            }
        }
        return problems;
    }
}
