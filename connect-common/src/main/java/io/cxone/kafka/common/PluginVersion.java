package io.cxone.kafka.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of the project's plugins, read from the Maven-filtered {@code cxone-connect-version.properties}: every
 * plugin bundles this module built from the same reactor, so one file answers for all of them.
 */
public final class PluginVersion {

    private static final String VERSION = load();

    private PluginVersion() {}

    /** What {@code Connector.version()} and {@code Task.version()} report; "unknown" when the file is missing. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        Properties props = new Properties();
        try (InputStream in = PluginVersion.class.getResourceAsStream("/cxone-connect-version.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown": a missing version must not stop a connector
        }
        return props.getProperty("version", "unknown");
    }
}
