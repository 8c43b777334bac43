package io.cxone.kafka.source.webhook;

import io.cxone.kafka.source.avro.AvroConnectMapping;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.DataException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a webhook connector configuration: single fields (the {@code ConfigDef}), then combinations (auth mode
 * and its secrets, one schema source, TLS, DLQ), then the schema itself (parsed, fetched from the registry, mapped
 * to Connect). Each error is attached to the field it is about.
 */
public final class WebhookConfigValidator {

    private WebhookConfigValidator() {
    }

    public static Config validate(Map<String, String> props) {
        List<ConfigValue> values = WebhookConfig.CONFIG_DEF.validate(props);
        Map<String, ConfigValue> byName = values.stream().collect(Collectors.toMap(ConfigValue::name, Function.identity()));
        if (values.stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return new Config(values); // combinations are meaningless until single fields parse
        }
        WebhookConfig config = new WebhookConfig(props);
        checkCombinations(config, byName);
        if (values.stream().allMatch(v -> v.errorMessages().isEmpty())) {
            try {
                AvroConnectMapping.of(EventSchemaSource.load(config));
            } catch (ConfigException e) {
                addError(byName, keyOf(e), e.getMessage());
            } catch (DataException e) {
                addError(byName, schemaKey(config), "the schema cannot be mapped to Connect: " + e.getMessage());
            }
        }
        return new Config(values);
    }

    /** Throws the first error: for the connector's and task's start(). */
    public static void ensureValid(Map<String, String> props) {
        for (ConfigValue value : validate(props).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                throw new ConfigException(value.name() + ": " + String.join("; ", value.errorMessages()));
            }
        }
    }

    private static void checkCombinations(WebhookConfig config, Map<String, ConfigValue> byName) {
        switch (config.authMode()) {
            case BASIC -> {
                if (config.basicUsername().isBlank()) {
                    addError(byName, WebhookConfig.AUTH_BASIC_USERNAME, "is required with auth.mode=basic");
                }
                if (isBlank(config.basicPassword())) {
                    addError(byName, WebhookConfig.AUTH_BASIC_PASSWORD, "is required with auth.mode=basic");
                }
                if (config.basicUsername().contains(":")) {
                    addError(byName, WebhookConfig.AUTH_BASIC_USERNAME, "must not contain ':'");
                }
            }
            case BEARER -> {
                if (isBlank(config.bearerToken())) {
                    addError(byName, WebhookConfig.AUTH_BEARER_TOKEN, "is required with auth.mode=bearer");
                }
            }
            case HMAC_SHA256 -> {
                if (isBlank(config.hmacSecret())) {
                    addError(byName, WebhookConfig.AUTH_HMAC_SECRET, "is required with auth.mode=hmac-sha256");
                } else if (config.hmacSecret().value().length() < 16) {
                    addError(byName, WebhookConfig.AUTH_HMAC_SECRET, "must be at least 16 characters");
                }
            }
            case NONE -> {
                if (!config.authNoneAllowPublic() && !isLoopback(config.bindAddress())) {
                    addError(byName, WebhookConfig.AUTH_MODE, "auth.mode=none on listener.bind.address="
                            + config.bindAddress() + " (not a loopback address) lets anyone who reaches the port publish "
                            + "events: choose basic, bearer or hmac-sha256, bind to 127.0.0.1, or set "
                            + WebhookConfig.AUTH_NONE_ALLOW_PUBLIC + "=true if that is meant");
                }
            }
        }
        long sources = java.util.stream.Stream.of(config.schemaInline(), config.schemaFile(), config.schemaRegistrySubject())
                .filter(s -> !s.isBlank()).count();
        if (sources > 1) {
            addError(byName, WebhookConfig.SCHEMA_INLINE, "set at most one of schema.inline, schema.file, schema.registry.subject");
        }
        if (!config.schemaFile().isBlank() && !Files.isReadable(Path.of(config.schemaFile()))) {
            addError(byName, WebhookConfig.SCHEMA_FILE, "file " + config.schemaFile() + " is not readable");
        }
        if (!config.schemaRegistrySubject().isBlank() && config.schemaRegistryUrl().isBlank()) {
            addError(byName, WebhookConfig.SCHEMA_REGISTRY_URL, "is required with schema.registry.subject");
        }
        if (config.tlsEnabled()) {
            if (!Files.isReadable(Path.of(config.tlsKeystorePath()))) {
                addError(byName, WebhookConfig.TLS_KEYSTORE_PATH, "file " + config.tlsKeystorePath() + " is not readable");
            }
            if (isBlank(config.tlsKeystorePassword())) {
                addError(byName, WebhookConfig.TLS_KEYSTORE_PASSWORD, "is required with listener.tls.keystore.path");
            }
        }
        if (!config.dlqTopic().isEmpty()) {
            if (config.dlqBootstrapServers().isEmpty()) {
                addError(byName, WebhookConfig.DLQ_BOOTSTRAP_SERVERS, "is required with dlq.topic");
            }
            if (config.dlqTopic().equals(config.topic())) {
                addError(byName, WebhookConfig.DLQ_TOPIC, "must differ from topic");
            }
        }
        if (config.requestMaxEvents() > config.queueMaxEvents()) {
            addError(byName, WebhookConfig.REQUEST_MAX_EVENTS, "must not exceed queue.max.events (" + config.queueMaxEvents() + ")");
        }
        if (config.requestMaxDecodedBytes() < config.requestMaxBytes()) {
            addError(byName, WebhookConfig.REQUEST_MAX_DECODED_BYTES, "must be at least request.max.bytes (" + config.requestMaxBytes() + ")");
        }
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

    private static String keyOf(ConfigException e) {
        for (String key : List.of(WebhookConfig.SCHEMA_INLINE, WebhookConfig.SCHEMA_FILE, WebhookConfig.SCHEMA_REGISTRY_URL,
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

    private static void addError(Map<String, ConfigValue> byName, String key, String message) {
        byName.get(key).addErrorMessage(message);
    }
}
