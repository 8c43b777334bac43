package io.cxone.kafka.simulator.auth;

import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.http.ApiException;
import io.cxone.kafka.simulator.http.Exchange;
import io.cxone.kafka.simulator.http.Json;
import io.cxone.kafka.simulator.http.SimResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint of both flavours and the bearer check of every API call.
 * <ul>
 *   <li>{@code client_credentials} (seed): opaque access token;</li>
 *   <li>{@code password} (real CXone): username/password are the access key id/secret, the client authenticates
 *       with HTTP Basic or body fields; the access token is a JWT (HS256 with a simulator key) whose payload carries
 *       {@code tenantId}, plus a refresh token and an id token;</li>
 *   <li>{@code refresh_token}: a new pair for a refresh token issued by this run.</li>
 * </ul>
 */
public final class TokenService {
    private static final Logger log = LoggerFactory.getLogger(TokenService.class);
    private static final byte[] SIGNING_KEY =
            "cxone-simulator-signing-key-not-a-secret".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SimulatorOptions options;
    private final Supplier<String> issuer;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> accessTokenExpiry = new ConcurrentHashMap<>();
    private final Map<String, Boolean> refreshTokens = new ConcurrentHashMap<>();

    public TokenService(SimulatorOptions options, Supplier<String> issuer) {
        this.options = options;
        this.issuer = issuer;
        this.clock = options.clock();
    }

