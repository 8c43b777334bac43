package io.cxone.kafka.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.data.SchemaDrift;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.http.Endpoint;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every fault, armed through the admin endpoint, as a client sees it on the wire; plus the admin API itself. */
class FaultInjectionTest {
    private static final String ENTITY = "recording-interaction-metadata";
    private static CxoneSimulator simulator;
    private static SimClient client;
    private static String seedToken;
    private static String userToken;

    @BeforeAll
    static void start() {
        simulator = CxoneSimulator.start(SimulatorOptions.builder()
                .rowCount(20)
                .throttleInterval(Duration.ZERO)
                .jobRunningTime(Duration.ZERO)
                .build());
        client = new SimClient(simulator);
        seedToken = client.seedToken();
        userToken = client.passwordToken();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void resetFaultsAndCounters() {
        assertThat(client.delete("/_sim/faults").statusCode()).isEqualTo(200);
        assertThat(client.delete("/_sim/requests").statusCode()).isEqualTo(200);
    }

    @Test
    void unauthorizedFailsTheNextNCallsThenTheSameTokenWorksAgain() {
        String exportId = client.createExport(seedToken, "auth-report");
        arm("{\"type\":\"unauthorized\",\"endpoint\":\"export-records\",\"times\":2}");

        HttpResponse<String> first = client.records(seedToken, exportId, 5, 0);
        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(first.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(client.records(seedToken, exportId, 5, 0).statusCode()).isEqualTo(401);
        assertThat(client.records(seedToken, exportId, 5, 0).statusCode()).isEqualTo(200);

        assertThat(simulator.requests().count(Endpoint.EXPORT_RECORDS, 401)).isEqualTo(2);
        assertThat(simulator.requests().count(Endpoint.EXPORT_RECORDS, 200)).isEqualTo(1);
    }

    @Test
    void expireTokensMakesEveryIssuedTokenExpiredSoOnlyANewTokenWorks() {
        String oldToken = client.seedToken();
        String exportId = client.createExport(oldToken, "expiry-report");
        arm("{\"type\":\"expire-tokens\"}");

        HttpResponse<String> rejected = client.records(oldToken, exportId, 5, 0);
        assertThat(rejected.statusCode()).isEqualTo(401);
        assertThat(SimClient.json(rejected).get("error_description").asText()).contains("expired");
        assertThat(client.records(client.seedToken(), exportId, 5, 0).statusCode())
                .isEqualTo(200);
        seedToken = client.seedToken();
        userToken = client.passwordToken();
    }

    @Test
    void forgetJobsMakesEveryKnownExportAndJobAnswer404WhileNewOnesWork() throws IOException {
        String exportId = client.createExport(seedToken, "forget-report");
        String jobId = SimClient.json(client.createJob(userToken, ENTITY, "2026-02-17", "2026-02-18"))
                .get("jobId")
                .asText();
        String fileUrl = DataExtractionApiTest.url(client, userToken, jobId);
        HttpResponse<String> response = client.armFaults("{\"type\":\"forget-jobs\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode done = SimClient.json(response);

        assertThat(done.get("faults").get(0).get("forgottenExports").asInt()).isPositive();
        HttpResponse<String> gone = client.records(seedToken, exportId, 5, 0);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(SimClient.json(gone).get("error_description").asText())
                .contains(exportId)
                .contains("does not exist");
        assertThat(client.jobStatus(userToken, jobId).statusCode()).isEqualTo(404);
        assertThat(client.getBytes(fileUrl).statusCode()).isEqualTo(404);
        assertThat(client.get("/_sim/faults", null).body()).doesNotContain("forget-jobs");
        assertThat(client.records(seedToken, client.createExport(seedToken, "forget-report"), 5, 0)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void jobNotFoundAnswers404ForAnExportThatStillExists() {
        String exportId = client.createExport(seedToken, "not-found-report");
        arm("{\"type\":\"job-not-found\",\"endpoint\":\"export-records\"}");
        HttpResponse<String> missing = client.records(seedToken, exportId, 5, 0);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(SimClient.json(missing).get("error").asText()).isEqualTo("not_found");
        assertThat(client.records(seedToken, exportId, 5, 0).statusCode()).isEqualTo(200);
    }

    @Test
    void rateLimitAnswers429WithRetryAfterThenRecovers() {
        String exportId = client.createExport(seedToken, "rate-report");
        arm("{\"type\":\"rate-limit\",\"endpoint\":\"export-records\",\"retryAfterSeconds\":7}");

        HttpResponse<String> limited = client.records(seedToken, exportId, 5, 0);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(SimClient.json(limited).get("error").asText()).isEqualTo("too_many_requests");
        assertThat(client.records(seedToken, exportId, 5, 0).statusCode()).isEqualTo(200);
    }

    @Test
    void serverErrorAnswersTheConfigured5xxForTheNextNCalls() {
        arm("{\"type\":\"server-error\",\"endpoint\":\"job-create\",\"status\":502,\"times\":2}");

        assertThat(client.createJob(userToken, ENTITY, "2026-02-01", "2026-02-02")
                        .statusCode())
                .isEqualTo(502);
        assertThat(client.createJob(userToken, ENTITY, "2026-02-01", "2026-02-02")
                        .statusCode())
                .isEqualTo(502);
        assertThat(client.createJob(userToken, ENTITY, "2026-02-01", "2026-02-02")
                        .statusCode())
                .isEqualTo(202);
    }

    @Test
    void delayHoldsTheResponseBackForDelayMs() {
        String exportId = client.createExport(seedToken, "slow-report");
        arm("{\"type\":\"delay\",\"endpoint\":\"export-records\",\"delayMs\":400,\"times\":1}");

        long started = System.nanoTime();
        assertThat(client.records(seedToken, exportId, 5, 0).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(simulator.armedFaults()).isEmpty();
    }

    @Test
    void schemaDriftAddsRemovesOrRetypesAFieldFromRowKOn() {
        String exportId = client.createExport(seedToken, "drift-report");
        JsonNode baseline = SimClient.json(client.records(seedToken, exportId, 10, 0));

        arm("{\"type\":\"schema-drift\",\"change\":\"add\",\"field\":\"channel\",\"fromRow\":6}");
        JsonNode added = SimClient.json(client.records(seedToken, exportId, 10, 0));
        assertUnchangedBefore(baseline, added, 6);
        for (int i = 6; i < 10; i++) {
            assertThat(added.get(i).get("channel").isTextual()).isTrue();
        }

        client.delete("/_sim/faults");
        arm("{\"type\":\"schema-drift\",\"change\":\"remove\",\"field\":\"score\",\"fromRow\":6}");
        JsonNode removed = SimClient.json(client.records(seedToken, exportId, 10, 0));
        assertUnchangedBefore(baseline, removed, 6);
        for (int i = 6; i < 10; i++) {
            assertThat(removed.get(i).has("score")).isFalse();
        }

        client.delete("/_sim/faults");
        arm(
                "{\"type\":\"schema-drift\",\"change\":\"retype\",\"field\":\"duration_ms\",\"newType\":\"string\",\"fromRow\":6}");
        JsonNode retyped = SimClient.json(client.records(seedToken, exportId, 10, 0));
        assertUnchangedBefore(baseline, retyped, 6);
        for (int i = 6; i < 10; i++) {
            assertThat(retyped.get(i).get("duration_ms").isTextual()).isTrue();
        }
    }

    @Test
    void schemaDriftInCsvChangesTheHeaderForAddedColumnsAndValuesFromRowKForRetyped() throws IOException {
        arm("{\"type\":\"schema-drift\",\"change\":\"add\",\"field\":\"channel\"}");
        List<Map<String, String>> added = DataExtractionApiTest.parseCsv(download("2026-02-03", "2026-02-04"));
        assertThat(added.get(0).keySet()).endsWith("channel");

        client.delete("/_sim/faults");
        arm(
                "{\"type\":\"schema-drift\",\"change\":\"retype\",\"field\":\"duration_ms\",\"newType\":\"boolean\",\"fromRow\":5}");
        List<Map<String, String>> retyped = DataExtractionApiTest.parseCsv(download("2026-02-03", "2026-02-04"));
        assertThat(retyped.subList(0, 5))
                .allSatisfy(row -> assertThat(row.get("duration_ms")).matches("\\d+"));
        assertThat(retyped.subList(5, 20))
                .allSatisfy(row -> assertThat(row.get("duration_ms")).isIn("true", "false"));
    }

    @Test
    void differentRowsChangesTheValuesOfASecondReadOfTheSamePageButNotTheIds() {
        String exportId = client.createExport(seedToken, "changing-report");
        JsonNode first = SimClient.json(client.records(seedToken, exportId, 5, 10));
        arm("{\"type\":\"different-rows\",\"endpoint\":\"export-records\"}");

        JsonNode second = SimClient.json(client.records(seedToken, exportId, 5, 10));
        assertThat(second).isNotEqualTo(first);
        for (int i = 0; i < 5; i++) {
            assertThat(second.get(i).get("id")).isEqualTo(first.get(i).get("id"));
        }
        // Used up: the third read is the original data again.
        assertThat(SimClient.json(client.records(seedToken, exportId, 5, 10))).isEqualTo(first);
    }

    @Test
    void differentRowsChangesASecondDownloadOfTheSameWindow() throws IOException {
        byte[] first = download("2026-02-05", "2026-02-06");
        arm("{\"type\":\"different-rows\",\"endpoint\":\"download\"}");
        byte[] second = download("2026-02-05", "2026-02-06");

        assertThat(second).isNotEqualTo(first);
        assertThat(DataExtractionApiTest.parseCsv(second))
                .extracting(r -> r.get("id"))
                .isEqualTo(DataExtractionApiTest.parseCsv(first).stream()
                        .map(r -> r.get("id"))
                        .toList());
    }

    @Test
    void expiredUrlFaultAnswers403ToAFreshUrlOnceAndTheNextUrlWorks() throws IOException {
        String jobId = SimClient.json(client.createJob(userToken, ENTITY, "2026-02-07", "2026-02-08"))
                .get("jobId")
                .asText();
        arm("{\"type\":\"expired-url\"}");

        HttpResponse<byte[]> expired = client.getBytes(DataExtractionApiTest.url(client, userToken, jobId));
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(SimClient.JSON.readTree(expired.body()).get("error").asText())
                .isEqualTo("url_expired");
        assertThat(client.getBytes(DataExtractionApiTest.url(client, userToken, jobId))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void truncatedBodyDropsTheConnectionBeforeTheAnnouncedLength() throws IOException {
        String exportId = client.createExport(seedToken, "truncated-report");
        String url = simulator.baseUrl() + "/api/v2/data-actions/exports/" + exportId + "/records?limit=10&offset=0";
        arm("{\"type\":\"truncated-body\",\"endpoint\":\"export-records\"}");

        assertThatThrownBy(() -> client.get(url, seedToken)).hasRootCauseInstanceOf(IOException.class);
        assertThat(client.records(seedToken, exportId, 10, 0).statusCode()).isEqualTo(200);

        String fileUrl = DataExtractionApiTest.url(
                client,
                userToken,
                SimClient.json(client.createJob(userToken, ENTITY, "2026-02-09", "2026-02-10"))
                        .get("jobId")
                        .asText());
        arm("{\"type\":\"truncated-body\",\"endpoint\":\"download\"}");
        assertThatThrownBy(() -> client.getBytes(fileUrl)).isInstanceOf(IOException.class);
    }

    @Test
    void malformedBodyIsA200WhoseJsonDoesNotParse() {
        String exportId = client.createExport(seedToken, "malformed-report");
        arm("{\"type\":\"malformed-body\",\"endpoint\":\"export-records\"}");

        HttpResponse<String> response = client.records(seedToken, exportId, 10, 0);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> SimClient.JSON.readTree(response.body())).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void malformedBodyIsA200WhoseCsvDoesNotParse() throws IOException {
        arm("{\"type\":\"malformed-body\",\"endpoint\":\"download\"}");
        byte[] csv = download("2026-02-11", "2026-02-12");

        assertThatThrownBy(() -> DataExtractionApiTest.parseCsv(csv)).isInstanceOf(IOException.class);
        assertThat(DataExtractionApiTest.parseCsv(download("2026-02-11", "2026-02-12")))
                .hasSize(20);
    }

    @Test
    void throttleFaultLimitsDataExtractionCallsUntilCleared() {
        // The run has no throttle; the fault turns it on, counting from the last accepted call.
        assertThat(client.createJob(userToken, ENTITY, "2026-02-13", "2026-02-14")
                        .statusCode())
                .isEqualTo(202);
        assertThat(client.createJob(userToken, ENTITY, "2026-02-13", "2026-02-14")
                        .statusCode())
                .isEqualTo(202);
        arm("{\"type\":\"throttle\",\"intervalSeconds\":30}");

        HttpResponse<String> throttled = client.createJob(userToken, ENTITY, "2026-02-13", "2026-02-14");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 30L);

        client.delete("/_sim/faults");
        assertThat(client.createJob(userToken, ENTITY, "2026-02-13", "2026-02-14")
                        .statusCode())
                .isEqualTo(202);
        // The counters a benchmark reads: four calls, the third answered 429 (not the first call of the run).
        JsonNode counted = SimClient.json(client.get("/_sim/requests", null)).get("dataExtractionThrottle");
        assertThat(counted.get("calls").asLong()).isEqualTo(4);
        assertThat(counted.get("throttled").asLong()).isEqualTo(1);
        assertThat(counted.get("throttledAfterFirst").asLong()).isEqualTo(1);
        assertThat(counted.get("lastAcceptedAtMs").asLong())
                .isGreaterThanOrEqualTo(counted.get("firstAcceptedAtMs").asLong());
    }

    @Test
    void jobFailedEndsTheNextJobInFailedWithAnErrorMessage() {
        arm("{\"type\":\"job-failed\"}");
        String jobId = SimClient.json(client.createJob(userToken, ENTITY, "2026-02-15", "2026-02-16"))
                .get("jobId")
                .asText();

        JsonNode status = SimClient.json(client.jobStatus(userToken, jobId)).get("jobStatus");
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        assertThat(status.get("result").get("url").isNull()).isTrue();
        assertThat(status.get("result").get("errorMessage").asText()).isNotBlank();
    }

    @Test
    void adminListsArmedFaultsWithRemainingCountsAndDeleteClearsThem() {
        arm("[{\"type\":\"server-error\",\"times\":3},{\"type\":\"delay\",\"delayMs\":5,\"endpoint\":\"token\"}]");

        JsonNode faults = SimClient.json(client.get("/_sim/faults", null)).get("faults");
        assertThat(faults).hasSize(2);
        assertThat(faults.get(0).get("type").asText()).isEqualTo("server-error");
        assertThat(faults.get(0).get("status").asInt()).isEqualTo(503);
        assertThat(faults.get(0).get("remaining").asInt()).isEqualTo(3);
        assertThat(faults.get(1).get("remaining").asInt()).isEqualTo(-1);

        // Admin and health are never subject to faults, even an unlimited 5xx on every endpoint.
        assertThat(client.get("/health", null).statusCode()).isEqualTo(200);
        assertThat(SimClient.json(client.delete("/_sim/faults")).get("cleared").asInt())
                .isEqualTo(2);
        assertThat(SimClient.json(client.get("/_sim/faults", null)).get("faults"))
                .isEmpty();
    }

    @Test
    void requestCountersSayWhatTheClientDid() {
        String exportId = client.createExport(seedToken, "counted-report");
        arm("{\"type\":\"rate-limit\",\"endpoint\":\"export-records\"}");
        client.records(seedToken, exportId, 5, 0);
        client.records(seedToken, exportId, 5, 0);

        JsonNode requests = SimClient.json(client.get("/_sim/requests", null));
        JsonNode records = requests.get("endpoints").get("export-records");
        assertThat(records.get("total").asLong()).isEqualTo(2);
        assertThat(records.get("statuses").get("429").asLong()).isEqualTo(1);
        assertThat(records.get("statuses").get("200").asLong()).isEqualTo(1);
        JsonNode recent = requests.get("recent");
        assertThat(recent.get(recent.size() - 2).get("faults").get(0).asText()).isEqualTo("rate-limit");
        assertThat(requests.get("total").asLong()).isEqualTo(3);
    }

    @Test
    void badFaultSpecsAre400NamingTheField() {
        assertFaultRejected("{\"type\":\"meteor-strike\"}", "type");
        assertFaultRejected("{\"type\":\"rate-limit\",\"times\":0}", "times");
        assertFaultRejected("{\"type\":\"rate-limit\",\"retryAfter\":3}", "retryAfter");
        assertFaultRejected("{\"type\":\"server-error\",\"status\":404}", "status");
        assertFaultRejected("{\"type\":\"delay\"}", "delayMs");
        assertFaultRejected("{\"type\":\"expired-url\",\"endpoint\":\"export-records\"}", "endpoint");
        assertFaultRejected("{\"type\":\"schema-drift\",\"change\":\"remove\",\"field\":\"nope\"}", "field");
        assertFaultRejected("{\"type\":\"schema-drift\",\"change\":\"retype\",\"field\":\"score\"}", "newType");
        assertFaultRejected("{\"type\":\"schema-drift\",\"change\":\"rename\",\"field\":\"score\"}", "change");
        // One bad fault in an array arms none of them.
        assertFaultRejected("[{\"type\":\"rate-limit\"},{\"type\":\"nope\"}]", "type");
        assertThat(simulator.armedFaults()).isEmpty();
    }

    @Test
    void javaApiArmsTheSameFaults() {
        simulator.arm(FaultSpec.serverError(Endpoint.EXPORT_CREATE, 500, 1));
        assertThat(client.postJson("/api/v2/data-actions/exports", seedToken, "{\"report_id\":\"r\"}")
                        .statusCode())
                .isEqualTo(500);
        assertThat(client.postJson("/api/v2/data-actions/exports", seedToken, "{\"report_id\":\"r\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(simulator.requests().count(Endpoint.EXPORT_CREATE)).isEqualTo(2);

        assertThatThrownBy(() -> simulator.arm(
                        FaultSpec.schemaDrift(new SchemaDrift(SchemaDrift.Change.REMOVE, "no_such_field", null, 0))))
                .hasMessageContaining("no_such_field");
    }

    private static void arm(String json) {
        HttpResponse<String> response = client.armFaults(json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static void assertFaultRejected(String json, String field) {
        HttpResponse<String> response = client.armFaults(json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(SimClient.json(response).get("field").asText()).isEqualTo(field);
    }

    private static byte[] download(String start, String end) throws IOException {
        String jobId = SimClient.json(client.createJob(userToken, ENTITY, start, end))
                .get("jobId")
                .asText();
        HttpResponse<byte[]> response = client.getBytes(DataExtractionApiTest.url(client, userToken, jobId));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static void assertUnchangedBefore(JsonNode baseline, JsonNode drifted, int fromRow) {
        for (int i = 0; i < fromRow; i++) {
            assertThat(drifted.get(i)).isEqualTo(baseline.get(i));
        }
    }
}
