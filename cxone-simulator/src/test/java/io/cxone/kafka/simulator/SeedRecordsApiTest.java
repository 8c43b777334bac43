package io.cxone.kafka.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The seed "records" API (CXONE.md section A) as a client sees it on the wire. */
class SeedRecordsApiTest {
    private static final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    private static CxoneSimulator simulator;
    private static SimClient client;

    @BeforeAll
    static void start() {
        simulator = CxoneSimulator.start(SimulatorOptions.builder()
                .rowCount(25)
                .clock(clock)
                .tokenLifetime(Duration.ofSeconds(60))
                .build());
        client = new SimClient(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void clientCredentialsGrantReturnsABearerTokenWithItsLifetime() {
        HttpResponse<String> response = client.postForm(
                "/api/v2/oauth/token",
                Map.of(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        "sim-client",
                        "client_secret",
                        "sim-client-secret"),
                null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode token = SimClient.json(response);
        assertThat(token.get("access_token").asText()).isNotBlank();
        assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asLong()).isEqualTo(60);
    }

    @Test
    void wrongClientSecretIs401JsonThatDoesNotEchoTheSecret() {
        HttpResponse<String> response = client.postForm(
                "/api/v2/oauth/token",
                Map.of(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        "sim-client",
                        "client_secret",
                        "guessed-secret-123"),
                null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(SimClient.json(response).get("error").asText()).isEqualTo("invalid_client");
        assertThat(response.body()).doesNotContain("guessed-secret-123");
    }

    @Test
    void tokenRequestWithoutGrantTypeOrAsJsonIs400NamingTheField() {
        HttpResponse<String> noGrant = client.postForm("/api/v2/oauth/token", Map.of("client_id", "sim-client"), null);
        assertThat(noGrant.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(noGrant).get("field").asText()).isEqualTo("grant_type");

        HttpResponse<String> json =
                client.postJson("/api/v2/oauth/token", null, "{\"grant_type\":\"client_credentials\"}");
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(json).get("error_description").asText())
                .contains("application/x-www-form-urlencoded");
    }

    @Test
    void exportEndpointsNeedABearerToken() {
        HttpResponse<String> response = client.postJson("/api/v2/data-actions/exports", null, "{\"report_id\":\"r\"}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(client.postJson("/api/v2/data-actions/exports", "made-up-token", "{\"report_id\":\"r\"}")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void expiredTokenIs401AndAFreshTokenWorks() {
        String token = client.seedToken();
        String exportId = client.createExport(token, "expiry-report");
        clock.advance(Duration.ofSeconds(61));

        HttpResponse<String> expired = client.records(token, exportId, 5, 0);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(SimClient.json(expired).get("error_description").asText()).contains("expired");
        assertThat(client.records(client.seedToken(), exportId, 5, 0).statusCode())
                .isEqualTo(200);
    }

    @Test
    void createExportReturnsAnIdAndRejectsBadBodiesByField() {
        String token = client.seedToken();
        HttpResponse<String> created =
                client.postJson("/api/v2/data-actions/exports", token, "{\"report_id\":\"daily\",\"format\":\"json\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(SimClient.json(created).get("id").asText()).isNotBlank();

        assertField(client.postJson("/api/v2/data-actions/exports", token, "{\"format\":\"json\"}"), "report_id");
        assertField(
                client.postJson("/api/v2/data-actions/exports", token, "{\"report_id\":\"daily\",\"format\":\"csv\"}"),
                "format");
        assertField(client.postJson("/api/v2/data-actions/exports", token, "{\"report_id\":"), "body");
    }

    @Test
    void pagesCoverEveryRowOnceThenAnEmptyArrayEndsTheExport() {
        String token = client.seedToken();
        String exportId = client.createExport(token, "paging-report");
        List<JsonNode> rows = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        for (int offset = 0; ; offset += 10) {
            HttpResponse<String> page = client.records(token, exportId, 10, offset);
            assertThat(page.statusCode()).isEqualTo(200);
            JsonNode array = SimClient.json(page);
            assertThat(array.isArray()).isTrue();
            pageSizes.add(array.size());
            if (array.isEmpty()) {
                break;
            }
            array.forEach(rows::add);
        }
        assertThat(pageSizes).containsExactly(10, 10, 5, 0);
        assertThat(new HashSet<>(rows.stream().map(r -> r.get("id").asText()).toList()))
                .hasSize(25);
        assertThat(rows.get(0).fieldNames())
                .toIterable()
                .containsExactly("id", "event_time", "agent_id", "duration_ms", "score", "resolved");
        assertThat(rows.get(0).get("duration_ms").isIntegralNumber()).isTrue();
        assertThat(rows.get(0).get("score").isDouble()).isTrue();
        assertThat(rows.get(0).get("resolved").isBoolean()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=10001", "limit=ten", "offset=0", "limit=5&offset=-1"})
    void limitOutside1To10000OrBadOffsetIs400NamingTheParameter(String query) {
        String token = client.seedToken();
        String exportId = client.createExport(token, "limits-report");
        HttpResponse<String> response =
                client.get("/api/v2/data-actions/exports/" + exportId + "/records?" + query, token);

        assertThat(response.statusCode()).isEqualTo(400);
        String field = query.contains("offset=-1") ? "offset" : "limit";
        assertThat(SimClient.json(response).get("field").asText()).isEqualTo(field);
        assertThat(SimClient.json(response).get("error_description").asText()).contains("'" + field + "'");
    }

    @Test
    void limit10000IsAccepted() {
        String token = client.seedToken();
        String exportId = client.createExport(token, "limits-report");
        assertThat(SimClient.json(client.records(token, exportId, 10_000, 0))).hasSize(25);
    }

    @Test
    void unknownExportIs404() {
        assertThat(client.records(client.seedToken(), "no-such-export", 5, 0).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aReCreatedExportOfTheSameReportServesTheSameBytesAndAnotherReportDoesNot() {
        String token = client.seedToken();
        String first = client.records(token, client.createExport(token, "same-report"), 10, 5)
                .body();
        String again = client.records(token, client.createExport(token, "same-report"), 10, 5)
                .body();
        String other = client.records(token, client.createExport(token, "other-report"), 10, 5)
                .body();

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void anotherRunWithTheSameSeedServesIdenticalBytesAndAnotherSeedDoesNot() {
        String token = client.seedToken();
        String here = client.records(token, client.createExport(token, "runs-report"), 25, 0)
                .body();

        for (long seed : new long[] {42, 43}) {
            try (CxoneSimulator other = CxoneSimulator.start(
                    SimulatorOptions.builder().rowCount(25).seed(seed).build())) {
                SimClient otherClient = new SimClient(other);
                String otherToken = otherClient.seedToken();
                String there = otherClient
                        .records(otherToken, otherClient.createExport(otherToken, "runs-report"), 25, 0)
                        .body();
                if (seed == 42) {
                    assertThat(there).isEqualTo(here);
                } else {
                    assertThat(there).isNotEqualTo(here);
                }
            }
        }
    }

    @Test
    void expectedReportRowsAreExactlyWhatThePagesServe() throws JsonProcessingException {
        String token = client.seedToken();
        String exportId = client.createExport(token, "expected-report");
        String served = client.records(token, exportId, 10_000, 0).body();

        assertThat(served)
                .isEqualTo(SimClient.JSON.writeValueAsString(simulator.expectedReportRows("expected-report")));
    }

    private static void assertField(HttpResponse<String> response, String field) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).get("field").asText()).isEqualTo(field);
    }
}
