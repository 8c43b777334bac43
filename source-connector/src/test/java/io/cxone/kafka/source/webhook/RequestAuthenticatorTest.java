package io.cxone.kafka.source.webhook;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestAuthenticatorTest {

    private static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static RequestAuthenticator authenticator(Map<String, String> settings) {
        Map<String, String> props = new HashMap<>(settings);
        props.put(WebhookConfig.TOPIC, "t");
        return new RequestAuthenticator(new WebhookConfig(props), CLOCK);
    }

    private static void assertStatus(Runnable check, int status, String reasonPart) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(RejectedRequest.class, e -> {
            org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(status);
            org.assertj.core.api.Assertions.assertThat(e.reason()).contains(reasonPart);
        });
    }

    @Test
    void noneAcceptsEveryone() {
        RequestAuthenticator auth = authenticator(Map.of());
        assertThatCode(() -> auth.checkHeaders(h -> null)).doesNotThrowAnyException();
    }

    @Test
    void basicChecksUserAndPasswordAndNeverEchoesThem() {
        RequestAuthenticator auth = authenticator(Map.of(WebhookConfig.AUTH_MODE, "basic",
                WebhookConfig.AUTH_BASIC_USERNAME, "u", WebhookConfig.AUTH_BASIC_PASSWORD, "secret-pw"));
        String good = "Basic " + Base64.getEncoder().encodeToString("u:secret-pw".getBytes(StandardCharsets.UTF_8));
        String bad = "Basic " + Base64.getEncoder().encodeToString("u:other".getBytes(StandardCharsets.UTF_8));
        assertThatCode(() -> auth.checkHeaders(h -> h.equals("Authorization") ? good : null)).doesNotThrowAnyException();
        assertStatus(() -> auth.checkHeaders(h -> null), 401, "missing Basic");
        assertStatus(() -> auth.checkHeaders(h -> "Basic !!!"), 401, "malformed");
        assertStatus(() -> auth.checkHeaders(h -> bad), 403, "wrong user name or password");
        assertThatThrownBy(() -> auth.checkHeaders(h -> bad)).message().doesNotContain("secret-pw").doesNotContain("other");
    }

    @Test
    void bearerChecksTheToken() {
        RequestAuthenticator auth = authenticator(Map.of(WebhookConfig.AUTH_MODE, "bearer", WebhookConfig.AUTH_BEARER_TOKEN, "tok-123"));
        assertThatCode(() -> auth.checkHeaders(h -> "Bearer tok-123")).doesNotThrowAnyException();
        assertThatCode(() -> auth.checkHeaders(h -> "bearer tok-123")).doesNotThrowAnyException();
        assertStatus(() -> auth.checkHeaders(h -> "Basic tok-123"), 401, "Bearer scheme");
        assertStatus(() -> auth.checkHeaders(h -> "Bearer tok-124"), 403, "wrong bearer token");
    }

    @Test
    void hmacSignsTimestampAndBodyWithinTheTolerance() {
        String secret = "0123456789abcdef-secret";
        RequestAuthenticator auth = authenticator(Map.of(WebhookConfig.AUTH_MODE, "hmac-sha256",
                WebhookConfig.AUTH_HMAC_SECRET, secret, WebhookConfig.AUTH_HMAC_TOLERANCE_SECONDS, "300"));
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(NOW.getEpochSecond() - 100);
        Map<String, String> headers = new HashMap<>(Map.of("X-Cxone-Timestamp", ts,
                "X-Cxone-Signature", "sha256=" + RequestAuthenticator.signature(secret, ts, body)));
        assertThatCode(() -> {
            auth.checkHeaders(headers::get);
            auth.checkBody(headers::get, body);
        }).doesNotThrowAnyException();

        assertStatus(() -> auth.checkBody(headers::get, "{\"a\":2}".getBytes(StandardCharsets.UTF_8)), 403, "does not match");
        Map<String, String> stale = new HashMap<>(headers);
        stale.put("X-Cxone-Timestamp", Long.toString(NOW.getEpochSecond() - 301));
        assertStatus(() -> auth.checkHeaders(stale::get), 403, "tolerance");
        Map<String, String> notHex = new HashMap<>(headers);
        notHex.put("X-Cxone-Signature", "zz");
        assertStatus(() -> auth.checkBody(notHex::get, body), 401, "not a hex");
        assertStatus(() -> auth.checkHeaders(h -> null), 401, "X-Cxone-Timestamp: missing");
    }
}
