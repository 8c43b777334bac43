package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.*;

import io.cxone.kafka.common.ConnectionUrls;
import io.cxone.kafka.common.config.ConfigProblems;
import io.cxone.kafka.common.config.ConnectorConfigValidator;
import io.cxone.kafka.sink.elasticsearch.ilm.IlmPolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Checks of combinations the per-field validators cannot see, each attached to the field a user should change:
 * delete without record keys, half-configured or competing authentication, TLS settings without https, an ILM
 * policy that does not parse or meets a time-based index pattern.
 */
public final class ElasticsearchConfigValidator extends ConnectorConfigValidator<ElasticsearchSinkConfig> {

    public ElasticsearchConfigValidator() {
        super(CONFIG_DEF);
    }

    @Override
    protected ElasticsearchSinkConfig parse(Map<String, String> props) {
        return new ElasticsearchSinkConfig(props);
    }

    @Override
    protected String fallbackField() {
        return CONNECTION_URL;
    }

    @Override
    protected void checkCombinations(ElasticsearchSinkConfig config, ConfigProblems problems) {
        if (config.nullValueBehavior() == NullValueBehavior.DELETE && config.keyIgnore()) {
            problems.add(BEHAVIOR_ON_NULL_VALUES, "delete needs the record key as document id; set key.ignore=false");
        }
        checkAuthentication(config, problems);
        boolean https = config.connectionUrls().stream().anyMatch(u -> "https".equals(u.getScheme()));
        if (config.caFile().isPresent()) {
            if (!https) {
                problems.add(SSL_CA_FILE, "applies only to https connection URLs");
            }
            if (config.trustAll()) {
                problems.add(SSL_TRUST_ALL, "trust-all ignores the CA file; set only one");
            }
        }
        if (config.trustAll() && !https) {
            problems.add(SSL_TRUST_ALL, "applies only to https connection URLs");
        }
        if (config.ilmPolicyFile().isPresent()) {
            try {
                IlmPolicy.fromFile(config.ilmPolicyFile().get());
            } catch (IllegalArgumentException e) {
                problems.add(ILM_POLICY_FILE, e.getMessage());
            }
            if (IndexNames.of(config).timeBased()) {
                problems.add(
                        INDEX_NAME_PATTERN,
                        "a time-based index pattern and ILM rollover are alternatives; "
                                + "drop the date part or ilm.policy.file");
            }
        } else if (config.ilmRequired()) {
            problems.add(ILM_REQUIRED, "ilm.required=true needs ilm.policy.file");
        }
        if (config.retryBackoffMaxMs() < config.retryBackoffMs()) {
            problems.add(RETRY_BACKOFF_MAX_MS, "must be at least retry.backoff.ms (" + config.retryBackoffMs() + ")");
        }
    }

    private static void checkAuthentication(ElasticsearchSinkConfig config, ConfigProblems problems) {
        if (config.username().isPresent() != config.password().isPresent()) {
            problems.add(
                    config.username().isPresent() ? CONNECTION_PASSWORD : CONNECTION_USERNAME,
                    "basic authentication needs both connection.username and connection.password");
        }
        List<String> auth = new ArrayList<>();
        if (config.username().isPresent()) {
            auth.add(CONNECTION_USERNAME);
        }
        if (config.apiKey().isPresent()) {
            auth.add(CONNECTION_API_KEY);
        }
        if (config.bearerToken().isPresent()) {
            auth.add(CONNECTION_BEARER_TOKEN);
        }
        if (auth.size() > 1) {
            for (String key : auth) {
                problems.add(key, "choose one authentication method; set: " + auth);
            }
        }
    }

    /** Connect echoes each field's value in its answer: never the credentials of a URL it refuses. */
    @Override
    protected void afterValidation(Map<String, String> props, List<ConfigValue> results) {
        for (ConfigValue value : results) {
            if (value.name().equals(CONNECTION_URL) && value.value() instanceof List<?> urls) {
                value.value(urls.stream()
                        .map(u -> ConnectionUrls.redact(String.valueOf(u)))
                        .toList());
            }
        }
    }

    /**
     * Settings that work but weaken security, for one WARN line at connector start: credentials sent over plain http to
     * another machine, and trust-all TLS. Empty when there is nothing to say.
     */
    public static List<String> securityWarnings(ElasticsearchSinkConfig config) {
        List<String> warnings = new ArrayList<>();
        List<URI> plain = config.connectionUrls().stream()
                .filter(ConnectionUrls::isPlainHttpToRemoteHost)
                .toList();
        String credentials = config.apiKey().isPresent()
                ? CONNECTION_API_KEY
                : config.bearerToken().isPresent()
                        ? CONNECTION_BEARER_TOKEN
                        : config.username().isPresent() ? CONNECTION_USERNAME + "/" + CONNECTION_PASSWORD : null;
        if (credentials != null && !plain.isEmpty()) {
            warnings.add(credentials + " cross the network unencrypted to " + plain + " (plain http:// in "
                    + CONNECTION_URL + "); use https://");
        }
        if (config.trustAll()) {
            warnings.add(
                    SSL_TRUST_ALL + "=true: the certificate of Elasticsearch is not checked, so anyone in between can "
                            + "read the credentials and documents; set " + SSL_CA_FILE + " instead");
        }
        return warnings;
    }
}
