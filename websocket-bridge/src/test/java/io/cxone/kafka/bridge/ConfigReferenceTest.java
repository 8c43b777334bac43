package io.cxone.kafka.bridge;

import io.cxone.kafka.testkit.ConfigReference;
import org.junit.jupiter.api.Test;

/** The committed docs/config reference of the bridge's properties file matches its ConfigDef. */
class ConfigReferenceTest {

    @Test
    void committedReferenceMatchesTheConfigDef() {
        ConfigReference.checkCommitted(new ConfigReference.Page(
                "WebSocketBridge",
                "WebSocket bridge configuration",
                "Generated from the bridge's ConfigDef (``" + BridgeConfig.class.getName() + "``) by its tests; do not"
                        + " edit.\n"
                        + "The bridge reads these keys from the properties file given as ``--config <file>`` at"
                        + " start-up and refuses to start on a bad value or an unknown key, naming the key.\n"
                        + "Besides them it reads, by prefix, " + BridgeConfig.PREFIXED_KEYS + ".\n\n",
                BridgeConfig.CONFIG_DEF));
    }
}
