package io.cxone.kafka.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.http.Endpoint;
import io.cxone.kafka.simulator.reporting.ReportingEntity;
import io.cxone.kafka.simulator.reporting.ReportingTimeline;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real CXone Reporting API (CXONE.md section D): incremental pulls by updatedSince, paging, lastPollTime. */
class ReportingApiTest {
    private static final Instant START = Instant.parse("2026-05-01T12:00:00Z");
    private static final String FROM = "2026-04-30T00:00:00.000Z";
    private static final String TO = "2026-05-29T00:00:00.000Z";

    private final MutableClock clock = new MutableClock(START);
    private CxoneSimulator simulator;
    private SimClient client;
    private String token;

    private void start(SimulatorOptions.Builder options) {
        simulator = CxoneSimulator.start(
                options.clock(clock).tokenLifetime(Duration.ofDays(30)).build());
        client = new SimClient(simulator);
        token = client.passwordToken();
    }

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void pagesByKeyWithLinksUntilEveryRowWasServedOnce() {
        start(SimulatorOptions.builder()
                .reporting(250, Duration.ofSeconds(10), 0.2, Duration.ofMinutes(5), Duration.ZERO));
        JsonNode first = SimClient.json(client.get(completed("top=100"), token));

        assertThat(first.get("lastPollTime").asText()).isEqualTo("2026-05-01T12:00:00.000Z");
        assertThat(first.get("businessUnitId").asText())
                .isEqualTo(simulator.options().tenantId());
        long total = first.get("totalRecords").asLong();
        List<JsonNode> rows = new ArrayList<>();
        JsonNode page = first;
        while (true) {
            page.get("completedContacts").forEach(rows::add);
            JsonNode next = page.get("_links").get("next");
            if (next.isNull()) {
                break;
            }
            assertThat(next.asText())
                    .startsWith(simulator.baseUrl() + "/incontactapi/services/v27.0/contacts/completed?skip=");
            page = SimClient.json(client.get(next.asText(), token));
        }

        List<ReportingTimeline.Version> newest = newest(simulator.reportingVersions(
                ReportingEntity.CONTACTS_COMPLETED, Instant.parse(FROM), Instant.parse(TO), START));
        assertThat(rows).hasSize((int) total).hasSize(newest.size());
        assertThat(rows.stream().map(r -> r.get("contactId").asLong()).toList())
                .isSorted()
                .doesNotHaveDuplicates()
                .isEqualTo(newest.stream().map(ReportingTimeline.Version::key).toList());
        assertThat(rows.get(0).fieldNames())
                .toIterable()
                .contains(
                        "contactId",
                        "masterContactId",
                        "contactStartDate",
                        "lastUpdateTime",
                        "agentId",
                        "skillId",
                        "mediaTypeName",
                        "agentSeconds",
                        "inQueueSeconds",
                        "abandoned",
                        "dispositionNotes",
                        "fromAddress",
                        "toAddress",
                        "tags");
        assertThat(rows).anyMatch(r -> !r.get("dispositionNotes").asText().isEmpty()); // rows updated after completion
    }

    @Test
    void updatedSinceReturnsNewCompletionsAndLaterVersionsOfOlderContacts() {
        start(SimulatorOptions.builder()
                .reporting(100, Duration.ofSeconds(10), 0.5, Duration.ofMinutes(5), Duration.ZERO));
        String watermark = SimClient.json(client.get(completed(""), token))
                .get("lastPollTime")
                .asText();
        clock.advance(Duration.ofMinutes(3));

        JsonNode changes = SimClient.json(client.get(completed("updatedSince=" + watermark), token));
        assertThat(changes.get("completedContacts")).isNotEmpty().allSatisfy(row -> assertThat(
                        Instant.parse(row.get("lastUpdateTime").asText()))
                .isAfterOrEqualTo(Instant.parse(watermark)));
        long newestKeyBefore = ReportingEntity.CONTACTS_COMPLETED.key(100);
        assertThat(changes.get("completedContacts"))
                .anyMatch(r -> r.get("contactId").asLong() < newestKeyBefore
                        && !r.get("dispositionNotes").asText().isEmpty());
        assertThat(changes.get("completedContacts"))
                .anyMatch(r -> r.get("contactId").asLong() > newestKeyBefore);
    }

