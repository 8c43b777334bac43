package io.cxone.kafka.bridge;

import static io.cxone.kafka.bridge.BridgeConfig.AUTH_ENABLED;
import static io.cxone.kafka.bridge.BridgeConfig.AUTH_TOKEN_PREFIX;
import static io.cxone.kafka.bridge.BridgeConfig.TOKEN_MAX_CHARS;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * {@code auth.enabled} and the tokens: {@code auth.token.<id>} (secret) and {@code auth.token.<id>.topics} (topic
 * patterns). The token keys are only known once the file is read, so {@link #withTokenKeys} defines the ones it names
 * (the secret as a password, never printed) on a copy of the definition, as Kafka Connect does for the keys of each
 * transform alias; each secret has 8 to {@value BridgeConfig#TOKEN_MAX_CHARS} characters that no other token
 * shares, and at least one valid pattern.
 */
final class TokenSettings {

    private static final String GROUP = "Authentication";
    private static final String TOPICS_SUFFIX = ".topics";

    /** A token key; group 1 is the token id, group 2 is set for the topics key. */
    private static final Pattern KEY = Pattern.compile("auth\\.token\\.([A-Za-z0-9_-]+)(\\.topics)?");

    private TokenSettings() {}

    static void define(ConfigDef def) {
        def.define(
                AUTH_ENABLED,
                Type.BOOLEAN,
                true,
                Importance.HIGH,
                "Require a token on every stream and ticket request. Tokens are set as " + AUTH_TOKEN_PREFIX
                        + "<id>=<secret> (8 to " + TOKEN_MAX_CHARS + " characters, no two tokens alike; logs show"
                        + " the id only) and " + AUTH_TOKEN_PREFIX + "<id>" + TOPICS_SUFFIX + "=<regex>,... (the"
                        + " topics the token may read: each pattern must match a whole topic name). With true and no"
                        + " token defined the bridge refuses to start; false lets any client read any topic but the"
                        + " internal ones, for a bridge only this machine can reach.",
                GROUP,
                1,
                Width.SHORT,
                "Require a token");
    }

    /** Whether {@code key} is a token's secret or topics key. */
    static boolean reads(String key) {
        return KEY.matcher(key).matches();
    }

    /** {@code base} and, for each token id among the keys of {@code props}, its secret and topics keys. */
    static ConfigDef withTokenKeys(ConfigDef base, Map<String, String> props) {
        ConfigDef def = new ConfigDef(base);
        int order = 1;
        for (String id : ids(props.keySet())) {
            def.define(
                    AUTH_TOKEN_PREFIX + id,
                    Type.PASSWORD,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new SecretLength(),
                    Importance.HIGH,
                    "Secret of token '" + id + "'.",
                    GROUP,
                    ++order,
                    Width.LONG,
                    "Token " + id);
            def.define(
                    AUTH_TOKEN_PREFIX + id + TOPICS_SUFFIX,
                    Type.LIST,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new TopicPatterns(id),
                    Importance.HIGH,
                    "Topic patterns (regex, comma-separated) token '" + id + "' may read.",
                    GROUP,
                    ++order,
                    Width.LONG,
                    "Topics of token " + id);
        }
        return def;
    }

    /** The tokens of a parsed configuration; refuses two tokens with one secret and auth without tokens. */
    static List<BridgeConfig.Token> tokens(BridgeConfig config) {
        List<BridgeConfig.Token> result = new ArrayList<>();
        for (String id : ids(config.originals().keySet())) {
            String secretKey = AUTH_TOKEN_PREFIX + id;
            Password secret = config.getPassword(secretKey);
            for (BridgeConfig.Token other : result) {
                if (other.secret().equals(secret.value())) {
                    throw new ConfigException(secretKey, secret, "same secret as token '" + other.id() + "'");
                }
            }
            List<Pattern> patterns = BridgeConfig.nonBlank(config.getList(secretKey + TOPICS_SUFFIX)).stream()
                    .map(Pattern::compile)
                    .toList();
            result.add(new BridgeConfig.Token(id, secret.value(), patterns));
        }
        if (config.authEnabled() && result.isEmpty()) {
            throw new ConfigException(
                    AUTH_ENABLED,
                    true,
                    "no tokens defined: add " + AUTH_TOKEN_PREFIX + "<id>=<secret> and " + AUTH_TOKEN_PREFIX + "<id>"
                            + TOPICS_SUFFIX + "=<regex,...>, or set " + AUTH_ENABLED + "=false");
        }
        return List.copyOf(result);
    }

    private static Set<String> ids(Set<String> keys) {
        Set<String> ids = new TreeSet<>();
        for (String key : keys) {
            Matcher m = KEY.matcher(key);
            if (m.matches()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    /** 8 to {@value BridgeConfig#TOKEN_MAX_CHARS} characters; the refusal shows the value as {@code [hidden]}. */
    private static final class SecretLength implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            int length = ((Password) value).value().length();
            if (length < 8 || length > TOKEN_MAX_CHARS) {
                throw new ConfigException(name, value, "secret must have 8 to " + TOKEN_MAX_CHARS + " characters");
            }
        }

        @Override
        public String toString() {
            return "8 to " + TOKEN_MAX_CHARS + " characters";
        }
    }

    /** At least one pattern, each a valid regex. */
    private record TopicPatterns(String id) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> patterns = BridgeConfig.nonBlank((List<String>) value);
            if (patterns.isEmpty()) {
                throw new ConfigException(
                        name, "", "required: the topic patterns (regex, comma-separated) token '" + id + "' may read");
            }
            for (String pattern : patterns) {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(name, pattern, "invalid regex: " + e.getDescription());
                }
            }
        }

        @Override
        public String toString() {
            return "comma-separated regexes";
        }
    }
}
