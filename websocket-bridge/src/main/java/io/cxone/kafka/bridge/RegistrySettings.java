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

import io.cxone.kafka.bridge.BridgeConfig.SchemaIdType;
import io.cxone.kafka.common.ConnectionUrls;
import io.cxone.kafka.common.config.ConfigEnums;
import io.cxone.kafka.common.config.Validators;
import java.net.URI;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The {@code schema.registry.*} settings of {@link BridgeConfig}: URL, id type, credentials (never sent in clear
 * text to a remote host), truststore, timeout and response limit.
 */
final class RegistrySettings {

    private static final String GROUP = "Schema registry";

    private RegistrySettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                SCHEMA_REGISTRY_URL,
                Type.STRING,
                "",
                Validators.httpUrl(true, SCHEMA_REGISTRY_AUTH_USERNAME + " and " + SCHEMA_REGISTRY_AUTH_PASSWORD),
                Importance.HIGH,
                "Schema registry that Avro values (Confluent wire format) are decoded with: Apicurio's native API"
                        + " (.../apis/registry/v2) or any Confluent-compatible base URL. Empty: no decoding, Avro"
                        + " values reach clients base64-encoded.",
                GROUP,
                ++order,
                Width.LONG,
                "Registry URL");
        def.define(
                SCHEMA_REGISTRY_ID_TYPE,
                Type.STRING,
                SchemaIdType.CONTENT_ID.configName(),
                ConfigEnums.validator(SchemaIdType.class),
                Importance.MEDIUM,
                "With an Apicurio native URL, what the 4-byte schema id of a record is: contentId or globalId, as"
                        + " the producing converter writes it (use-id).",
                GROUP,
                ++order,
                Width.SHORT,
                "Schema id type");
        def.define(
                SCHEMA_REGISTRY_AUTH_USERNAME,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "User for HTTP basic authentication of schema look-ups (with " + SCHEMA_REGISTRY_AUTH_PASSWORD
                        + "; both or neither). Refused with an http:// URL to a host other than this machine, where"
                        + " the credentials would cross the network in clear.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Registry user");
        def.define(
                SCHEMA_REGISTRY_AUTH_PASSWORD,
                Type.PASSWORD,
                "",
                Importance.MEDIUM,
                "Password for HTTP basic authentication of schema look-ups.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Registry password");
        def.define(
                SCHEMA_REGISTRY_TRUSTSTORE_PATH,
                Type.STRING,
                "",
                Validators.readableFile(true),
                Importance.LOW,
                "Truststore of the certificates trusted for an https:// registry. Empty: the JVM's default trust.",
                GROUP,
                ++order,
                Width.LONG,
                "Registry truststore");
        def.define(
                SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD,
                Type.PASSWORD,
                "",
                Importance.LOW,
                "Password of the registry truststore.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Registry truststore password");
        def.define(
                SCHEMA_REGISTRY_TRUSTSTORE_TYPE,
                Type.STRING,
                "PKCS12",
                Importance.LOW,
                "Format of the registry truststore, as Java names it: PKCS12 or JKS.",
                GROUP,
                ++order,
                Width.SHORT,
                "Registry truststore type");
        def.define(
                SCHEMA_REGISTRY_TIMEOUT_MS,
                Type.LONG,
                5_000L,
                ConfigDef.Range.between(100, 120_000),
                Importance.LOW,
                "Milliseconds one schema look-up may take in all (connect, request, response). A failed look-up"
                        + " leaves the record's value base64 with a valueError and is retried after 10 s.",
                GROUP,
                ++order,
                Width.SHORT,
                "Registry timeout (ms)");
        def.define(
                SCHEMA_REGISTRY_RESPONSE_MAX_BYTES,
                Type.INT,
                1024 * 1024,
                ConfigDef.Range.between(1024, 64 * 1024 * 1024),
                Importance.LOW,
                "Largest schema response read, in bytes: ids come from records, which anyone who can produce"
                        + " writes, so a look-up must not make the bridge buffer an unbounded answer. A larger"
                        + " response leaves the value base64 with a valueError.",
                GROUP,
                ++order,
                Width.SHORT,
                "Registry response limit (bytes)");
    }

    /** Credentials come in pairs and never travel in clear to another host. */
    static void checkCombinations(BridgeConfig config) {
        String username = config.registryUsername();
        if (username.isEmpty() != config.registryPassword().isEmpty()) {
            throw new ConfigException(
                    username.isEmpty() ? SCHEMA_REGISTRY_AUTH_USERNAME : SCHEMA_REGISTRY_AUTH_PASSWORD,
                    "",
                    "set both " + SCHEMA_REGISTRY_AUTH_USERNAME + " and " + SCHEMA_REGISTRY_AUTH_PASSWORD
                            + ", or neither");
        }
        String url = config.schemaRegistryUrl();
        if (!username.isEmpty() && ConnectionUrls.isPlainHttpToRemoteHost(URI.create(url))) {
            throw new ConfigException(
                    SCHEMA_REGISTRY_URL,
                    url,
                    "credentials (" + SCHEMA_REGISTRY_AUTH_USERNAME
                            + ") would be sent in clear text: use an https:// URL");
        }
    }
}