    @Test
    void anIncrementalSyncWithAnOverlapAtLeastTheLagMissesNoVersionAndWithoutOneItDoes() {
        start(SimulatorOptions.builder()
                .reporting(200, Duration.ofSeconds(2), 0.3, Duration.ofMinutes(2), Duration.ofSeconds(30)));
        Map<Long, Set<String>> withOverlap = new HashMap<>();
        Map<Long, Set<String>> withoutOverlap = new HashMap<>();
        String watermarkA = null;
        String watermarkB = null;
        Random steps = new Random(7);
        Instant lastPoll = START;
        for (int pass = 0; pass < 40; pass++) {
            watermarkA = syncPass(watermarkA, Duration.ofSeconds(45), withOverlap);
            watermarkB = syncPass(watermarkB, Duration.ZERO, withoutOverlap);
            lastPoll = clock.instant();
            clock.advance(Duration.ofSeconds(5 + steps.nextInt(20)));
        }

        List<ReportingTimeline.Version> all = simulator.reportingVersions(
                ReportingEntity.CONTACTS_COMPLETED, Instant.parse(FROM), Instant.parse(TO), lastPoll);
        for (ReportingTimeline.Version v : newest(all)) {
            assertThat(withOverlap.getOrDefault(v.key(), Set.of()))
                    .as("contact %d", v.key())
                    .contains(iso(v.lastUpdateMs()));
        }
        assertThat(newest(all))
                .anyMatch(v -> !withoutOverlap.getOrDefault(v.key(), Set.of()).contains(iso(v.lastUpdateMs())));
        Set<String> possible = new HashSet<>();
        all.forEach(v -> possible.add(v.key() + "@" + iso(v.lastUpdateMs())));
        withOverlap.forEach(
                (key, times) -> times.forEach(t -> assertThat(possible).contains(key + "@" + t)));
    }

    @Test
    void anEmptyPageIs204WithoutABody() {
        start(SimulatorOptions.builder()
                .reporting(10, Duration.ofSeconds(10), 0, Duration.ofMinutes(1), Duration.ZERO));
        HttpResponse<String> empty = client.get(
                "/incontactapi/services/v27.0/contacts/completed?startDate=2026-01-01T00:00:00Z"
                        + "&endDate=2026-01-02T00:00:00Z",
                token);
        assertThat(empty.statusCode()).isEqualTo(204);
        assertThat(empty.body()).isEmpty();
    }

    @Test
    void refusesWhatCxoneRefusesNamingTheParameter() {
        start(SimulatorOptions.builder());
        assertBadField(
                client.get(
                        "/incontactapi/services/v27.0/contacts/custom-data?startDate=2026-04-01T00:00:00Z"
                                + "&endDate=2026-04-17T00:00:00Z",
                        token),
                "endDate",
                "at most 15 days");
        assertBadField(client.get(completed("fields=contactId,nope"), token), "fields", "nope");
        assertBadField(client.get(completed("orderBy=agentId"), token), "orderBy", "contactId");
        assertBadField(client.get(completed("top=10001"), token), "top", "1..10000");
        assertBadField(
                client.get("/incontactapi/services/v27.0/contacts/completed?endDate=" + TO, token),
                "startDate",
                "required");
        assertThat(client.get(
                                "/incontactapi/services/v9.0/contacts/completed?startDate=" + FROM + "&endDate=" + TO,
                                token)
                        .statusCode())
                .isEqualTo(404);
        assertThat(client.get(completed(""), null).statusCode()).isEqualTo(401);
    }

    @Test
    void fieldsSelectTheColumnsServed() {
        start(SimulatorOptions.builder());
        JsonNode page = SimClient.json(client.get(completed("fields=contactId,lastUpdateTime&top=3"), token));
        assertThat(page.get("completedContacts")).hasSize(3).allSatisfy(row -> assertThat(row.fieldNames())
                .toIterable()
                .containsExactly("contactId", "lastUpdateTime"));
    }

    @Test
    void callsFasterThanTheTenantsLimitGet429WithRetryAfter() {
        start(SimulatorOptions.builder().reportingCallInterval(Duration.ofSeconds(2)));
        assertThat(client.get(completed("top=1"), token).statusCode()).isEqualTo(200);
        HttpResponse<String> throttled = client.get(completed("top=1"), token);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("2");
        clock.advance(Duration.ofSeconds(2));
        assertThat(client.get(completed("top=1"), token).statusCode()).isEqualTo(200);
    }

