package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.SCHEMA_REGISTRY_AUTH_PASSWORD;
import static io.cxone.kafka.bridge.BridgeConfig.SCHEMA_REGISTRY_AUTH_USERNAME;
import static io.cxone.kafka.bridge.BridgeConfig.SCHEMA_REGISTRY_ID_TYPE;
import static io.cxone.kafka.bridge.BridgeConfig.SCHEMA_REGISTRY_RESPONSE_MAX_BYTES;
import static io.cxone.kafka.bridge.BridgeConfig.SCHEMA_REGISTRY_TIMEOUT_MS;
import static io.cxone.kafka.bridge.BridgeConfig.SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD;
import static io.cxone.kafka.bridge.BridgeConfig.SCHEMA_REGISTRY_TRUSTSTORE_PATH;
import static io.cxone.kafka.bridge.BridgeConfig.SCHEMA_REGISTRY_TRUSTSTORE_TYPE;
import static io.cxone.kafka.bridge.BridgeConfig.SCHEMA_REGISTRY_URL;
import static io.cxone.kafka.bridge.ConfigValues.integer;
import static io.cxone.kafka.bridge.ConfigValues.longValue;
import static io.cxone.kafka.bridge.ConfigValues.loopback;
import static io.cxone.kafka.bridge.ConfigValues.string;

import io.cxone.kafka.bridge.BridgeConfig.ConfigException;
import io.cxone.kafka.bridge.BridgeConfig.SchemaIdType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * The {@code schema.registry.*} settings of {@link BridgeConfig}: URL, id type, credentials (never sent in clear
 * text to a remote host), truststore, timeout and response limit. Read through {@link BridgeConfig}'s getters.
 */
final class RegistrySettings {

    static final Set<String> KEYS = Set.of(
            SCHEMA_REGISTRY_URL,
            SCHEMA_REGISTRY_ID_TYPE,
            SCHEMA_REGISTRY_AUTH_USERNAME,
            SCHEMA_REGISTRY_AUTH_PASSWORD,
            SCHEMA_REGISTRY_TRUSTSTORE_PATH,
            SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD,
            SCHEMA_REGISTRY_TRUSTSTORE_TYPE,
            SCHEMA_REGISTRY_TIMEOUT_MS,
            SCHEMA_REGISTRY_RESPONSE_MAX_BYTES);

    final String url;
    final String username;
    final String password;
    final Path truststorePath;
    final String truststorePassword;
    final String truststoreType;
    final Duration timeout;
    final int responseMaxBytes;
    final SchemaIdType idType;

    RegistrySettings(Properties p) {
        String registry = string(p, SCHEMA_REGISTRY_URL, "");
        if (!registry.isEmpty() && !registry.startsWith("http://") && !registry.startsWith("https://")) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, registry, "expected an http:// or https:// URL");
        }
        url = registry.endsWith("/") ? registry.substring(0, registry.length() - 1) : registry;
        username = string(p, SCHEMA_REGISTRY_AUTH_USERNAME, "");
        password = p.getProperty(SCHEMA_REGISTRY_AUTH_PASSWORD, "");
        if (username.isEmpty() != password.isEmpty()) {
            throw new ConfigException(
                    username.isEmpty() ? SCHEMA_REGISTRY_AUTH_USERNAME : SCHEMA_REGISTRY_AUTH_PASSWORD,
                    "",
                    "set both " + SCHEMA_REGISTRY_AUTH_USERNAME + " and " + SCHEMA_REGISTRY_AUTH_PASSWORD
                            + ", or neither");
        }
        if (!username.isEmpty() && registry.startsWith("http://") && !loopback(registry)) {
            throw new ConfigException(
                    SCHEMA_REGISTRY_URL,
                    registry,
                    "credentials (" + SCHEMA_REGISTRY_AUTH_USERNAME
                            + ") would be sent in clear text: use an https:// URL");
        }
        String truststore = string(p, SCHEMA_REGISTRY_TRUSTSTORE_PATH, "");
        if (!truststore.isEmpty() && !Files.isReadable(Path.of(truststore))) {
            throw new ConfigException(SCHEMA_REGISTRY_TRUSTSTORE_PATH, truststore, "file not readable");
        }
        truststorePath = truststore.isEmpty() ? null : Path.of(truststore);
        truststorePassword = p.getProperty(SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD, "");
        truststoreType = string(p, SCHEMA_REGISTRY_TRUSTSTORE_TYPE, "PKCS12");
        timeout = Duration.ofMillis(longValue(p, SCHEMA_REGISTRY_TIMEOUT_MS, 5_000, 100, 120_000));
        responseMaxBytes = integer(p, SCHEMA_REGISTRY_RESPONSE_MAX_BYTES, 1024 * 1024, 1024, 64 * 1024 * 1024);
        String idTypeName = string(p, SCHEMA_REGISTRY_ID_TYPE, "contentId");
        if (idTypeName.equals("contentId")) {
            idType = SchemaIdType.CONTENT_ID;
        } else if (idTypeName.equals("globalId")) {
            idType = SchemaIdType.GLOBAL_ID;
        } else {
            throw new ConfigException(SCHEMA_REGISTRY_ID_TYPE, idTypeName, "expected contentId or globalId");
        }
    }
}
