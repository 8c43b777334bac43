package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.TLS_ENABLED;
import static io.cxone.kafka.bridge.BridgeConfig.TLS_KEYSTORE_PASSWORD;
import static io.cxone.kafka.bridge.BridgeConfig.TLS_KEYSTORE_PATH;
import static io.cxone.kafka.bridge.BridgeConfig.TLS_KEYSTORE_TYPE;

import io.cxone.kafka.common.config.Validators;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The {@code tls.*} settings of {@link BridgeConfig}: whether the listener serves TLS, and its keystore. */
final class TlsSettings {

    private static final String GROUP = "TLS";

    private TlsSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                TLS_ENABLED,
                Type.BOOLEAN,
                false,
                Importance.HIGH,
                "Serve HTTPS and WSS instead of HTTP and WS, with the key and certificate of " + TLS_KEYSTORE_PATH
                        + ". Turn it on whenever clients reach the bridge over a network: tokens and tickets travel"
                        + " in requests.",
                GROUP,
                ++order,
                Width.SHORT,
                "TLS",
                List.of(TLS_KEYSTORE_PATH, TLS_KEYSTORE_PASSWORD, TLS_KEYSTORE_TYPE));
        def.define(
                TLS_KEYSTORE_PATH,
                Type.STRING,
                "",
                Validators.readableFile(true),
                Importance.HIGH,
                "Keystore holding the listener's private key and certificate chain; required when " + TLS_ENABLED
                        + "=true.",
                GROUP,
                ++order,
                Width.LONG,
                "Keystore");
        def.define(
                TLS_KEYSTORE_PASSWORD,
                Type.PASSWORD,
                "",
                Importance.HIGH,
                "Password of the keystore (and of its key).",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Keystore password");
        def.define(
                TLS_KEYSTORE_TYPE,
                Type.STRING,
                "PKCS12",
                Importance.LOW,
                "Format of the keystore, as Java names it: PKCS12 or JKS.",
                GROUP,
                ++order,
                Width.SHORT,
                "Keystore type");
    }

    /** TLS needs a keystore. */
    static void checkCombinations(BridgeConfig config) {
        if (config.tlsEnabled() && config.keystorePath() == null) {
            throw new ConfigException(TLS_KEYSTORE_PATH, "", "required when " + TLS_ENABLED + "=true");
        }
    }
}
