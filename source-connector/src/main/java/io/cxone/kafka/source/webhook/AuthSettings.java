package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.WebhookConfig.AUTH_BASIC_PASSWORD;
import static io.cxone.kafka.source.webhook.WebhookConfig.AUTH_BASIC_USERNAME;
import static io.cxone.kafka.source.webhook.WebhookConfig.AUTH_BEARER_TOKEN;
import static io.cxone.kafka.source.webhook.WebhookConfig.AUTH_HMAC_REPLAY_MAX_ENTRIES;
import static io.cxone.kafka.source.webhook.WebhookConfig.AUTH_HMAC_SECRET;
import static io.cxone.kafka.source.webhook.WebhookConfig.AUTH_HMAC_SIGNATURE_HEADER;
import static io.cxone.kafka.source.webhook.WebhookConfig.AUTH_HMAC_TIMESTAMP_HEADER;
import static io.cxone.kafka.source.webhook.WebhookConfig.AUTH_HMAC_TOLERANCE_SECONDS;
import static io.cxone.kafka.source.webhook.WebhookConfig.AUTH_MODE;
import static io.cxone.kafka.source.webhook.WebhookConfig.AUTH_NONE_ALLOW_PUBLIC;

import io.cxone.kafka.common.config.ConfigEnums;
import io.cxone.kafka.source.webhook.WebhookConfig.AuthMode;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Settings of caller authentication: the mode and its secrets. */
final class AuthSettings {

    private static final String GROUP = "Security";

    private AuthSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                AUTH_MODE,
                Type.STRING,
                "none",
                ConfigEnums.validator(AuthMode.class),
                Importance.HIGH,
                "How callers authenticate: none, basic, bearer, or hmac-sha256 (header "
                        + "<signature header> = hex HMAC-SHA256 of '<timestamp>.<body>' with the secret, optionally "
                        + "prefixed 'sha256='; <timestamp header> = epoch seconds).",
                GROUP,
                ++order,
                Width.SHORT,
                "Auth mode",
                new AuthRecommender());
        def.define(
                AUTH_BASIC_USERNAME,
                Type.STRING,
                "",
                Importance.HIGH,
                "User name for basic auth.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Basic user",
                new AuthRecommender());
        def.define(
                AUTH_BASIC_PASSWORD,
                Type.PASSWORD,
                null,
                Importance.HIGH,
                "Password for basic auth.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Basic password",
                new AuthRecommender());
        def.define(
                AUTH_BEARER_TOKEN,
                Type.PASSWORD,
                null,
                Importance.HIGH,
                "Token expected after 'Bearer '.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Bearer token",
                new AuthRecommender());
        def.define(
                AUTH_HMAC_SECRET,
                Type.PASSWORD,
                null,
                Importance.HIGH,
                "Shared secret of hmac-sha256.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "HMAC secret",
                new AuthRecommender());
        def.define(
                AUTH_HMAC_SIGNATURE_HEADER,
                Type.STRING,
                "X-Cxone-Signature",
                new ConfigDef.NonEmptyString(),
                Importance.LOW,
                "Header carrying the signature.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Signature header",
                new AuthRecommender());
        def.define(
                AUTH_HMAC_TIMESTAMP_HEADER,
                Type.STRING,
                "X-Cxone-Timestamp",
                new ConfigDef.NonEmptyString(),
                Importance.LOW,
                "Header carrying the signing time (epoch seconds).",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Timestamp header",
                new AuthRecommender());
        def.define(
                AUTH_HMAC_TOLERANCE_SECONDS,
                Type.INT,
                300,
                ConfigDef.Range.between(1, 86_400),
                Importance.LOW,
                "Largest accepted difference between the signing time and now (replay protection).",
                GROUP,
                ++order,
                Width.SHORT,
                "Timestamp tolerance (s)",
                new AuthRecommender());
        def.define(
                AUTH_HMAC_REPLAY_MAX_ENTRIES,
                Type.INT,
                100_000,
                ConfigDef.Range.between(1, 10_000_000),
                Importance.LOW,
                "Most accepted signatures remembered to refuse a replay within the timestamp tolerance (401 signature "
                        + "already used; about 150 bytes of heap each). A request answered other than 200 frees its "
                        + "signature, so a retry of the same signed request is accepted. When full, the oldest are forgotten.",
                GROUP,
                ++order,
                Width.SHORT,
                "Replay memory (signatures)",
                new AuthRecommender());
        def.define(
                AUTH_NONE_ALLOW_PUBLIC,
                Type.BOOLEAN,
                false,
                Importance.HIGH,
                "auth.mode=none is refused unless listener.bind.address is a loopback address, or this is true: anyone "
                        + "who can reach the port can then publish events.",
                GROUP,
                ++order,
                Width.SHORT,
                "Allow no auth on a public address");
    }

    /** Offers the modes, and shows only the auth settings of the chosen one. */
    static final class AuthRecommender implements ConfigDef.Recommender {
        private final ConfigDef.Recommender modes = ConfigEnums.recommender(AuthMode.class);

        @Override
        public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
            return name.equals(AUTH_MODE) ? modes.validValues(name, parsedConfig) : List.of();
        }

        @Override
        public boolean visible(String name, Map<String, Object> parsedConfig) {
            AuthMode mode = chosenMode(parsedConfig.get(AUTH_MODE));
            if (name.startsWith("auth.basic.")) {
                return mode == AuthMode.BASIC;
            }
            if (name.equals(AUTH_BEARER_TOKEN)) {
                return mode == AuthMode.BEARER;
            }
            if (name.startsWith("auth.hmac.")) {
                return mode == AuthMode.HMAC_SHA256;
            }
            return true;
        }

        /** The mode set, or null when it is not one (its own validator reports that). */
        private static AuthMode chosenMode(Object value) {
            try {
                return value == null ? AuthMode.NONE : ConfigEnums.parse(AuthMode.class, AUTH_MODE, value.toString());
            } catch (ConfigException e) {
                return null;
            }
        }
    }
}
