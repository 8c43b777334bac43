package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ChunkVerificationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> rows(String... json) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String j : json) {
            out.add(JSON.readTree(j));
        }
        return out;
    }

    @Test
    void checksumIsTheSha256OfSortedCompactRowsAndIgnoresKeyOrder() throws Exception {
        String a = ChunkChecksum.sha256(rows("{\"b\":1,\"a\":\"x\"}", "{\"a\":\"y\",\"b\":2.5}"));
        String b = ChunkChecksum.sha256(rows("{\"a\":\"x\",\"b\":1}", "{\"b\":2.5,\"a\":\"y\"}"));
        assertThat(a).isEqualTo(b);
        // Independently computed: sha256 of '{"a":"x","b":1}\n{"a":"y","b":2.5}\n'
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        String expected = java.util.HexFormat.of()
                .formatHex(
                        md.digest("{\"a\":\"x\",\"b\":1}\n{\"a\":\"y\",\"b\":2.5}\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(a).isEqualTo(expected);
        assertThat(ChunkChecksum.sha256(rows("{\"a\":\"x\",\"b\":1}", "{\"a\":\"y\",\"b\":2.6}")))
                .isNotEqualTo(a);
    }

    @Test
    void streamedChecksumEncodesRowsExactlyAsSortedTreesSerializedByJackson() throws Exception {
        // The reference: the tree-based canonical form (keys sorted by a sorted map, Jackson's serializer).
        ObjectMapper sortedKeys = new ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        List<JsonNode> rows = rows(
                "{\"z\":null,\"a\":{\"y\":[3,{\"q\":1,\"b\":2}],\"x\":\"\\u00e9\\n\\\"\\u0001\"},\"m\":true}",
                "{\"big\":123456789012345678901234567890,\"d\":1.50,\"e\":1e3,\"neg\":-7,\"l\":9007199254740993,\"s\":\"\\ud83d\\ude00 \\u2028\"}",
                "{}",
                "{\"arr\":[],\"o\":{}}");
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        for (JsonNode row : rows) {
            String expected = sortedKeys.writeValueAsString(sortedKeys.convertValue(row, java.util.TreeMap.class));
            assertThat(ChunkChecksum.canonical(row)).isEqualTo(expected);
            md.update((expected + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(ChunkChecksum.sha256(rows))
                .isEqualTo(java.util.HexFormat.of().formatHex(md.digest()));
    }

    @Test
    void recordsPagesParseRowByRowAndBadBodiesAreRetryableErrors() throws Exception {
        List<JsonNode> rows = RecordsChunkReader.parsePage(
                "[{\"id\":\"a\",\"n\":{\"x\":[1]}},{\"id\":\"b\"}]".getBytes(StandardCharsets.UTF_8), 2);
        assertThat(rows).extracting(r -> r.get("id").asText()).containsExactly("a", "b");
        assertThat(rows.get(0).get("n").get("x").get(0).asInt()).isEqualTo(1);
        assertThat(RecordsChunkReader.parsePage("[]".getBytes(StandardCharsets.UTF_8), 5))
                .isEmpty();
        Map<String, String> bad = Map.of(
                "[{\"id\":\"a\"},{\"id\":", "",
                "[{\"id\":\"a\"}", "end-of-input",
                "[{\"id\":\"a\"},7]", "record 1 is not a JSON object",
                "{\"id\":\"a\"}", "expected a JSON array",
                "[{\"id\":\"a\"}] []", "unexpected content after",
                "[{\"id\":1},{\"id\":2}]", "more than the limit 1");
        bad.forEach((body, message) -> assertThatThrownBy(
                        () -> RecordsChunkReader.parsePage(body.getBytes(StandardCharsets.UTF_8), 1))
                .as(body)
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining(message));
    }

    @Test
    void chunkRecordsHashCheaplyButStayEqualOnlyToEqualRecords() {
        Map<String, Object> offset = new ExportOffset("job", 10, 10, "a".repeat(64), "0123456789abcdef").toMap();
        Map<String, String> partition = ExportOffset.partition("records", "r");
        org.apache.kafka.connect.header.Headers headers =
                new org.apache.kafka.connect.header.ConnectHeaders().addString("h", "v");
        ChunkPipeline.ChunkRecord a = new ChunkPipeline.ChunkRecord(
                partition,
                offset,
                offset.hashCode(),
                "t",
                org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                "k",
                org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                "v1",
                headers);
        ChunkPipeline.ChunkRecord same = new ChunkPipeline.ChunkRecord(
                partition,
                offset,
                offset.hashCode(),
                "t",
                org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                "k",
                org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                "v1",
                headers.duplicate());
        ChunkPipeline.ChunkRecord otherValue = new ChunkPipeline.ChunkRecord(
                partition,
                offset,
                offset.hashCode(),
                "t",
                org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                "k",
                org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                "v2",
                headers);
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(otherValue);
        java.util.Set<org.apache.kafka.connect.source.SourceRecord> boundary = new java.util.HashSet<>(List.of(a));
        assertThat(boundary.contains(same)).isTrue();
        assertThat(boundary.contains(otherValue)).isFalse();
    }

    @Test
    void driftNamesAddedRemovedAndRetypedFields() throws Exception {
        ChunkShape baseline = ChunkShape.of(rows("{\"id\":\"1\",\"n\":1,\"gone\":true,\"maybe\":null}"));
        ChunkShape chunk = ChunkShape.of(rows("{\"id\":\"2\",\"n\":\"one\",\"extra\":1.5,\"maybe\":7}"));
        SchemaDrift drift = chunk.driftFrom(baseline);
        assertThat(drift.added()).containsExactly("extra");
        assertThat(drift.removed()).containsExactly("gone");
        assertThat(drift.retyped()).containsExactly("n LONG->STRING");
        assertThat(drift.describe()).isEqualTo("added [extra]; removed [gone]; retyped [n LONG->STRING]");
        assertThat(ChunkShape.of(rows("{\"id\":\"3\",\"n\":5,\"gone\":false,\"maybe\":null}"))
                        .driftFrom(baseline)
                        .isEmpty())
                .isTrue();
    }

    @Test
    void fingerprintDependsOnFieldsAndTypesNotOrder() throws Exception {
        assertThat(ChunkShape.of(rows("{\"a\":1,\"b\":\"x\"}")).fingerprint())
                .isEqualTo(ChunkShape.of(rows("{\"b\":\"y\",\"a\":2}")).fingerprint())
                .isNotEqualTo(ChunkShape.of(rows("{\"a\":\"1\",\"b\":\"x\"}")).fingerprint())
                .hasSize(16);
    }

    @Test
    void csvFilesParsePlainAndGzippedAndMalformedOnesAreRejected() throws Exception {
        byte[] csv =
                "id,count,when\nr1,3,2026-01-01T00:00:00Z\nr2,,2026-01-02T00:00:00Z\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(csv);
        }
        List<JsonNode> plain = DataExtractionChunkReader.parseCsv(csv, 1 << 20);
        assertThat(plain).hasSize(2);
        assertThat(plain.get(0).get("id").asText()).isEqualTo("r1");
        assertThat(DataExtractionChunkReader.parseCsv(gz.toByteArray(), 1 << 20))
                .isEqualTo(plain);
        assertThatThrownBy(() -> DataExtractionChunkReader.parseCsv(
                        "id,count\nr1,3,extra,columns\n".getBytes(StandardCharsets.UTF_8), 1 << 20))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("malformed CSV");
    }

    @Test
    void tenantIdComesFromTheJwtClaims() {
        String payload = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"tenantId\":\"t-42\",\"sub\":\"k\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(CxoneTenant.tenantId("eyJhbGciOiJub25lIn0." + payload + ".")).isEqualTo("t-42");
        assertThatThrownBy(() -> CxoneTenant.tenantId("opaque-token")).hasMessageContaining("not a JWT");
    }

    @Test
    void tokenIsRefreshedThirtySecondsBeforeExpiry() {
        MutableClock clock = new MutableClock();
        int[] fetches = {0};
        TokenCache cache = new TokenCache(
                () -> new TokenCache.Token("t" + (++fetches[0]), java.time.Duration.ofSeconds(60)), clock);
        assertThat(cache.get()).isEqualTo("t1");
        clock.advance(29);
        assertThat(cache.get()).isEqualTo("t1");
        clock.advance(2);
        assertThat(cache.get()).isEqualTo("t2");
        cache.invalidate();
        assertThat(cache.get()).isEqualTo("t3");
    }

    static final class MutableClock extends java.time.Clock {
        private java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

        void advance(long seconds) {
            now = now.plusSeconds(seconds);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    @Test
    void configValidationNamesTheFieldAndTheFix() {
        CxoneExportSourceConnector connector = new CxoneExportSourceConnector();
        Map<String, String> props = Map.of(
                "cxone.base.url",
                "http://127.0.0.1:8700",
                "topic",
                "t",
                "cxone.api",
                "records",
                "schema.drift.policy",
                "route");
        var errors = connector.validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(java.util.stream.Collectors.toMap(
                        v -> v.name(), v -> v.errorMessages().get(0)));
        assertThat(errors).containsKeys("cxone.reports", "cxone.client.id", "schema.drift.topic");
        assertThat(errors.get("cxone.reports")).contains("at least one report id");

        var single = connector
                .validate(Map.of("cxone.base.url", "ftp://x", "topic", "t", "chunk.size", "20000"))
                .configValues()
                .stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .map(v -> v.name())
                .toList();
        assertThat(single).contains("cxone.base.url", "chunk.size");
    }
}
