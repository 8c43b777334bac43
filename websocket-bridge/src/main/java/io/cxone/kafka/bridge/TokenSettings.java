package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.AUTH_TOKEN_PREFIX;
import static io.cxone.kafka.bridge.BridgeConfig.TOKEN_MAX_CHARS;

import io.cxone.kafka.bridge.BridgeConfig.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code auth.token.<id>} (secret) and {@code auth.token.<id>.topics} (topic patterns) settings: parsed
 * into {@link BridgeConfig.Token}s, each with a secret of 8 to {@value BridgeConfig#TOKEN_MAX_CHARS} characters
 * that no other token shares, and at least one valid pattern.
 */
final class TokenSettings {

    /** A token key; group 1 is the token id, group 2 is set for the topics key. */
    static final Pattern KEY = Pattern.compile("auth\\.token\\.([A-Za-z0-9_-]+)(\\.topics)?");

    private TokenSettings() {}

    static List<BridgeConfig.Token> parse(Properties p) {
        Map<String, String> secrets = new LinkedHashMap<>();
        Map<String, String> topics = new LinkedHashMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            Matcher m = KEY.matcher(key);
            if (m.matches()) {
                (m.group(2) == null ? secrets : topics)
                        .put(m.group(1), p.getProperty(key).trim());
            }
        }
        List<BridgeConfig.Token> result = new ArrayList<>();
        for (Map.Entry<String, String> e : topics.entrySet()) {
            if (!secrets.containsKey(e.getKey())) {
                throw new ConfigException(
                        AUTH_TOKEN_PREFIX + e.getKey() + ".topics",
                        e.getValue(),
                        "no secret: add " + AUTH_TOKEN_PREFIX + e.getKey() + "=<secret>");
            }
        }
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            String id = e.getKey();
            String secretKey = AUTH_TOKEN_PREFIX + id;
            if (e.getValue().length() < 8 || e.getValue().length() > TOKEN_MAX_CHARS) {
                throw new ConfigException(
                        secretKey, "<hidden>", "secret must have 8 to " + TOKEN_MAX_CHARS + " characters");
            }
            String topicsKey = secretKey + ".topics";
            String patterns = topics.get(id);
            if (patterns == null || patterns.isBlank()) {
                throw new ConfigException(
                        topicsKey,
                        "",
                        "required: the topic patterns (regex, comma-separated) token '" + id + "' may read");
            }
            List<Pattern> compiled = new ArrayList<>();
            for (String pattern : patterns.split(",")) {
                if (pattern.isBlank()) {
                    continue;
                }
                try {
                    compiled.add(Pattern.compile(pattern.trim()));
                } catch (PatternSyntaxException ex) {
                    throw new ConfigException(topicsKey, pattern, "invalid regex: " + ex.getDescription());
                }
            }
            for (BridgeConfig.Token other : result) {
                if (other.secret().equals(e.getValue())) {
                    throw new ConfigException(secretKey, "<hidden>", "same secret as token '" + other.id() + "'");
                }
            }
            result.add(new BridgeConfig.Token(id, e.getValue(), List.copyOf(compiled)));
        }
        return List.copyOf(result);
    }
}