    @Test
    void theSharedFaultsApplyToTheReportingEndpoint() {
        start(SimulatorOptions.builder());
        simulator.arm(FaultSpec.rateLimit(Endpoint.REPORTING, 3, 1));
        HttpResponse<String> limited = client.get(completed("top=1"), token);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(client.get(completed("top=1"), token).statusCode()).isEqualTo(200);
        assertThat(simulator.requests().count(Endpoint.REPORTING, 429)).isEqualTo(1);
    }

    @Test
    void pagingByKeyMissesNoRowThatExistedAtTheStartOfThePassButPagingByUpdateTimeCan() {
        start(SimulatorOptions.builder()
                .reporting(60, Duration.ofSeconds(1), 1.0, Duration.ofSeconds(30), Duration.ZERO));
        Set<Long> existing = new HashSet<>();
        newest(simulator.reportingVersions(
                        ReportingEntity.CONTACTS_COMPLETED, Instant.parse(FROM), Instant.parse(TO), START))
                .forEach(v -> existing.add(v.key()));

        Set<Long> byKey = pageWhileRowsChange("");
        clock.advance(Duration.ofSeconds(-clock.instant().getEpochSecond() + START.getEpochSecond()));
        Set<Long> byUpdateTime = pageWhileRowsChange("&orderBy=lastUpdateTime");

        assertThat(byKey).containsAll(existing);
        assertThat(existing).isNotEmpty().anyMatch(key -> !byUpdateTime.contains(key));
    }

    /** Pages of 5 from the start, 2 s apart: rows complete and change between pages. */
    private Set<Long> pageWhileRowsChange(String order) {
        Set<Long> keys = new HashSet<>();
        for (int skip = 0; ; skip += 5) {
            HttpResponse<String> response = client.get(completed("top=5&skip=" + skip + order), token);
            if (response.statusCode() == 204) {
                return keys;
            }
            SimClient.json(response)
                    .get("completedContacts")
                    .forEach(r -> keys.add(r.get("contactId").asLong()));
            clock.advance(Duration.ofSeconds(2));
        }
    }

    /** One pass: pages to the end with updatedSince = watermark - overlap; returns the first page's lastPollTime. */
    private String syncPass(String watermark, Duration overlap, Map<Long, Set<String>> delivered) {
        String since = watermark == null
                ? ""
                : "updatedSince=" + iso(Instant.parse(watermark).minus(overlap).toEpochMilli());
        HttpResponse<String> response = client.get(completed(since + "&top=50"), token);
        if (response.statusCode() == 204) {
            return watermark;
        }
        JsonNode page = SimClient.json(response);
        String pollTime = page.get("lastPollTime").asText();
        while (true) {
            page.get("completedContacts").forEach(r -> delivered
                    .computeIfAbsent(r.get("contactId").asLong(), k -> new HashSet<>())
                    .add(r.get("lastUpdateTime").asText()));
            JsonNode next = page.get("_links").get("next");
            if (next.isNull()) {
                return pollTime;
            }
            page = SimClient.json(client.get(next.asText(), token));
        }
    }

    private static List<ReportingTimeline.Version> newest(List<ReportingTimeline.Version> versions) {
        Map<Long, ReportingTimeline.Version> byKey = new java.util.TreeMap<>();
        versions.forEach(v -> byKey.merge(v.key(), v, (a, b) -> a.version() >= b.version() ? a : b));
        return new ArrayList<>(byKey.values());
    }

    private static String completed(String query) {
        return "/incontactapi/services/v27.0/contacts/completed?startDate=" + FROM + "&endDate=" + TO
                + (query.isEmpty() ? "" : "&" + query);
    }

    private static String iso(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString().replaceFirst("(\\.\\d{3})?Z$", "")
                + String.format(".%03dZ", epochMs % 1000);
    }

    private static void assertBadField(HttpResponse<String> response, String field, String text) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(SimClient.json(response).get("field").asText()).isEqualTo(field);
        assertThat(response.body()).contains(text);
    }
}
