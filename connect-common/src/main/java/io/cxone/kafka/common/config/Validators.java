package io.cxone.kafka.common.config;

import io.cxone.kafka.common.ConnectionUrls;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * {@link ConfigDef.Validator}s the plugins share: URLs that never carry credentials, files. (Secrets need none for
 * surrounding whitespace: {@code ConfigDef} trims a password before it is validated.)
 */
public final class Validators {

    private Validators() {}

    /**
     * One http(s) URL with a host; never with credentials before {@code @} (Connect shows configs in its REST API and
     * logs; the refusal echoes the redacted form only). {@code credentialsHint} says where credentials go instead.
     */
    public static ConfigDef.Validator httpUrl(boolean optional, String credentialsHint) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String url = value == null ? "" : value.toString();
                if (!(optional && url.isBlank())) {
                    requireHttpUrl(name, url, credentialsHint);
                }
            }

            @Override
            public String toString() {
                return optional ? "http(s) URL or empty" : "http(s) URL";
            }
        };
    }

    /** A non-empty list of http(s) URLs, each as {@link #httpUrl}. */
    public static ConfigDef.Validator httpUrlList(String credentialsHint) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                List<?> urls = value instanceof List<?> list ? list : List.of();
                if (urls.isEmpty()) {
                    throw new ConfigException(name, value, "at least one URL is required");
                }
                for (Object url : urls) {
                    requireHttpUrl(name, String.valueOf(url), credentialsHint);
                }
            }

            @Override
            public String toString() {
                return "comma-separated http(s)://host[:port] URLs";
            }
        };
    }

    /** A path to a readable regular file, or empty when {@code optional}. */
    public static ConfigDef.Validator readableFile(boolean optional) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String path = value == null ? "" : value.toString().trim();
                if (optional && path.isEmpty()) {
                    return;
                }
                if (path.isEmpty()) {
                    throw new ConfigException(name, value, "a file path is required");
                }
                Path file = Path.of(path);
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new ConfigException(name, value, "is not a readable file on this host");
                }
            }

            @Override
            public String toString() {
                return optional ? "path of a readable file, or empty" : "path of a readable file";
            }
        };
    }

    private static void requireHttpUrl(String name, String url, String credentialsHint) {
        if (ConnectionUrls.hasUserInfo(url)) {
            throw new ConfigException(
                    name,
                    ConnectionUrls.redact(url),
                    "carries credentials before '@'; remove them from the "
                            + "URL and set " + credentialsHint + " instead (best through a config provider, e.g. "
                            + "${file:/path/secrets.properties:key}), so the URL can be shown and logged");
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, url, "not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new ConfigException(name, url, "expected http(s)://host[:port]");
        }
    }
}
