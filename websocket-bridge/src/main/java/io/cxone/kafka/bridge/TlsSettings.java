package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.TLS_ENABLED;
import static io.cxone.kafka.bridge.BridgeConfig.TLS_KEYSTORE_PASSWORD;
import static io.cxone.kafka.bridge.BridgeConfig.TLS_KEYSTORE_PATH;
import static io.cxone.kafka.bridge.BridgeConfig.TLS_KEYSTORE_TYPE;
import static io.cxone.kafka.bridge.ConfigValues.bool;
import static io.cxone.kafka.bridge.ConfigValues.string;

import io.cxone.kafka.bridge.BridgeConfig.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

/**
 * The {@code tls.*} settings of {@link BridgeConfig}: whether the listener serves TLS and its keystore (required
 * and readable when TLS is on). Read through {@link BridgeConfig}'s getters.
 */
final class TlsSettings {

    static final Set<String> KEYS = Set.of(TLS_ENABLED, TLS_KEYSTORE_PATH, TLS_KEYSTORE_PASSWORD, TLS_KEYSTORE_TYPE);

    final boolean enabled;
    final Path keystorePath;
    final String keystorePassword;
    final String keystoreType;

    TlsSettings(Properties p) {
        enabled = bool(p, TLS_ENABLED, false);
        String ks = string(p, TLS_KEYSTORE_PATH, "");
        keystorePassword = p.getProperty(TLS_KEYSTORE_PASSWORD, "");
        keystoreType = string(p, TLS_KEYSTORE_TYPE, "PKCS12");
        if (enabled) {
            if (ks.isEmpty()) {
                throw new ConfigException(TLS_KEYSTORE_PATH, ks, "required when " + TLS_ENABLED + "=true");
            }
            if (!Files.isReadable(Path.of(ks))) {
                throw new ConfigException(TLS_KEYSTORE_PATH, ks, "file not readable");
            }
        }
        keystorePath = ks.isEmpty() ? null : Path.of(ks);
    }
}
