package io.cxone.kafka.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real CXone OIDC discovery, password grant and tenant discovery (CXONE.md section B). */
class RealCxoneAuthTest {
    private static final String TENANT = "0a1b2c3d-0000-4000-8000-00000000beef";
    private static CxoneSimulator simulator;
    private static SimClient client;

    @BeforeAll
    static void start() {
        simulator = CxoneSimulator.start(SimulatorOptions.builder()
                .tenantId(TENANT)
                .area("eu1")
                .domain("niceincontact.com")
                .accessKey("AK-1", "AK-secret")
                .client("app", "app-secret")
                .build());
        client = new SimClient(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void openidConfigurationPointsAtThisServer() {
        HttpResponse<String> response = client.get("/.well-known/openid-configuration", null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode config = SimClient.json(response);
        assertThat(config.get("issuer").asText()).isEqualTo(simulator.baseUrl());
        assertThat(config.get("token_endpoint").asText()).isEqualTo(simulator.baseUrl() + "/auth/token");
    }

    @Test
    void passwordGrantWithBasicClientAuthReturnsAJwtCarryingTheTenant() throws IOException {
        HttpResponse<String> response = client.postForm(
                "/auth/token",
                Map.of("grant_type", "password", "username", "AK-1", "password", "AK-secret"),
                "app:app-secret");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode token = SimClient.json(response);
        assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asLong()).isEqualTo(3600);
        assertThat(token.get("refresh_token").asText()).isNotBlank();
        assertThat(token.get("id_token").asText().split("\\.")).hasSize(3);
        String[] jwt = token.get("access_token").asText().split("\\.");
        assertThat(jwt).hasSize(3);
        JsonNode claims = SimClient.JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
        assertThat(claims.get("tenantId").asText()).isEqualTo(TENANT);
        assertThat(claims.get("iss").asText()).isEqualTo(simulator.baseUrl());
        assertThat(response.body()).doesNotContain("AK-secret").doesNotContain("app-secret");
    }

    @Test
    void passwordGrantAcceptsClientCredentialsInTheBody() {
        HttpResponse<String> response = client.postForm(
                "/auth/token",
                Map.of(
                        "grant_type",
                        "password",
                        "username",
                        "AK-1",
                        "password",
                        "AK-secret",
                        "client_id",
                        "app",
                        "client_secret",
                        "app-secret"),
                null);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void wrongAccessKeyOrClientIs401WithAJsonError() {
        HttpResponse<String> wrongKey = client.postForm(
                "/auth/token",
                Map.of("grant_type", "password", "username", "AK-1", "password", "nope"),
                "app:app-secret");
        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(SimClient.json(wrongKey).get("error").asText()).isEqualTo("invalid_grant");

        HttpResponse<String> wrongClient = client.postForm(
                "/auth/token",
                Map.of("grant_type", "password", "username", "AK-1", "password", "AK-secret"),
                "app:nope");
        assertThat(wrongClient.statusCode()).isEqualTo(401);
        assertThat(SimClient.json(wrongClient).get("error").asText()).isEqualTo("invalid_client");
        assertThat(wrongClient.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));

        HttpResponse<String> noClient = client.postForm(
                "/auth/token", Map.of("grant_type", "password", "username", "AK-1", "password", "AK-secret"), null);
        assertThat(noClient.statusCode()).isEqualTo(401);
    }

    @Test
    void missingUsernameOrUnknownGrantIs400NamingTheField() {
        HttpResponse<String> noUser =
                client.postForm("/auth/token", Map.of("grant_type", "password", "password", "x"), "app:app-secret");
        assertThat(noUser.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(noUser).get("field").asText()).isEqualTo("username");

        HttpResponse<String> unknownGrant =
                client.postForm("/auth/token", Map.of("grant_type", "implicit"), "app:app-secret");
        assertThat(unknownGrant.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(unknownGrant).get("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void refreshTokenGivesNewTokensOnce() {
        JsonNode first = SimClient.json(client.postForm(
                "/auth/token",
                Map.of("grant_type", "password", "username", "AK-1", "password", "AK-secret"),
                "app:app-secret"));
        String refreshToken = first.get("refresh_token").asText();

        HttpResponse<String> refreshed = client.postForm(
                "/auth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), "app:app-secret");
        assertThat(refreshed.statusCode()).isEqualTo(200);
        String newAccessToken = SimClient.json(refreshed).get("access_token").asText();
        assertThat(newAccessToken).isNotEqualTo(first.get("access_token").asText());
        assertThat(client.jobStatus(newAccessToken, "unknown-job").statusCode()).isEqualTo(404);

        HttpResponse<String> reused = client.postForm(
                "/auth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), "app:app-secret");
        assertThat(reused.statusCode()).isEqualTo(401);
    }

    @Test
    void cxoneConfigurationGivesTheTenantsApiEndpoint() {
        HttpResponse<String> response = client.get("/.well-known/cxone-configuration?tenantId=" + TENANT, null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode config = SimClient.json(response);
        assertThat(config.get("api_endpoint").asText()).isEqualTo(simulator.baseUrl());
        assertThat(config.get("area").asText()).isEqualTo("eu1");
        assertThat(config.get("domain").asText()).isEqualTo("niceincontact.com");
    }

    @Test
    void cxoneConfigurationWithoutOrWithAnUnknownTenantFails() {
        HttpResponse<String> missing = client.get("/.well-known/cxone-configuration", null);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(missing).get("field").asText()).isEqualTo("tenantId");

        assertThat(client.get("/.well-known/cxone-configuration?tenantId=someone-else", null)
                        .statusCode())
                .isEqualTo(404);
    }
}
