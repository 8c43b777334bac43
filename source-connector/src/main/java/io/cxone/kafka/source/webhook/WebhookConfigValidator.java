package io.cxone.kafka.source.webhook;

import io.cxone.kafka.common.config.ConfigProblems;
import io.cxone.kafka.common.config.ConnectorConfigValidator;
import io.cxone.kafka.source.avro.AvroConnectMapping;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.DataException;

/**
 * Checks a webhook connector configuration in the shared order: single settings (the {@code ConfigDef}, files and
 * secrets included), then combinations (auth mode and its secrets, one schema source, TLS, DLQ, limits), each problem
 * on the setting to fix; after them the {@code dlq.}-prefixed producer settings, and, when all else is valid, the
 * schema itself (parsed, fetched from the registry, mapped to Connect: it may reach the network).
 */
public final class WebhookConfigValidator extends ConnectorConfigValidator<WebhookConfig> {

    /** Connect's connector-level header converter setting. */
    static final String HEADER_CONVERTER = "header.converter";

    /** Header converters that write a string header as its UTF-8 bytes, as the dedupe reader reads it back. */
    static final List<String> TEXT_HEADER_CONVERTERS = List.of(
            "org.apache.kafka.connect.storage.SimpleHeaderConverter",
            "org.apache.kafka.connect.storage.StringConverter");

    public WebhookConfigValidator() {
        super(WebhookConfig.CONFIG_DEF);
    }

    @Override
    protected WebhookConfig parse(Map<String, String> props) {
        return new WebhookConfig(props);
    }

    @Override
    protected String fallbackField() {
        return WebhookConfig.TOPIC;
    }

    @Override
    protected void checkCombinations(WebhookConfig config, ConfigProblems problems) {
        checkAuth(config, problems);
        long sources = Stream.of(config.schemaInline(), config.schemaFile(), config.schemaRegistrySubject())
                .filter(s -> !s.isBlank())
                .count();
        if (sources > 1) {
            problems.add(
                    WebhookConfig.SCHEMA_INLINE,
                    "set at most one of schema.inline, schema.file, schema.registry.subject");
        }
        if (!config.schemaRegistrySubject().isBlank()
                && config.schemaRegistryUrl().isBlank()) {
            problems.add(WebhookConfig.SCHEMA_REGISTRY_URL, "is required with schema.registry.subject");
        }
        if (config.tlsEnabled() && isBlank(config.tlsKeystorePassword())) {
            problems.add(WebhookConfig.TLS_KEYSTORE_PASSWORD, "is required with listener.tls.keystore.path");
        }
        if (!config.dlqTopic().isEmpty()) {
            if (config.dlqBootstrapServers().isEmpty()) {
                problems.add(WebhookConfig.DLQ_BOOTSTRAP_SERVERS, "is required with dlq.topic");
            }
            if (config.dlqTopic().equals(config.topic())) {
                problems.add(WebhookConfig.DLQ_TOPIC, "must differ from topic");
            }
        }
        if (config.path().equals(HealthHandler.PATH)) {
            problems.add(WebhookConfig.PATH, "must differ from " + HealthHandler.PATH + ", the health check's path");
        }
        checkDedupe(config, problems);
        if (config.requestMaxEvents() > config.queueMaxEvents()) {
            problems.add(
                    WebhookConfig.REQUEST_MAX_EVENTS,
                    "must not exceed queue.max.events (" + config.queueMaxEvents() + ")");
        }
        if (config.requestMaxDecodedBytes() < config.requestMaxBytes()) {
            problems.add(
                    WebhookConfig.REQUEST_MAX_DECODED_BYTES,
                    "must be at least request.max.bytes (" + config.requestMaxBytes() + ")");
        }
    }

    private static void checkDedupe(WebhookConfig config, ConfigProblems problems) {
        if (config.originals().containsKey(WebhookConfig.DEDUPE_CONSUMER_PREFIX + "bootstrap.servers")) {
            problems.add(
                    WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS,
                    "give the dedupe consumer's servers here, not as " + WebhookConfig.DEDUPE_CONSUMER_PREFIX
                            + "bootstrap.servers");
        }
        if (config.dedupeBootstrapServers().isEmpty()) {
            return;
        }
        if (!config.dedupeEnabled()) {
            problems.add(
                    WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS,
                    "has no effect unless dedupe is on (dedupe.window.ms > 0 and event.id.field set)");
            return;
        }
        Object headerConverter = config.originals().get(HEADER_CONVERTER);
        if (headerConverter != null
                && !TEXT_HEADER_CONVERTERS.contains(headerConverter.toString().trim())) {
            problems.add(
                    WebhookConfig.DEDUPE_BOOTSTRAP_SERVERS,
                    "the dedupe window is read back from the " + DedupeTopicReader.EVENT_ID_HEADER + " header as text, "
                            + "which " + HEADER_CONVERTER + "=" + headerConverter + " does not write: leave "
                            + HEADER_CONVERTER + " unset or use one of " + TEXT_HEADER_CONVERTERS);
        }
    }

