package io.cxone.kafka.bridge;

import io.cxone.kafka.bridge.BridgeConfig.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Typed values of the bridge's properties file (text, lists, booleans, bounded numbers), each failing with a
 * {@link ConfigException} that names the key, the offending value and what was expected.
 */
final class ConfigValues {

    private ConfigValues() {}

    static String string(Properties p, String key, String def) {
        String v = p.getProperty(key);
        return v == null ? def : v.trim();
    }

    static String required(Properties p, String key) {
        String v = string(p, key, "");
        if (v.isEmpty()) {
            throw new ConfigException(key, v, "required");
        }
        return v;
    }

    static boolean loopback(String url) {
        try {
            String host = java.net.URI.create(url).getHost();
            return host != null
                    && (host.equals("localhost")
                            || java.net.InetAddress.getByName(host).isLoopbackAddress());
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return false;
        }
    }

    static List<String> list(Properties p, String key) {
        return list(p, key, "");
    }

    static List<String> list(Properties p, String key, String def) {
        List<String> out = new ArrayList<>();
        for (String s : string(p, key, def).split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return List.copyOf(out);
    }

    static boolean bool(Properties p, String key, boolean def) {
        String v = string(p, key, Boolean.toString(def)).toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw new ConfigException(key, v, "expected true or false");
    }

    static int integer(Properties p, String key, int def, int min, int max) {
        return (int) longValue(p, key, def, min, max);
    }

    static long longValue(Properties p, String key, long def, long min, long max) {
        String v = string(p, key, Long.toString(def));
        long value;
        try {
            value = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected an integer");
        }
        if (value < min || value > max) {
            throw new ConfigException(key, v, "expected a value between " + min + " and " + max);
        }
        return value;
    }
}
