package io.cxone.kafka.simulator.auth;

import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.http.ApiException;
import io.cxone.kafka.simulator.http.Exchange;
import io.cxone.kafka.simulator.http.SimResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Real CXone discovery: the OIDC issuer metadata (where the token endpoint is) and the tenant configuration (where
 * the tenant's API lives). Both point back at this server, so a client that follows discovery stays on loopback.
 */
public final class DiscoveryApi {
    private final SimulatorOptions options;
    private final Supplier<String> baseUrl;

    public DiscoveryApi(SimulatorOptions options, Supplier<String> baseUrl) {
        this.options = options;
        this.baseUrl = baseUrl;
    }

    public SimResponse openidConfiguration(Exchange exchange) {
        String issuer = baseUrl.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("issuer", issuer);
        body.put("token_endpoint", issuer + "/auth/token");
        body.put("authorization_endpoint", issuer + "/auth/authorize");
        body.put("jwks_uri", issuer + "/.well-known/jwks");
        body.put("response_types_supported", List.of("code", "token", "id_token"));
        body.put("grant_types_supported", List.of("password", "refresh_token", "client_credentials"));
        body.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        body.put("id_token_signing_alg_values_supported", List.of("HS256"));
        body.put("subject_types_supported", List.of("public"));
        return SimResponse.json(200, body);
    }

    public SimResponse cxoneConfiguration(Exchange exchange) {
        String tenantId = exchange.query("tenantId");
        if (tenantId == null || tenantId.isBlank()) {
            throw ApiException.badField(
                    "tenantId", "query parameter 'tenantId' is required (the tenantId claim of the access token)");
        }
        if (!tenantId.equals(options.tenantId())) {
            throw new ApiException(
                    404, "tenant_not_found", "tenant '" + tenantId + "' is not known to this server", "tenantId");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", tenantId);
        body.put("api_endpoint", baseUrl.get());
        body.put("ui_endpoint", baseUrl.get());
        body.put("auth_endpoint", baseUrl.get());
        body.put("area", options.area());
        body.put("domain", options.domain());
        return SimResponse.json(200, body);
    }
}
