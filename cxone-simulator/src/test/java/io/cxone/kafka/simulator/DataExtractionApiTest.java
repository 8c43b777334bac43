package io.cxone.kafka.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real CXone Data Extraction API (CXONE.md section B): jobs, polling, short-lived CSV / CSV.gz downloads. */
class DataExtractionApiTest {
    private static final String ENTITY = "recording-interaction-metadata";
    private static final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    private static CxoneSimulator simulator;
    private static SimClient client;
    private static String token;

    @BeforeAll
    static void start() {
        simulator = CxoneSimulator.start(SimulatorOptions.builder()
                .rowCount(40)
                .clock(clock)
                .jobRunningTime(Duration.ofSeconds(5))
                .downloadUrlValidity(Duration.ofSeconds(30))
                .throttleInterval(Duration.ZERO)
                .tokenLifetime(Duration.ofDays(1))
                .build());
        client = new SimClient(simulator);
        token = client.passwordToken();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void createdJobIs202WithAJobIdAndRunsForTheConfiguredTimeThenSucceedsWithAUrl() {
        HttpResponse<String> created = client.createJob(token, ENTITY, "2026-04-01", "2026-04-02");
        assertThat(created.statusCode()).isEqualTo(202);
        String jobId = SimClient.json(created).get("jobId").asText();
        assertThat(created.headers().firstValue("Location")).hasValue("/data-extraction/v1/jobs/" + jobId);

        JsonNode running = SimClient.json(client.jobStatus(token, jobId)).get("jobStatus");
        assertThat(running.get("id").asText()).isEqualTo(jobId);
        assertThat(running.get("status").asText()).isEqualTo("RUNNING");
        assertThat(running.get("result").get("url").isNull()).isTrue();

        clock.advance(Duration.ofSeconds(5));
        JsonNode done = SimClient.json(client.jobStatus(token, jobId)).get("jobStatus");
        assertThat(done.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.get("result").get("url").asText())
                .startsWith(simulator.baseUrl() + "/files/")
                .endsWith(".csv");
        assertThat(done.get("result").get("errorMessage").isNull()).isTrue();
    }

    @Test
    void downloadIsCsvWithAHeaderRowAndOneLinePerRow() throws IOException {
        HttpResponse<byte[]> download = client.getBytes(finishedJobUrl(client, token, "2026-04-03", "2026-04-04"));

        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
        List<Map<String, String>> rows = parseCsv(download.body());
        assertThat(rows).hasSize(40);
        assertThat(rows.get(0).keySet())
                .containsExactly("id", "event_time", "agent_id", "duration_ms", "score", "resolved");
        assertThat(new HashSet<>(rows.stream().map(r -> r.get("id")).toList())).hasSize(40);
        assertThat(rows).allSatisfy(row -> assertThat(Instant.parse(row.get("event_time")))
                .isBetween(Instant.parse("2026-04-03T00:00:00Z"), Instant.parse("2026-04-04T00:00:00Z")));
    }

    @Test
    void expectedWindowRowsAreExactlyWhatTheFileHolds() throws IOException {
        List<Map<String, String>> served =
                parseCsv(client.getBytes(finishedJobUrl(client, token, "2026-04-12", "2026-04-13"))
                        .body());
        List<Map<String, Object>> expected =
                simulator.expectedWindowRows(ENTITY, "7", LocalDate.parse("2026-04-12"), LocalDate.parse("2026-04-13"));

        assertThat(served).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Map<String, String> expectedCells = new LinkedHashMap<>();
            expected.get(i).forEach((column, value) -> expectedCells.put(column, String.valueOf(value)));
            assertThat(served.get(i)).isEqualTo(expectedCells);
        }
    }

    @Test
    void theSameWindowDownloadsIdenticalBytesFromAnotherJobAndAnotherRun() throws IOException {
        byte[] first = client.getBytes(finishedJobUrl(client, token, "2026-04-05", "2026-04-06"))
                .body();
        byte[] again = client.getBytes(finishedJobUrl(client, token, "2026-04-05", "2026-04-06"))
                .body();
        byte[] otherWindow = client.getBytes(finishedJobUrl(client, token, "2026-04-06", "2026-04-07"))
                .body();
        assertThat(again).isEqualTo(first);
        assertThat(otherWindow).isNotEqualTo(first);

        try (CxoneSimulator otherRun = CxoneSimulator.start(
                simulator.options().toBuilder().clock(clock).build())) {
            SimClient otherClient = new SimClient(otherRun);
            byte[] fromOtherRun = otherClient
                    .getBytes(finishedJobUrl(otherClient, otherClient.passwordToken(), "2026-04-05", "2026-04-06"))
                    .body();
            assertThat(fromOtherRun).isEqualTo(first);
        }
    }

    @Test
    void downloadUrlExpiresAfterItsValidityAndAFreshPollGivesAWorkingOne() throws IOException {
        String jobId = finishedJob(client, token, "2026-04-08", "2026-04-09");
        String url = url(client, token, jobId);
        clock.advance(Duration.ofSeconds(29));
        assertThat(client.getBytes(url).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(1));
        HttpResponse<byte[]> expired = client.getBytes(url);
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(SimClient.JSON.readTree(expired.body()).get("error").asText())
                .isEqualTo("url_expired");

        String fresh = url(client, token, jobId);
        assertThat(fresh).isNotEqualTo(url);
        assertThat(client.getBytes(fresh).statusCode()).isEqualTo(200);
    }

