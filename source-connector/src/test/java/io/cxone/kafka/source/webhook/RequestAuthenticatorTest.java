package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

@SuppressWarnings("unchecked")
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
        RequestAuthenticator auth = authenticator(Map.of(
                WebhookConfig.AUTH_MODE,
                "basic",
                WebhookConfig.AUTH_BASIC_USERNAME,
                "u",
                WebhookConfig.AUTH_BASIC_PASSWORD,
                "secret-pw"));
        String good = "Basic " + Base64.getEncoder().encodeToString("u:secret-pw".getBytes(StandardCharsets.UTF_8));
        String bad = "Basic " + Base64.getEncoder().encodeToString("u:other".getBytes(StandardCharsets.UTF_8));
        assertThatCode(() -> auth.checkHeaders(h -> h.equals("Authorization") ? good : null))
                .doesNotThrowAnyException();
        assertStatus(() -> auth.checkHeaders(h -> null), 401, "missing Basic");
        assertStatus(() -> auth.checkHeaders(h -> "Basic !!!"), 401, "malformed");
        assertStatus(() -> auth.checkHeaders(h -> bad), 403, "wrong user name or password");
        assertThatThrownBy(() -> auth.checkHeaders(h -> bad))
                .message()
                .doesNotContain("secret-pw")
                .doesNotContain("other");
    }

    @Test
    void bearerChecksTheToken() {
        RequestAuthenticator auth =
                authenticator(Map.of(WebhookConfig.AUTH_MODE, "bearer", WebhookConfig.AUTH_BEARER_TOKEN, "tok-123"));
        assertThatCode(() -> auth.checkHeaders(h -> "Bearer tok-123")).doesNotThrowAnyException();
        assertThatCode(() -> auth.checkHeaders(h -> "bearer tok-123")).doesNotThrowAnyException();
        assertStatus(() -> auth.checkHeaders(h -> "Basic tok-123"), 401, "Bearer scheme");
        assertStatus(() -> auth.checkHeaders(h -> "Bearer tok-124"), 403, "wrong bearer token");
    }

    @Test
    void hmacSignsTimestampAndBodyWithinTheTolerance() {
        String secret = "0123456789abcdef-secret";
        RequestAuthenticator auth = authenticator(Map.of(
                WebhookConfig.AUTH_MODE,
                "hmac-sha256",
                WebhookConfig.AUTH_HMAC_SECRET,
                secret,
                WebhookConfig.AUTH_HMAC_TOLERANCE_SECONDS,
                "300"));
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(NOW.getEpochSecond() - 100);
        Map<String, String> headers = new HashMap<>(Map.of(
                "X-Cxone-Timestamp",
                ts,
                "X-Cxone-Signature",
                "sha256=" + RequestAuthenticator.signature(secret, ts, body)));
        assertThatCode(() -> {
                    auth.checkHeaders(headers::get);
                    auth.checkBody(headers::get, body);
                })
                .doesNotThrowAnyException();

        assertStatus(
                () -> auth.checkBody(headers::get, "{\"a\":2}".getBytes(StandardCharsets.UTF_8)),
                403,
                "does not match");
        Map<String, String> stale = new HashMap<>(headers);
        stale.put("X-Cxone-Timestamp", Long.toString(NOW.getEpochSecond() - 301));
        assertStatus(() -> auth.checkHeaders(stale::get), 403, "tolerance");
        Map<String, String> notHex = new HashMap<>(headers);
        notHex.put("X-Cxone-Signature", "zz");
        assertStatus(() -> auth.checkBody(notHex::get, body), 401, "not a hex");
        assertStatus(() -> auth.checkHeaders(h -> null), 401, "X-Cxone-Timestamp: missing");
    }

    /**
     * A signed request captured and sent again within the tolerance is refused; a request that was not accepted frees
     * its signature (the caller's retry of it passes); memory is bounded (the oldest signature is forgotten).
     */
    @Test
    void hmacRefusesAReplayedSignatureWithinTheTolerance() {
        String secret = "0123456789abcdef-secret";
        RequestAuthenticator auth = authenticator(Map.of(
                WebhookConfig.AUTH_MODE,
                "hmac-sha256",
                WebhookConfig.AUTH_HMAC_SECRET,
                secret,
                WebhookConfig.AUTH_HMAC_REPLAY_MAX_ENTRIES,
                "2"));
        String ts = Long.toString(NOW.getEpochSecond() - 10);
        Map<String, String>[] requests = new Map[3];
        byte[][] bodies = new byte[3][];
        for (int i = 0; i < 3; i++) {
            bodies[i] = ("{\"a\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            requests[i] = Map.of(
                    "X-Cxone-Timestamp",
                    ts,
                    "X-Cxone-Signature",
                    RequestAuthenticator.signature(secret, ts, bodies[i]));
        }
        String claimed = auth.checkBody(requests[0]::get, bodies[0]);
        org.assertj.core.api.Assertions.assertThat(claimed).isEqualTo(requests[0].get("X-Cxone-Signature"));
        assertStatus(() -> auth.checkBody(requests[0]::get, bodies[0]), 401, "signature already used");
        Map<String, String> prefixed = new HashMap<>(requests[0]);
        prefixed.put(
                "X-Cxone-Signature",
                "sha256=" + requests[0].get("X-Cxone-Signature").toUpperCase());
        assertStatus(() -> auth.checkBody(prefixed::get, bodies[0]), 401, "signature already used");

        auth.releaseSignature(claimed); // its request was answered 429, say
        assertThatCode(() -> auth.checkBody(requests[0]::get, bodies[0])).doesNotThrowAnyException();

        auth.checkBody(requests[1]::get, bodies[1]);
        auth.checkBody(requests[2]::get, bodies[2]); // the third of two: the oldest is forgotten
        assertThatCode(() -> auth.checkBody(requests[0]::get, bodies[0])).doesNotThrowAnyException();
        assertStatus(() -> auth.checkBody(requests[2]::get, bodies[2]), 401, "signature already used");
    }
}