    private static void checkAuth(WebhookConfig config, ConfigProblems problems) {
        switch (config.authMode()) {
            case BASIC -> {
                if (config.basicUsername().isBlank()) {
                    problems.add(WebhookConfig.AUTH_BASIC_USERNAME, "is required with auth.mode=basic");
                }
                if (isBlank(config.basicPassword())) {
                    problems.add(WebhookConfig.AUTH_BASIC_PASSWORD, "is required with auth.mode=basic");
                }
                if (config.basicUsername().contains(":")) {
                    problems.add(WebhookConfig.AUTH_BASIC_USERNAME, "must not contain ':'");
                }
            }
            case BEARER -> {
                if (isBlank(config.bearerToken())) {
                    problems.add(WebhookConfig.AUTH_BEARER_TOKEN, "is required with auth.mode=bearer");
                }
            }
            case HMAC_SHA256 -> {
                if (isBlank(config.hmacSecret())) {
                    problems.add(WebhookConfig.AUTH_HMAC_SECRET, "is required with auth.mode=hmac-sha256");
                } else if (config.hmacSecret().value().length() < 16) {
                    problems.add(WebhookConfig.AUTH_HMAC_SECRET, "must be at least 16 characters");
                }
            }
            case NONE -> {
                if (!config.authNoneAllowPublic() && !isLoopback(config.bindAddress())) {
                    problems.add(
                            WebhookConfig.AUTH_MODE,
                            "auth.mode=none on listener.bind.address="
                                    + config.bindAddress()
                                    + " (not a loopback address) lets anyone who reaches the port publish "
                                    + "events: choose basic, bearer or hmac-sha256, bind to 127.0.0.1, or set "
                                    + WebhookConfig.AUTH_NONE_ALLOW_PUBLIC + "=true if that is meant");
                }
            }
        }
    }

    /**
     * The {@code dlq.}- and {@code dedupe.consumer.}-prefixed keys no Kafka producer or consumer knows (typos, e.g. of
     * a security setting), each reported on its own key; then, only when everything else is valid, the schema:
     * loading it may ask the registry.
     */
    @Override
    protected void afterValidation(Map<String, String> props, List<ConfigValue> results) {
        checkClientSettings(
                props,
                results,
                WebhookConfig.DLQ_PREFIX,
                ProducerConfig.configNames(),
                "not a Kafka producer setting; every " + WebhookConfig.DLQ_PREFIX + "-prefixed key but "
                        + WebhookConfig.DLQ_TOPIC + " is passed to the DLQ producer without the prefix");
        checkClientSettings(
                props,
                results,
                WebhookConfig.DEDUPE_CONSUMER_PREFIX,
                ConsumerConfig.configNames(),
                "not a Kafka consumer setting; every " + WebhookConfig.DEDUPE_CONSUMER_PREFIX
                        + "-prefixed key is passed to the dedupe consumer without the prefix");
        if (results.stream().allMatch(v -> v.errorMessages().isEmpty())) {
            checkSchema(new WebhookConfig(props)).attachTo(results, WebhookConfig.SCHEMA_INLINE);
        }
    }

    private static void checkClientSettings(
            Map<String, String> props, List<ConfigValue> results, String prefix, Set<String> known, String problem) {
        for (String key : props.keySet()) {
            if (key.startsWith(prefix)
                    && !WebhookConfig.CONFIG_DEF.names().contains(key)
                    && !known.contains(key.substring(prefix.length()))) {
                ConfigValue unknown = new ConfigValue(key);
                unknown.addErrorMessage(problem);
                results.add(unknown);
            }
        }
    }

    private static ConfigProblems checkSchema(WebhookConfig config) {
        ConfigProblems problems = new ConfigProblems();
        try {
            AvroConnectMapping.of(EventSchemaSource.load(config));
        } catch (ConfigException e) {
            problems.add(keyOf(e), e.getMessage());
        } catch (DataException e) {
            problems.add(schemaKey(config), "the schema cannot be mapped to Connect: " + e.getMessage());
        }
        return problems;
    }

    private static String schemaKey(WebhookConfig config) {
        if (!config.schemaFile().isBlank()) {
            return WebhookConfig.SCHEMA_FILE;
        }
        if (!config.schemaRegistrySubject().isBlank()) {
            return WebhookConfig.SCHEMA_REGISTRY_SUBJECT;
        }
        return WebhookConfig.SCHEMA_INLINE;
    }

    /** The schema setting a {@link ConfigException} of {@link EventSchemaSource} names. */
    private static String keyOf(ConfigException e) {
        for (String key : List.of(
                WebhookConfig.SCHEMA_INLINE,
                WebhookConfig.SCHEMA_FILE,
                WebhookConfig.SCHEMA_REGISTRY_URL,
                WebhookConfig.SCHEMA_REGISTRY_SUBJECT)) {
            if (e.getMessage() != null && e.getMessage().contains("configuration " + key + ":")) {
                return key;
            }
        }
        return WebhookConfig.SCHEMA_INLINE;
    }

    /** Whether the bind address is a loopback address (a name is resolved; one that does not resolve is not). */
    static boolean isLoopback(String bindAddress) {
        try {
            return InetAddress.getByName(bindAddress.trim()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isBlank(Password password) {
        return password == null || password.value() == null || password.value().isBlank();
    }
}
