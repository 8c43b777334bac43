package io.cxone.kafka.source.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates webhook callers. Missing or malformed credentials answer 401, wrong ones 403. Secrets are compared
 * in constant time (over SHA-256 digests, so lengths do not leak either) and never appear in messages.
 *
 * <p>{@code hmac-sha256}: the caller sends the signing time (epoch seconds) in the timestamp header and
 * {@code hex(HMAC-SHA256(secret, timestamp + "." + body))}, optionally prefixed {@code sha256=}, in the signature
 * header. Times further than the tolerance from now are refused, so a captured request cannot be replayed later, and
 * a signature already accepted is refused while its time is within the tolerance (401 signature already used), so it
 * cannot be replayed sooner either.
 */
final class RequestAuthenticator {

    private final WebhookConfig.AuthMode mode;
    private final byte[] expectedBasicDigest;
    private final byte[] expectedBearerDigest;
    private final byte[] hmacKey;
    private final String signatureHeader;
    private final String timestampHeader;
    private final Duration tolerance;
    private final Clock clock;
    private final SeenSignatures seen;

    RequestAuthenticator(WebhookConfig config, Clock clock) {
        this.mode = config.authMode();
        this.clock = clock;
        this.signatureHeader = config.hmacSignatureHeader();
        this.timestampHeader = config.hmacTimestampHeader();
        this.tolerance = config.hmacTolerance();
        this.expectedBasicDigest = mode == WebhookConfig.AuthMode.BASIC
                ? sha256(config.basicUsername() + ":" + config.basicPassword().value())
                : null;
        this.expectedBearerDigest = mode == WebhookConfig.AuthMode.BEARER
                ? sha256(config.bearerToken().value())
                : null;
        this.hmacKey = mode == WebhookConfig.AuthMode.HMAC_SHA256
                ? config.hmacSecret().value().getBytes(StandardCharsets.UTF_8)
                : null;
        this.seen =
                mode == WebhookConfig.AuthMode.HMAC_SHA256 ? new SeenSignatures(config.hmacReplayMaxEntries()) : null;
    }

    WebhookConfig.AuthMode mode() {
        return mode;
    }

    /** Checks what can be checked from the headers alone, before the body is read. */
    void checkHeaders(Function<String, String> headers) {
        switch (mode) {
            case BASIC -> {
                String credentials = scheme(headers.apply("Authorization"), "Basic");
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(credentials.trim()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new RejectedRequest(401, "Authorization: malformed Basic credentials");
                }
                if (!MessageDigest.isEqual(expectedBasicDigest, sha256(decoded))) {
                    throw new RejectedRequest(403, "Authorization: wrong user name or password");
                }
            }
            case BEARER -> {
                String token = scheme(headers.apply("Authorization"), "Bearer");
                if (!MessageDigest.isEqual(expectedBearerDigest, sha256(token.trim()))) {
                    throw new RejectedRequest(403, "Authorization: wrong bearer token");
                }
            }
            case HMAC_SHA256 -> {
                signingTime(headers.apply(timestampHeader));
                if (headers.apply(signatureHeader) == null) {
                    throw new RejectedRequest(401, signatureHeader + ": missing");
                }
            }
            case NONE -> {}
        }
    }

    /**
     * Verifies the body signature and claims it (hmac-sha256 only): returns the signature, to be given to
     * {@link #releaseSignature} when the request is not accepted after all; null in the other modes.
     */
    String checkBody(Function<String, String> headers, byte[] body) {
        if (mode != WebhookConfig.AuthMode.HMAC_SHA256) {
            return null;
        }
        String timestamp = headers.apply(timestampHeader).trim();
        signingTime(timestamp);
        String given = headers.apply(signatureHeader).trim();
        if (given.regionMatches(true, 0, "sha256=", 0, 7)) {
            given = given.substring(7);
        }
        byte[] givenBytes;
        try {
            givenBytes = HexFormat.of().parseHex(given.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RejectedRequest(401, signatureHeader + ": not a hex HMAC-SHA256");
        }
        if (!MessageDigest.isEqual(sign(hmacKey, timestamp, body), givenBytes)) {
            throw new RejectedRequest(403, signatureHeader + ": signature does not match the body");
        }
        String signature = HexFormat.of().formatHex(givenBytes);
        // a signature is valid while now is within the tolerance of its time: remembered that long after it arrives
        if (!seen.claim(signature, clock.millis(), 2 * tolerance.toMillis())) {
            throw new RejectedRequest(
                    401,
                    signatureHeader + ": signature already used (a replay); sign each request "
                            + "with the current time");
        }
        return signature;
    }

    /** Frees a claimed signature: its request was not accepted, so the caller may send it again. */
    void releaseSignature(String signature) {
        seen.release(signature);
    }

    /** The hex signature a caller sends: for tests and client examples. */
    static String signature(String secret, String timestamp, byte[] body) {
        return HexFormat.of().formatHex(sign(secret.getBytes(StandardCharsets.UTF_8), timestamp, body));
    }

    private void signingTime(String value) {
        if (value == null || value.isBlank()) {
            throw new RejectedRequest(401, timestampHeader + ": missing");
        }
        long seconds;
        try {
            seconds = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new RejectedRequest(401, timestampHeader + ": not epoch seconds");
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - seconds);
        if (skew > tolerance.toSeconds()) {
            throw new RejectedRequest(403, timestampHeader + ": outside the " + tolerance.toSeconds() + " s tolerance");
        }
    }

    /**
     * Signatures accepted within the replay window, in the dedupe table's bounded structure (keyed by a seeded hash,
     * at most {@code auth.hmac.replay.max.entries}, oldest forgotten first). Only signatures that verified are
     * remembered, so a caller without the secret cannot fill it.
     */
    private static final class SeenSignatures {
        private final AcknowledgedIds signatures;

        SeenSignatures(int maxEntries) {
            this.signatures = new AcknowledgedIds(maxEntries);
        }

        synchronized boolean claim(String signature, long nowMillis, long keepMillis) {
            signatures.forgetAcknowledgedUpTo(nowMillis - keepMillis);
            if (signatures.find(signature) != null) {
                return false;
            }
            signatures.put(signature, "", 0, 0, nowMillis);
            return true;
        }

        synchronized void release(String signature) {
            signatures.forget(signature);
        }
    }

    private static String scheme(String authorization, String scheme) {
        if (authorization == null || authorization.isBlank()) {
            throw new RejectedRequest(401, "Authorization: missing " + scheme + " credentials");
        }
        if (authorization.length() <= scheme.length() + 1
                || !authorization.regionMatches(true, 0, scheme + " ", 0, scheme.length() + 1)) {
            throw new RejectedRequest(401, "Authorization: expected the " + scheme + " scheme");
        }
        return authorization.substring(scheme.length() + 1);
    }

    private static byte[] sign(byte[] key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
