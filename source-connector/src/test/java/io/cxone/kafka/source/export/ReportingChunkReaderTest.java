package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.common.retry.Backoff;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.reporting.ReportingEntity;
import io.cxone.kafka.simulator.reporting.ReportingTimeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Reporting API reader against the simulator (a real HTTP server whose data moves with the clock), driven through
 * the same {@link ChunkPipeline} the task uses; the task is "restarted" from the checkpoint of every chunk.
 */
class ReportingChunkReaderTest {

    private static final Instant ASKED = Instant.parse("2026-12-01T10:00:00Z");
    private static CxoneSimulator simulator;
    private final ExportMetrics metrics = new ExportMetrics(null);
    private final List<CxoneHttp> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        simulator = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                // 400 rows completed before the start, then one each 60 ms; 30% change once within 4 s; visible 300 ms
                // late. Rows dated in a pass's range keep completing for 10 min, so the reader (restarted at every
                // chunk here) must outpace their creation for a pass to end: a few times over even on a loaded machine.
                .reporting(400, Duration.ofMillis(60), 0.3, Duration.ofSeconds(4), Duration.ofMillis(300))
                .build());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @AfterEach
    void close() {
        clients.forEach(CxoneHttp::close);
        metrics.close();
    }

    private ExportSourceConfig config(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        props.put(ExportSourceConfig.API_FLAVOUR, "reporting");
        props.put(ExportSourceConfig.BASE_URL, simulator.baseUrl());
        props.put(ExportSourceConfig.CLIENT_ID, simulator.options().clientId());
        props.put(ExportSourceConfig.CLIENT_SECRET, simulator.options().clientSecret());
        props.put(ExportSourceConfig.ACCESS_KEY_ID, simulator.options().accessKeyId());
        props.put(ExportSourceConfig.ACCESS_KEY_SECRET, simulator.options().accessKeySecret());
        props.put(ExportSourceConfig.ENTITIES, "contacts/completed");
        props.put(ExportSourceConfig.TOPIC, "cxone.reporting.${source}");
        props.put(ExportSourceConfig.CHUNK_SIZE, "37");
        props.put(ExportSourceConfig.EXPORT_INTERVAL_MS, "0");
        props.put(ExportSourceConfig.REPORTING_OVERLAP_MS, "2000");
        props.put(
                ExportSourceConfig.START_DATE,
                LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());
        props.putAll(overrides);
        return ExportConfigValidator.parseForStart(props);
    }

    private ChunkPipeline pipeline(ExportSourceConfig config, Optional<ExportOffset> committed) {
        CxoneHttp http = new CxoneHttp(
                Duration.ofSeconds(10),
                new RetryPolicy(5, new Backoff(Duration.ofMillis(5), Duration.ofMillis(200))),
                config.responseMaxBytes(),
                metrics);
        clients.add(http);
        String source = config.sources().get(0);
        return new ChunkPipeline(
                source,
                new ReportingChunkReader(source, config, http, metrics, Clock.systemUTC()),
                config,
                metrics,
                committed);
    }

    @Test
    void incrementalPassesDeliverEveryNewestVersionOnceAcrossRestartsAtEveryChunk() throws Exception {
        ExportSourceConfig config = config(Map.of());
        List<SourceRecord> written = new ArrayList<>();
        Optional<ExportOffset> committed = Optional.empty();
        ChunkPipeline pipeline = pipeline(config, committed);
        Instant completedPassWatermark = null;
        Instant completedPassEnd = null;
        int restarts = 0;
        Map<String, Long> manifestRows = new HashMap<>();
        long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        long giveUp = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < until || completedPassWatermark == null) {
            assertThat(System.nanoTime())
                    .as("a pass completes (%d versions written so far)", written.size())
                    .isLessThan(giveUp);
            Optional<ExportChunk> chunk = pipeline.next();
            if (chunk.isEmpty()) {
                Thread.sleep(20);
                continue;
            }
            List<SourceRecord> records = chunk.get().records();
            ExportOffset offset =
                    ExportOffset.fromMap(records.get(records.size() - 1).sourceOffset());
            ReportingCursor cursor = ReportingCursor.fromMap(offset.cursor());
            if (committed.isPresent()) {
                ReportingCursor before = ReportingCursor.fromMap(committed.get().cursor());
                if (!before.passEnd().equals(cursor.passEnd())) {
                    completedPassWatermark = before.watermark(); // the pass of `before` completed
                    completedPassEnd = before.passEnd();
                    // the previous pass's watermark less the overlap; passes that wrote nothing (no chunk) may
                    // have come in between, so that pass may be later than the one of `before`
                    assertThat(cursor.since())
                            .isAfterOrEqualTo(before.watermark().minusMillis(2000));
                }
            }
            committed = Optional.of(offset);
            pipeline = pipeline(config, committed); // a restart from the chunk's checkpoint
            for (SourceRecord record : records) {
                if (record.topic().equals("cxone.export.manifests")) {
                    // a range read again after a restart may gain rows: its newer manifest counts them all
                    manifestRows.put((String) record.key(), ((Struct) record.value()).getInt64("rows"));
                } else {
                    assertThat(record.topic()).isEqualTo("cxone.reporting.contacts.completed");
                    written.add(record);
                }
            }
            restarts++;
        }
        assertThat(restarts).isGreaterThan(10);
        assertThat(manifestRows.values().stream().mapToLong(Long::longValue).sum())
                .as("the manifests of the completed date ranges count what was written, less the range still open")
                .isPositive()
                .isLessThanOrEqualTo(written.size());

        assertThat(metrics.sensors().value("reporting-dedupe-evictions-total").orElse(0))
                .as("remembered versions forgotten (each may be written twice)")
                .isZero();
        Set<String> versions = new HashSet<>();
        for (SourceRecord record : written) {
            Struct value = (Struct) record.value();
            String version = record.key() + "@" + ((java.util.Date) value.get("lastUpdateTime")).getTime();
            assertThat(versions.add(version)).as("written once: %s", version).isTrue();
            assertThat(record.key()).isEqualTo(String.valueOf(value.get("contactId")));
        }
        Instant history = config.startDate().atStartOfDay().toInstant(ZoneOffset.UTC);
        List<ReportingTimeline.Version> due = simulator.reportingVersions(
                ReportingEntity.CONTACTS_COMPLETED, history, completedPassEnd, completedPassWatermark);
        Map<Long, ReportingTimeline.Version> newest = new HashMap<>();
        due.forEach(v -> newest.merge(v.key(), v, (a, b) -> a.version() >= b.version() ? a : b));
        assertThat(newest)
                .as("the backlog's rows, less those not yet visible at that watermark")
                .hasSizeGreaterThan(300);
        Map<String, Long> newestWritten = new HashMap<>();
        for (String v : versions) {
            String[] parts = v.split("@");
            newestWritten.merge(parts[0], Long.parseLong(parts[1]), Math::max);
        }
        for (ReportingTimeline.Version v : newest.values()) {
            assertThat(newestWritten.get(String.valueOf(v.key())))
                    .as("contact %s: its version of %s (or a newer one) was written", v.key(), v.lastUpdateMs())
                    .isNotNull()
                    .isGreaterThanOrEqualTo(v.lastUpdateMs());
        }
        List<ReportingTimeline.Version> real = simulator.reportingVersions(
                ReportingEntity.CONTACTS_COMPLETED, history, Instant.now().plusSeconds(60), Instant.now());
        Set<String> realVersions = new HashSet<>();
        real.forEach(v -> realVersions.add(v.key() + "@" + v.lastUpdateMs()));
        assertThat(realVersions).containsAll(versions);
        assertThat(metrics.sensors().value("reporting-versions-skipped-total").orElse(0))
                .as("versions seen again in the overlap were skipped")
                .isGreaterThan(0);
    }

    @Test
    void theFirstAnswerOfAPassSetsTheWatermarkAndAnEmptyAnswerUsesTheTimeItWasAsked() throws IOException {
        ReportingChunkReader.Page page = ReportingChunkReader.parsePage(new byte[0], "completedContacts", 10, ASKED);
        assertThat(page.rows()).isEmpty();
        assertThat(page.pollTime()).isEqualTo(ASKED);
        assertThat(page.hasNext()).isFalse();

        ReportingChunkReader.Page full = ReportingChunkReader.parsePage(
                bytes("{\"totalRecords\":3,\"businessUnitId\":\"1\",\"lastPollTime\":\"2026-12-01T09:59:58.123Z\","
                        + "\"completedContacts\":[{\"contactId\":1,\"lastUpdateTime\":\"2026-12-01T09:00:00Z\"},"
                        + "{\"contactId\":2,\"lastUpdateTime\":\"2026-12-01T09:00:01Z\",\"tags\":[\"vip\"]}],"
                        + "\"_links\":{\"self\":\"x\",\"next\":\"https://h/next\",\"previous\":null}}"),
                "completedContacts",
                2,
                ASKED);
        assertThat(full.rows()).hasSize(2);
        assertThat(full.pollTime()).isEqualTo(Instant.parse("2026-12-01T09:59:58.123Z"));
        assertThat(full.hasNext()).isTrue();
    }

    @Test
    void malformedAnswersAreRefusedNamingWhatIsWrong() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("[]", "expected a JSON object");
        cases.put("{\"lastPollTime\":\"2026-12-01T00:00:00Z\"}", "no 'completedContacts' array");
        cases.put("{\"completedContacts\":[]}", "no lastPollTime");
        cases.put("{\"lastPollTime\":5,\"completedContacts\":[]}", "lastPollTime is not a string");
        cases.put("{\"lastPollTime\":\"yesterday\",\"completedContacts\":[]}", "not an ISO-8601 timestamp");
        cases.put("{\"lastPollTime\":\"2026-12-01T00:00:00Z\",\"completedContacts\":{}}", "is not an array");
        cases.put("{\"lastPollTime\":\"2026-12-01T00:00:00Z\",\"completedContacts\":[1]}", "row 0 of");
        cases.put("{\"lastPollTime\":\"2026-12-01T00:00:00Z\",\"completedContacts\":[{},{},{}]}", "more than the 2");
        cases.put("{\"lastPollTime\":\"2026-12-01T00:00:00Z\",\"completedContacts\":[]} {}", "after the answer");
        cases.put("{\"lastPollTime\":\"2026-12-01T00:00:00Z\",\"completedContacts\":[{\"contactId\":1", "");
        cases.forEach((body, message) -> assertThatThrownBy(
                        () -> ReportingChunkReader.parsePage(bytes(body), "completedContacts", 2, ASKED))
                .as(body)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(message));
    }

    @Test
    void rowsWithoutKeyOrUpdateTimeOrOutOfKeyOrderFailTheChunk() {
        ExportSourceConfig config = config(Map.of());
        ReportingChunkReader reader = new ReportingChunkReader(
                "contacts/completed", config, null, metrics, Clock.fixed(ASKED, ZoneOffset.UTC));
        reader.resume(new ExportOffset(
                "2026-12-01T00:00:00Z/2026-12-01T10:00:00Z",
                0,
                0,
                null,
                null,
                new ReportingCursor(null, ASKED, ASKED, null, "", 0, null, null, List.of()).toMap()));
        assertThatThrownBy(() -> reader.admit(rows("{\"lastUpdateTime\":\"2026-12-01T09:00:00Z\"}")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("has no 'contactId'");
        assertThatThrownBy(() ->
                        reader.admit(rows("{\"contactId\":{\"a\":1},\"lastUpdateTime\":\"2026-12-01T09:00:00Z\"}")))
                .hasMessageContaining("has no 'contactId'");
        assertThatThrownBy(() -> reader.admit(rows(
                        "{\"contactId\":\"" + "9".repeat(300) + "\",\"lastUpdateTime\":\"2026-12-01T09:00:00Z\"}")))
                .hasMessageContaining("more than 256");
        assertThatThrownBy(() -> reader.admit(rows("{\"contactId\":5}")))
                .hasMessageContaining("has no 'lastUpdateTime'");
        assertThatThrownBy(() -> reader.admit(rows("{\"contactId\":5,\"lastUpdateTime\":\"soon\"}")))
                .hasMessageContaining("not an ISO-8601 timestamp");
        assertThatThrownBy(() -> reader.admit(rows(
                        "{\"contactId\":9,\"lastUpdateTime\":\"2026-12-01T09:00:00Z\"}",
                        "{\"contactId\":10,\"lastUpdateTime\":\"2026-12-01T09:00:00Z\"}",
                        "{\"contactId\":8,\"lastUpdateTime\":\"2026-12-01T09:00:00Z\"}")))
                .hasMessageContaining("has key 8 after 10");
    }

    @Test
    void rowsAtOrBelowTheKeyCursorAndVersionsSeenBeforeAreNotWrittenAgain() {
        ExportSourceConfig config = config(Map.of());
        ReportingChunkReader reader = new ReportingChunkReader(
                "contacts/completed", config, null, metrics, Clock.fixed(ASKED, ZoneOffset.UTC));
        long seenAt = Instant.parse("2026-12-01T09:59:59Z").toEpochMilli();
        SeenVersions seen = new SeenVersions(10);
        seen.add("12", seenAt);
        reader.resume(new ExportOffset(
                "2026-12-01T00:00:00Z/2026-12-01T10:00:00Z",
                5,
                1,
                null,
                null,
                new ReportingCursor(null, ASKED, ASKED, "10", seen.encode(), 0, null, null, List.of()).toMap()));
        List<JsonNode> admitted = reader.admit(rows(
                "{\"contactId\":9,\"lastUpdateTime\":\"2026-12-01T09:00:00Z\"}",
                "{\"contactId\":10,\"lastUpdateTime\":\"2026-12-01T09:00:00Z\"}",
                "{\"contactId\":11,\"lastUpdateTime\":\"2026-12-01T09:59:00Z\"}",
                "{\"contactId\":12,\"lastUpdateTime\":\"2026-12-01T09:59:59Z\"}",
                "{\"contactId\":13,\"lastUpdateTime\":\"2026-12-01T09:59:59.500Z\"}"));
        assertThat(admitted).extracting(r -> r.get("contactId").asLong()).containsExactly(11L, 13L);
        ReportingCursor cursor = ReportingCursor.fromMap(reader.cursor());
        assertThat(cursor.lastKey()).isEqualTo("13");
        assertThat(cursor.firstKey()).isEqualTo("11");
        assertThat(cursor.skipped()).containsExactly("12");
        SeenVersions after = SeenVersions.decode(cursor.seen(), 10);
        assertThat(after.contains(
                        "13", Instant.parse("2026-12-01T09:59:59.500Z").toEpochMilli()))
                .as("written within the overlap before the watermark: remembered for the next pass")
                .isTrue();
        assertThat(after.contains("11", Instant.parse("2026-12-01T09:59:00Z").toEpochMilli()))
                .as("older than watermark - overlap: the next pass cannot meet it")
                .isFalse();
        assertThat(metrics.sensors().value("reporting-rows-behind-cursor-total"))
                .hasValue(2.0);
        assertThat(metrics.sensors().value("reporting-versions-skipped-total")).hasValue(1.0);
    }

    @Test
    void seenVersionsRoundTripStayWithinCapacityAndRefuseMalformedText() {
        SeenVersions seen = new SeenVersions(3);
        seen.add("a,b;c~d%", 1_000);
        seen.add("2", 1_500);
        seen.add("3", 2_000);
        assertThat(seen.add("4", 2_500)).isEqualTo(1);
        SeenVersions decoded = SeenVersions.decode(seen.encode(), 3);
        assertThat(decoded.contains("a,b;c~d%", 1_000)).isFalse();
        assertThat(decoded.contains("2", 1_500)).isTrue();
        assertThat(decoded.contains("4", 2_500)).isTrue();
        decoded.forgetBefore(2_000);
        assertThat(decoded.size()).isEqualTo(2);
        SeenVersions odd = new SeenVersions(3);
        odd.add("a,b;c~d%", 1_000);
        assertThat(SeenVersions.decode(odd.encode(), 3).contains("a,b;c~d%", 1_000))
                .isTrue();
        assertThatThrownBy(() -> SeenVersions.decode(seen.encode(), 2)).hasMessageContaining("more than");
        assertThatThrownBy(() -> SeenVersions.decode("x;1~2", 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeenVersions.decode("5;nokey", 3)).hasMessageContaining("not <key>~<offset>");
        assertThatThrownBy(() -> SeenVersions.decode("5;k~-1", 3)).hasMessageContaining("negative");
    }

    @Test
    void aStoredCursorMissingAKeyOrWithABadInstantIsRefusedByName() {
        Map<String, String> good = new ReportingCursor(null, ASKED, ASKED, "1", "", 0, "1", "ab", List.of()).toMap();
        assertThat(ReportingCursor.fromMap(good).lastKey()).isEqualTo("1");
        Map<String, String> missing = new HashMap<>(good);
        missing.remove(ReportingCursor.WATERMARK);
        assertThatThrownBy(() -> ReportingCursor.fromMap(missing)).hasMessageContaining("'watermark' is missing");
        Map<String, String> bad = new HashMap<>(good);
        bad.put(ReportingCursor.PASS_END, "tomorrow");
        assertThatThrownBy(() -> ReportingCursor.fromMap(bad)).hasMessageContaining("'pass_end' must be an ISO-8601");
        Map<String, Object> stored = new HashMap<>(new ExportOffset("not-a-range", 1, 1, null, null, good).toMap());
        ExportSourceConfig config = config(Map.of());
        ReportingChunkReader reader =
                new ReportingChunkReader("contacts/completed", config, null, metrics, Clock.systemUTC());
        assertThatThrownBy(() -> reader.resume(ExportOffset.fromMap(stored)))
                .hasMessageContaining("is not a Reporting API date range");
    }

    @Test
    void keysCompareAsNumbersWhenBothAreWholeNumbers() {
        assertThat(ReportingChunkReader.compareKeys("9", "10")).isNegative();
        assertThat(ReportingChunkReader.compareKeys("10", "10")).isZero();
        assertThat(ReportingChunkReader.compareKeys("abc", "abd")).isNegative();
        assertThat(ReportingChunkReader.compareKeys("010", "9")).isNegative(); // not a whole number: text order
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<JsonNode> rows(String... json) {
        List<JsonNode> rows = new ArrayList<>();
        for (String row : json) {
            try {
                rows.add(CxoneHttp.JSON.readTree(row));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return rows;
    }
}
