package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.common.ConnectionUrls;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real CXone's sign-in, shared by the Data Extraction and Reporting readers: OIDC discovery and the password grant
 * with access keys, then tenant discovery from the token's {@code tenantId} claim, which names the API endpoint every
 * later call goes to. The token is cached and renewed by {@link TokenCache}; a 401 drops it ({@link CxoneHttp}).
 */
public final class CxoneTenant {

    private static final Logger log = LoggerFactory.getLogger(CxoneTenant.class);

    private final ExportSourceConfig config;
    private final CxoneHttp http;
    private final TokenCache tokens;
    private volatile String apiEndpoint;

    public CxoneTenant(ExportSourceConfig config, CxoneHttp http, Clock clock) {
        this.config = config;
        this.http = http;
        this.tokens = new TokenCache(this::passwordGrantToken, clock);
    }

    public TokenCache tokens() {
        return tokens;
    }

    /** The tenant's API endpoint without a trailing slash; signs in first when no token was fetched yet. */
    public String api() {
        tokens.get(); // discovers the endpoint with the first token
        return apiEndpoint;
    }

    private TokenCache.Token passwordGrantToken() {
        JsonNode discovery = http.json(
                "OIDC discovery",
                CxoneHttp.request(config.issuerUrl() + "/.well-known/openid-configuration")
                        .GET(),
                null);
        String tokenEndpoint = discovery.path("token_endpoint").asText("");
        if (tokenEndpoint.isBlank()) {
            throw new CxoneApiException(0, "OIDC discovery at " + config.issuerUrl() + " gave no token_endpoint");
        }
        config.requireSafeForSecrets(tokenEndpoint, "OIDC discovery at " + config.issuerUrl());
        HttpRequest.Builder request = CxoneHttp.postForm(
                tokenEndpoint,
                Map.of(
                        "grant_type",
                        "password",
                        "username",
                        config.accessKeyId(),
                        "password",
                        config.accessKeySecret().value()));
        if (!config.clientId().isBlank()) {
            String clientCredentials =
                    config.clientId() + ":" + config.clientSecret().value();
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(clientCredentials.getBytes(StandardCharsets.UTF_8)));
        }
        JsonNode body = http.json("token request (password grant)", request, null);
        TokenCache.Token token = RecordsChunkReader.tokenFrom(body, "password-grant token response");
        if (apiEndpoint == null) {
            apiEndpoint = discoverApiEndpoint(tenantId(token.value()));
        }
        return token;
    }

    static String tenantId(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            throw new CxoneApiException(0, "access token is not a JWT; cannot read its tenantId claim");
        }
        try {
            JsonNode claims = CxoneHttp.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String tenant = claims.path("tenantId").asText("");
            if (tenant.isBlank()) {
                throw new CxoneApiException(0, "access token has no tenantId claim");
            }
            return tenant;
        } catch (IOException | IllegalArgumentException e) {
            throw new CxoneApiException(0, "access token claims unreadable: " + e.getMessage(), e);
        }
    }

    private String discoverApiEndpoint(String tenantId) {
        String url = CxoneHttp.withQuery(
                config.issuerUrl() + "/.well-known/cxone-configuration", Map.of("tenantId", tenantId));
        JsonNode body = http.json("tenant discovery", CxoneHttp.request(url).GET(), null);
        String endpoint = body.path("api_endpoint").asText("");
        if (endpoint.isBlank()) {
            throw new CxoneApiException(0, "tenant discovery gave no api_endpoint for tenant " + tenantId);
        }
        log.info("CXone tenant {} uses API endpoint {}", tenantId, ConnectionUrls.redact(endpoint));
        return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }
}
