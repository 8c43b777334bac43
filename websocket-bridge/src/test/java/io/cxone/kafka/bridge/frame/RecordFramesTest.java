package io.cxone.kafka.bridge.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.bridge.BridgeConfig;
import io.cxone.kafka.bridge.SchemaRegistryClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordFramesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RecordFrames frames = new RecordFrames(null);

    private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
        headers.add("bin", new byte[] {(byte) 0xff, 0});
        return new ConsumerRecord<>(
                "cxone.events",
                2,
                41L,
                1700000000000L,
                TimestampType.CREATE_TIME,
                0,
                0,
                key,
                value,
                headers,
                Optional.empty());
    }

    @Test
    void envelopeCarriesCoordinatesKeyHeadersAndJsonValue() throws Exception {
        byte[] frame = frames.record(record(
                "k-1".getBytes(StandardCharsets.UTF_8),
                "{\"event_id\":\"e1\",\"n\":1.5}".getBytes(StandardCharsets.UTF_8)));
        String text = new String(frame, StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"checksum\":\"");
        JsonNode env = JSON.readTree(text);
        assertThat(env.get("type").asText()).isEqualTo("record");
        assertThat(env.get("topic").asText()).isEqualTo("cxone.events");
        assertThat(env.get("partition").asInt()).isEqualTo(2);
        assertThat(env.get("offset").asLong()).isEqualTo(41);
        assertThat(env.get("timestamp").asLong()).isEqualTo(1700000000000L);
        assertThat(env.get("key").asText()).isEqualTo("k-1");
        assertThat(env.get("headers").get(0).get("name").asText()).isEqualTo("trace");
        assertThat(env.get("headers").get(0).get("value").asText()).isEqualTo("abc");
        assertThat(env.get("headers").get(1).get("encoding").asText()).isEqualTo("base64");
        assertThat(env.get("valueFormat").asText()).isEqualTo("json");
        assertThat(env.get("value").get("event_id").asText()).isEqualTo("e1");
        assertThat(FrameChecksum.verify(text)).isTrue();
    }

    @Test
    void checksumDetectsAnyChangeAndFollowsTheDocumentedRule() throws Exception {
        String text = new String(
                frames.record(record(null, "{\"a\":1}".getBytes(StandardCharsets.UTF_8))), StandardCharsets.UTF_8);
        assertThat(FrameChecksum.verify(text)).isTrue();
        assertThat(FrameChecksum.verify(text.replace("\"a\":1", "\"a\":2"))).isFalse();
        assertThat(FrameChecksum.verify(text.replace("\"offset\":41", "\"offset\":42")))
                .isFalse();
        // The documented rule, computed independently.
        String zeroed = "{\"checksum\":\"" + "0".repeat(64) + text.substring(77);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        String hex = java.util.HexFormat.of().formatHex(sha.digest(zeroed.getBytes(StandardCharsets.UTF_8)));
        assertThat(JSON.readTree(text).get("checksum").asText()).isEqualTo(hex);
    }

    @Test
    void nonJsonValuesAndKeysAreBase64AndNullIsNull() throws Exception {
        JsonNode env = JSON.readTree(
                frames.record(record(new byte[] {(byte) 0xc3}, "plain text".getBytes(StandardCharsets.UTF_8))));
        assertThat(env.get("valueFormat").asText()).isEqualTo("base64");
        assertThat(new String(
                        java.util.Base64.getDecoder().decode(env.get("value").asText()), StandardCharsets.UTF_8))
                .isEqualTo("plain text");
        assertThat(env.get("keyEncoding").asText()).isEqualTo("base64");

        JsonNode tomb = JSON.readTree(frames.record(record(null, null)));
        assertThat(tomb.get("valueFormat").asText()).isEqualTo("null");
        assertThat(tomb.get("value").isNull()).isTrue();
        assertThat(tomb.get("key").isNull()).isTrue();
    }

    @Test
    void avroWireFormatWithoutRegistryPassesAsBase64WithReason() throws Exception {
        try (SchemaRegistryClient registry = new SchemaRegistryClient(BridgeConfig.of(Map.of(
                "kafka.bootstrap.servers",
                "127.0.0.1:9092",
                "auth.enabled",
                "false",
                "schema.registry.url",
                "http://127.0.0.1:1/apis/registry/v2")))) {
            RecordFrames withRegistry = new RecordFrames(registry);
            JsonNode env = JSON.readTree(withRegistry.record(record(null, new byte[] {0, 0, 0, 0, 7, 2, 4})));
            assertThat(env.get("valueFormat").asText()).isEqualTo("base64");
            assertThat(env.get("valueError").asText()).contains("schema id 7");
        }
    }

    @Test
    void batchAndControlFramesAreSealedToo() throws Exception {
        ConsumerRecord<byte[], byte[]> r = record(null, "1".getBytes(StandardCharsets.UTF_8));
        String batch = new String(frames.batch(List.of(r, r)), StandardCharsets.UTF_8);
        assertThat(FrameChecksum.verify(batch)).isTrue();
        assertThat(JSON.readTree(batch).get("records")).hasSize(2);
        String error = new String(RecordFrames.tooLarge("t", 1, 9, 2000, 1024), StandardCharsets.UTF_8);
        assertThat(FrameChecksum.verify(error)).isTrue();
        assertThat(JSON.readTree(error).get("code").asText()).isEqualTo("record_too_large");
        String subscribed = new String(RecordFrames.subscribed(Map.of("t", Map.of(0, 5L))), StandardCharsets.UTF_8);
        assertThat(JSON.readTree(subscribed).at("/positions/t/0").asLong()).isEqualTo(5);
    }

    @Test
    void gzipPayloadDecompressesToTheSealedText() throws Exception {
        byte[] text = frames.record(record(null, "{\"x\":\"y\"}".getBytes(StandardCharsets.UTF_8)));
        byte[] gz = RecordFrames.gzip(text);
        byte[] back = new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes();
        assertThat(back).isEqualTo(text);
        assertThat(FrameChecksum.verify(new String(back, StandardCharsets.UTF_8)))
                .isTrue();
    }

    @Test
    void batchFromEncodedRecordsIsByteForByteTheBatchOfTheRecords() {
        List<ConsumerRecord<byte[], byte[]>> records = List.of(
                record(
                        "k-1".getBytes(StandardCharsets.UTF_8),
                        "{\"event_id\":\"e1\"}".getBytes(StandardCharsets.UTF_8)),
                record(null, new byte[] {1, 2, 3}),
                record(new byte[] {(byte) 0xfe}, null));
        List<EncodedRecord> encoded = records.stream().map(frames::encode).toList();
        assertThat(new String(encoded.get(0).text(), StandardCharsets.UTF_8).substring(EncodedRecord.FIELDS_START))
                .startsWith("\"topic\":\"cxone.events\"");
        byte[] batch = RecordFrames.batchOf(encoded);
        assertThat(new String(batch, StandardCharsets.UTF_8))
                .isEqualTo(new String(frames.batch(records), StandardCharsets.UTF_8));
        assertThat(FrameChecksum.verify(new String(batch, StandardCharsets.UTF_8)))
                .isTrue();
        assertThat(new String(RecordFrames.batchOf(encoded.subList(0, 1)), StandardCharsets.UTF_8))
                .isEqualTo(new String(frames.batch(records.subList(0, 1)), StandardCharsets.UTF_8));
    }

    @Test
    void encodedRecordSharesOneFrameAndCompressesOnce() throws Exception {
        EncodedRecord r = frames.encode(record(null, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.plain().payload())
                .isEqualTo(frames.record(record(null, "{\"a\":1}".getBytes(StandardCharsets.UTF_8))));
        assertThat(r.plain().spans()).containsExactly(new OutboundFrame.Span("cxone.events", 2, 41, 41));
        OutboundFrame gz = r.gzipped();
        assertThat(r.gzipped()).isSameAs(gz);
        assertThat(gz.binary()).isTrue();
        assertThat(new GZIPInputStream(new ByteArrayInputStream(gz.payload())).readAllBytes())
                .isEqualTo(r.text());
    }
}