    public SimResponse token(Exchange exchange) {
        Map<String, String> form = exchange.formFields();
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isBlank()) {
            throw ApiException.badField(
                    "grant_type",
                    "form field 'grant_type' is required (client_credentials, password or refresh_token)");
        }
        String clientId = authenticateClient(exchange, form, grantType);
        return switch (grantType) {
            case "client_credentials" -> clientCredentials(clientId);
            case "password" -> password(clientId, form);
            case "refresh_token" -> refresh(clientId, form);
            default ->
                throw new ApiException(
                        400,
                        "unsupported_grant_type",
                        "grant_type '" + grantType
                                + "' is not supported; use client_credentials, password or refresh_token",
                        "grant_type");
        };
    }

    /** Checks {@code Authorization: Bearer <token>}; a missing, unknown or expired token is a 401. */
    public void authenticate(Exchange exchange) {
        String authorization = exchange.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("missing Authorization: Bearer <access_token> header");
        }
        String token = authorization.substring(7).trim();
        Instant expiresAt = accessTokenExpiry.get(token);
        if (expiresAt == null) {
            throw unauthorized("access token is not known to this server");
        }
        if (!clock.instant().isBefore(expiresAt)) {
            throw unauthorized("access token expired at " + expiresAt);
        }
    }

    /** The 401 every bearer-protected endpoint answers, also used by the {@code unauthorized} fault. */
    public static ApiException unauthorized(String description) {
        return new ApiException(401, "invalid_token", description)
                .withHeader("WWW-Authenticate", "Bearer realm=\"cxone-simulator\", error=\"invalid_token\"");
    }

    /** Makes every token issued so far expired (the {@code expire-tokens} fault). */
    public int expireAll() {
        Instant now = clock.instant();
        accessTokenExpiry.replaceAll((token, expiry) -> expiry.isAfter(now) ? now : expiry);
        log.info("All {} issued access tokens expired by fault", accessTokenExpiry.size());
        return accessTokenExpiry.size();
    }

    private String authenticateClient(Exchange exchange, Map<String, String> form, String grantType) {
        String clientId = form.get("client_id");
        String clientSecret = form.get("client_secret");
        boolean basic = false;
        String authorization = exchange.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(
                        Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ApiException(
                        401, "invalid_client", "Authorization: Basic value is not valid base64", "Authorization");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new ApiException(
                        401,
                        "invalid_client",
                        "Authorization: Basic value must be base64(client_id:client_secret)",
                        "Authorization");
            }
            clientId = decoded.substring(0, colon);
            clientSecret = decoded.substring(colon + 1);
            basic = true;
        }
        if (clientId == null || clientSecret == null) {
            throw new ApiException(
                    401,
                    "invalid_client",
                    "client authentication required: send client_id and client_secret "
                            + "as form fields or as HTTP Basic credentials",
                    "client_id");
        }
        if (!constantTimeEquals(clientId, options.clientId())
                || !constantTimeEquals(clientSecret, options.clientSecret())) {
            log.warn(
                    "Token request rejected: grant={} client_id={} reason=unknown client or wrong client secret",
                    grantType,
                    clientId);
            ApiException error =
                    new ApiException(401, "invalid_client", "unknown client_id or wrong client_secret", "client_id");
            return throwWithChallenge(error, basic);
        }
        return clientId;
    }

    private static String throwWithChallenge(ApiException error, boolean basic) {
        if (basic) {
            error.withHeader("WWW-Authenticate", "Basic realm=\"cxone-simulator\"");
        }
        throw error;
    }

    private SimResponse clientCredentials(String clientId) {
        String accessToken = "sim-" + randomHex(24);
        Instant expiresAt = remember(accessToken);
        log.info("Token issued: grant=client_credentials client_id={} expires_at={}", clientId, expiresAt);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        body.put("token_type", "Bearer");
        body.put("expires_in", options.tokenLifetime().toSeconds());
        body.put("scope", "data-actions:read data-actions:export");
        return SimResponse.json(200, body);
    }

    private SimResponse password(String clientId, Map<String, String> form) {
        String username = form.get("username");
        String password = form.get("password");
        if (username == null || username.isBlank()) {
            throw ApiException.badField(
                    "username", "form field 'username' (the access key id) is required for grant_type=password");
        }
        if (password == null || password.isBlank()) {
            throw ApiException.badField(
                    "password", "form field 'password' (the access key secret) is required for grant_type=password");
        }
        if (!constantTimeEquals(username, options.accessKeyId())
                || !constantTimeEquals(password, options.accessKeySecret())) {
            log.warn(
                    "Token request rejected: grant=password client_id={} access_key_id={} reason=wrong access key",
                    clientId,
                    username);
            throw new ApiException(
                    401, "invalid_grant", "unknown access key id or wrong access key secret", "username");
        }
        log.info(
                "Token issued: grant=password client_id={} access_key_id={} tenant={}",
                clientId,
                username,
                options.tenantId());
        return userTokens(clientId);
    }

    private SimResponse refresh(String clientId, Map<String, String> form) {
        String refreshToken = form.get("refresh_token");
        if (refreshToken == null || refreshToken.isBlank()) {
            throw ApiException.badField(
                    "refresh_token", "form field 'refresh_token' is required for grant_type=refresh_token");
        }
        if (refreshTokens.remove(refreshToken) == null) {
            throw new ApiException(
                    401, "invalid_grant", "refresh_token is unknown or was already used", "refresh_token");
        }
        log.info("Token issued: grant=refresh_token client_id={} tenant={}", clientId, options.tenantId());
        return userTokens(clientId);
    }

    private SimResponse userTokens(String clientId) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(options.tokenLifetime());
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer.get());
        claims.put("sub", "user:" + options.accessKeyId());
        claims.put("aud", clientId);
        claims.put("tenantId", options.tenantId());
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", expiresAt.getEpochSecond());
        claims.put("jti", randomHex(16));
        String accessToken = jwt(claims);
        remember(accessToken);

        Map<String, Object> idClaims = new LinkedHashMap<>(claims);
        idClaims.put("name", "CXone Simulator User");
        idClaims.put("jti", randomHex(16));
        String refreshToken = "sim-refresh-" + randomHex(24);
        refreshTokens.put(refreshToken, Boolean.TRUE);

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        body.put("token_type", "Bearer");
        body.put("expires_in", options.tokenLifetime().toSeconds());
        body.put("refresh_token", refreshToken);
        body.put("id_token", jwt(idClaims));
        body.put("issued_token_type", "urn:ietf:params:oauth:token-type:access_token");
        return SimResponse.json(200, body);
    }

    private Instant remember(String accessToken) {
        Instant expiresAt = clock.instant().plus(options.tokenLifetime());
        accessTokenExpiry.put(accessToken, expiresAt);
        return expiresAt;
    }

    private static String jwt(Map<String, Object> claims) {
        String header = BASE64URL.encodeToString(Json.bytes(Map.of("alg", "HS256", "typ", "JWT")));
        String payload = BASE64URL.encodeToString(Json.bytes(claims));
        String signingInput = header + "." + payload;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SIGNING_KEY, "HmacSHA256"));
            return signingInput + "."
                    + BASE64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private String randomHex(int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return HexFormat.of().formatHex(buffer);
    }

    private static boolean constantTimeEquals(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