    @Test
    void gzipRunServesCsvGzWhoseContentEqualsThePlainCsv() throws IOException {
        byte[] plain = client.getBytes(finishedJobUrl(client, token, "2026-04-10", "2026-04-11"))
                .body();
        try (CxoneSimulator gzipRun = CxoneSimulator.start(
                simulator.options().toBuilder().gzipDownloads(true).build())) {
            SimClient gzipClient = new SimClient(gzipRun);
            String url = finishedJobUrl(gzipClient, gzipClient.passwordToken(), "2026-04-10", "2026-04-11");
            assertThat(url).endsWith(".csv.gz");

            HttpResponse<byte[]> download = gzipClient.getBytes(url);
            assertThat(download.headers().firstValue("Content-Type")).hasValue("application/gzip");
            try (GZIPInputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(download.body()))) {
                assertThat(gunzip.readAllBytes()).isEqualTo(plain);
            }
        }
    }

    @Test
    void windowLongerThanFourteenDaysIs400AndFourteenDaysIsAccepted() {
        HttpResponse<String> tooLong = client.createJob(token, ENTITY, "2026-01-01", "2026-01-16");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        JsonNode error = SimClient.json(tooLong);
        assertThat(error.get("field").asText()).isEqualTo("endDate");
        assertThat(error.get("error_description").asText()).contains("15 days").contains("at most 14");

        assertThat(client.createJob(token, ENTITY, "2026-01-01", "2026-01-15").statusCode())
                .isEqualTo(202);
    }

    @Test
    void badJobRequestsAre400NamingTheField() {
        assertField(client.createJob(token, ENTITY, "01/04/2026", "2026-04-02"), "startDate");
        assertField(client.createJob(token, ENTITY, "2026-04-02", "2026-04-02"), "endDate");
        assertField(
                client.postJson(
                        "/data-extraction/v1/jobs",
                        token,
                        "{\"version\":\"7\",\"startDate\":\"2026-04-01\",\"endDate\":\"2026-04-02\"}"),
                "entityName");
        assertField(
                client.postJson(
                        "/data-extraction/v1/jobs",
                        token,
                        "{\"entityName\":\"e\",\"startDate\":\"2026-04-01\",\"endDate\":\"2026-04-02\"}"),
                "version");
    }

    @Test
    void jobsNeedATokenAndUnknownJobsOrFilesAre404() throws IOException {
        assertThat(client.createJob(null, ENTITY, "2026-04-01", "2026-04-02").statusCode())
                .isEqualTo(401);
        assertThat(client.jobStatus(token, "no-such-job").statusCode()).isEqualTo(404);
        assertThat(client.getBytes("/files/0000.csv").statusCode()).isEqualTo(404);
    }

    @Test
    void throttleAllowsOneCallPerIntervalAndSays429WithTheSecondsLeft() {
        MutableClock throttleClock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
        try (CxoneSimulator throttled = CxoneSimulator.start(SimulatorOptions.builder()
                .clock(throttleClock)
                .throttleInterval(Duration.ofSeconds(30))
                .jobRunningTime(Duration.ZERO)
                .build())) {
            SimClient throttledClient = new SimClient(throttled);
            String throttledToken = throttledClient.passwordToken();
            String jobId = SimClient.json(throttledClient.createJob(throttledToken, ENTITY, "2026-04-01", "2026-04-02"))
                    .get("jobId")
                    .asText();

            HttpResponse<String> tooSoon = throttledClient.jobStatus(throttledToken, jobId);
            assertThat(tooSoon.statusCode()).isEqualTo(429);
            assertThat(tooSoon.headers().firstValue("Retry-After")).hasValue("30");

            throttleClock.advance(Duration.ofMillis(29_500));
            assertThat(throttledClient
                            .jobStatus(throttledToken, jobId)
                            .headers()
                            .firstValue("Retry-After"))
                    .hasValue("1");

            throttleClock.advance(Duration.ofMillis(500));
            assertThat(throttledClient.jobStatus(throttledToken, jobId).statusCode())
                    .isEqualTo(200);
            assertThat(throttledClient
                            .createJob(throttledToken, ENTITY, "2026-04-02", "2026-04-03")
                            .statusCode())
                    .isEqualTo(429);
        }
    }

    static String finishedJob(SimClient client, String token, String start, String end) {
        HttpResponse<String> created = client.createJob(token, ENTITY, start, end);
        assertThat(created.statusCode()).isEqualTo(202);
        clock.advance(Duration.ofSeconds(5));
        return SimClient.json(created).get("jobId").asText();
    }

    static String url(SimClient client, String token, String jobId) {
        JsonNode status = SimClient.json(client.jobStatus(token, jobId)).get("jobStatus");
        assertThat(status.get("status").asText()).isEqualTo("SUCCEEDED");
        return status.get("result").get("url").asText();
    }

    static String finishedJobUrl(SimClient client, String token, String start, String end) {
        return url(client, token, finishedJob(client, token, start, end));
    }

    static List<Map<String, String>> parseCsv(byte[] csv) throws IOException {
        CsvMapper mapper = new CsvMapper();
        try (MappingIterator<Map<String, String>> rows = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader())
                .readValues(new String(csv, StandardCharsets.UTF_8))) {
            return rows.readAll();
        }
    }

    private static void assertField(HttpResponse<String> response, String field) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).get("field").asText()).isEqualTo(field);
    }
}
