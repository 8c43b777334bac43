package io.cxone.kafka.sink.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The plugin's version, from the Maven-filtered {@code cxone-elasticsearch-sink.properties}. */
public final class PluginVersion {
    private static final String VERSION = load();

    private PluginVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        Properties props = new Properties();
        try (InputStream in = PluginVersion.class.getResourceAsStream("/cxone-elasticsearch-sink.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown": a missing version must not stop the connector
        }
        return props.getProperty("version", "unknown");
    }
}
