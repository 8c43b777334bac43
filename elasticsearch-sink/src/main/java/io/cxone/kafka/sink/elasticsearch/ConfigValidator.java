package io.cxone.kafka.sink.elasticsearch;

import io.cxone.kafka.common.ConnectionUrls;
import io.cxone.kafka.sink.elasticsearch.ilm.IlmPolicy;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.*;

/**
 * Checks of combinations the per-field validators cannot see, each attached to the field a user should change:
 * delete without record keys, half-configured or competing authentication, TLS settings without https, an ILM
 * policy that does not parse or meets a time-based index pattern.
 */
public final class ConfigValidator {

    private ConfigValidator() {
    }

    /** Problems per config key; empty when the combination is fine. */
    public static Map<String, List<String>> problems(ElasticsearchSinkConfig config) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        if (config.nullValueBehavior() == NullValueBehavior.DELETE && config.keyIgnore()) {
            add(problems, BEHAVIOR_ON_NULL_VALUES, "delete needs the record key as document id; set key.ignore=false");
        }
        if (config.username().isPresent() != config.password().isPresent()) {
            add(problems, config.username().isPresent() ? CONNECTION_PASSWORD : CONNECTION_USERNAME,
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
                add(problems, key, "choose one authentication method; set: " + auth);
            }
        }
        boolean https = config.connectionUrls().stream().anyMatch(u -> "https".equals(u.getScheme()));
        if (config.caFile().isPresent()) {
            Path ca = config.caFile().get();
            if (!Files.isReadable(ca)) {
                add(problems, SSL_CA_FILE, "cannot read " + ca);
            }
            if (!https) {
                add(problems, SSL_CA_FILE, "applies only to https connection URLs");
            }
            if (config.trustAll()) {
                add(problems, SSL_TRUST_ALL, "trust-all ignores the CA file; set only one");
            }
        }
        if (config.trustAll() && !https) {
            add(problems, SSL_TRUST_ALL, "applies only to https connection URLs");
        }
        if (config.ilmPolicyFile().isPresent()) {
            try {
                IlmPolicy.fromFile(config.ilmPolicyFile().get());
            } catch (IllegalArgumentException e) {
                add(problems, ILM_POLICY_FILE, e.getMessage());
            }
            if (IndexNames.of(config).timeBased()) {
                add(problems, INDEX_NAME_PATTERN, "a time-based index pattern and ILM rollover are alternatives; "
                        + "drop the date part or ilm.policy.file");
            }
        } else if (config.ilmRequired()) {
            add(problems, ILM_REQUIRED, "ilm.required=true needs ilm.policy.file");
        }
        if (config.retryBackoffMaxMs() < config.retryBackoffMs()) {
            add(problems, RETRY_BACKOFF_MAX_MS, "must be at least retry.backoff.ms (" + config.retryBackoffMs() + ")");
        }
        return problems;
    }

    /**
     * Settings that work but weaken security, for one WARN line at connector start: credentials sent over plain http to
     * another machine, and trust-all TLS. Empty when there is nothing to say.
     */
    public static List<String> securityWarnings(ElasticsearchSinkConfig config) {
        List<String> warnings = new ArrayList<>();
        List<URI> plain = config.connectionUrls().stream().filter(ConnectionUrls::isPlainHttpToRemoteHost).toList();
        String credentials = config.apiKey().isPresent() ? CONNECTION_API_KEY
                : config.bearerToken().isPresent() ? CONNECTION_BEARER_TOKEN
                : config.username().isPresent() ? CONNECTION_USERNAME + "/" + CONNECTION_PASSWORD : null;
        if (credentials != null && !plain.isEmpty()) {
            warnings.add(credentials + " cross the network unencrypted to " + plain + " (plain http:// in " + CONNECTION_URL
                    + "); use https://");
        }
        if (config.trustAll()) {
            warnings.add(SSL_TRUST_ALL + "=true: the certificate of Elasticsearch is not checked, so anyone in between can "
                    + "read the credentials and documents; set " + SSL_CA_FILE + " instead");
        }
        return warnings;
    }

    /** Adds {@link #problems} to the per-field results of {@code ConfigDef.validate}, when every field parsed. */
    public static void addTo(Map<String, String> props, Map<String, ConfigValue> results) {
        if (results.values().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return;
        }
        ElasticsearchSinkConfig config;
        try {
            config = new ElasticsearchSinkConfig(props);
        } catch (ConfigException e) {
            return;
        }
        problems(config).forEach((key, messages) -> {
            ConfigValue value = results.computeIfAbsent(key, ConfigValue::new);
            messages.forEach(value::addErrorMessage);
        });
    }

    /** Fails fast on the first problem (connector and task start). */
    public static ElasticsearchSinkConfig require(Map<String, String> props) {
        ElasticsearchSinkConfig config = new ElasticsearchSinkConfig(props);
        Map<String, List<String>> problems = problems(config);
        if (!problems.isEmpty()) {
            Map.Entry<String, List<String>> first = problems.entrySet().iterator().next();
            throw new ConfigException(first.getKey(), config.originals().get(first.getKey()), String.join("; ", first.getValue()));
        }
        return config;
    }

    private static void add(Map<String, List<String>> problems, String key, String message) {
        problems.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }
}
