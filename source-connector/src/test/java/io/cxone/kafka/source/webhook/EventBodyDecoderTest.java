package io.cxone.kafka.source.webhook;

import static io.cxone.kafka.source.webhook.HostileBodies.EVENT_SCHEMA;
import static io.cxone.kafka.source.webhook.HostileBodies.blockSizeBomb;
import static io.cxone.kafka.source.webhook.HostileBodies.concat;
import static io.cxone.kafka.source.webhook.HostileBodies.containerOfEncoded;
import static io.cxone.kafka.source.webhook.HostileBodies.containerWithCodec;
import static io.cxone.kafka.source.webhook.HostileBodies.containerWithoutSchema;
import static io.cxone.kafka.source.webhook.HostileBodies.deepJson;
import static io.cxone.kafka.source.webhook.HostileBodies.deflateBomb;
import static io.cxone.kafka.source.webhook.HostileBodies.event;
import static io.cxone.kafka.source.webhook.HostileBodies.header;
import static io.cxone.kafka.source.webhook.HostileBodies.mapCountBomb;
import static io.cxone.kafka.source.webhook.HostileBodies.nullArrayBomb;
import static io.cxone.kafka.source.webhook.HostileBodies.stringLengthBomb;
import static io.cxone.kafka.source.webhook.HostileBodies.varLong;
import static io.cxone.kafka.source.webhook.HostileBodies.withField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventBodyDecoderTest {

    private static final int MAX_DECODED_BYTES = 1024 * 1024;

    private final EventBodyDecoder decoder =
            new EventBodyDecoder(WebhookTestSupport.EVENT_SCHEMA, 10, MAX_DECODED_BYTES, false);

    @Test
    void containerFilesAreResolvedAgainstTheConfiguredSchema() throws Exception {
        // an older writer without user_id: the reader's default (null) fills it in
        Schema older = new Schema.Parser().parse("""
                {"type":"record","name":"DataActionEvent","namespace":"com.nice.cxone.events","fields":[
                  {"name":"event_id","type":"string"},
                  {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},
                  {"name":"action_type","type":"string"},
                  {"name":"metadata","type":{"type":"map","values":"string"}}]}""");
        GenericRecord event = new GenericData.Record(older);
        event.put("event_id", "e-1");
        event.put("timestamp", 5L);
        event.put("action_type", "A");
        event.put("metadata", Map.of());
        List<GenericRecord> records =
                decoder.decode("avro/binary", WebhookTestSupport.container(older, List.of(event, event)));
        assertThat(records).hasSize(2);
        assertThat(records.get(0).getSchema()).isEqualTo(WebhookTestSupport.EVENT_SCHEMA);
        assertThat(records.get(0).get("user_id")).isNull();
        assertThat(records.get(1).get("event_id").toString()).isEqualTo("e-1");
    }

    @Test
    void rejectsWithTheRightStatus() {
        assertStatus(() -> decoder.decode("application/json", new byte[0]), 400);
        assertStatus(() -> decoder.decode("application/json", "[]".getBytes(StandardCharsets.UTF_8)), 400);
        assertStatus(() -> decoder.decode("application/json", "{} {}".getBytes(StandardCharsets.UTF_8)), 400);
        assertStatus(() -> decoder.decode("text/csv", "a".getBytes(StandardCharsets.UTF_8)), 415);
        StringBuilder eleven = new StringBuilder("[");
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",")
                    .append("{\"event_id\":\"x\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{}}");
        }
        assertStatus(
                () -> decoder.decode(
                        "application/json", eleven.append("]").toString().getBytes(StandardCharsets.UTF_8)),
                413);
    }

    @Test
    void mediaTypeIgnoresParametersAndCase() {
        assertThat(EventBodyDecoder.mediaType("Application/JSON; charset=UTF-8"))
                .isEqualTo("application/json");
        assertThat(EventBodyDecoder.mediaType(null)).isNull();
    }

    // Hostile bodies (HostileBodies), each built byte by byte; each used to end in an Error (OOM, StackOverflow), a
    // 500,
    // or a loop that never answered.

    @Test
    void stringLengthBombIsRefusedBeforeAllocating() {
        assertThat(stringLengthBomb()).hasSize(8);
        assertRejected(
                "application/avro",
                stringLengthBomb(),
                400,
                "application/avro DataActionEvent datum: string of 1900000000 bytes declared where only 3 bytes remain");
        // past Avro's own 2^31 check (which surfaced as UnsupportedOperationException, a 500)
        assertRejected(
                "application/avro", concat(varLong(1L << 32), new byte[3]), 400, "string of 4294967296 bytes declared");
        assertRejected("application/avro", varLong(-1), 400, "string declares a negative length -1");
    }

    @Test
    void mapCountBombIsRefusedBeforeAllocating() {
        assertThat(mapCountBomb()).hasSize(17);
        assertRejected(
                "application/avro", mapCountBomb(), 400, "map declares 500000000 entries where only 8 bytes remain");
    }

    @Test
    void containerBlockSizeBombIsRefusedBeforeAllocating() {
        assertRejected(
                "avro/binary",
                blockSizeBomb(1L << 31),
                400,
                "avro container file, block 0: block of 2147483648 bytes declared where only 20 bytes remain before its sync marker");
        // 2^31 - 1 passes Avro 1.12.0's own check and was allocated whole
        assertRejected(
                "avro/binary",
                blockSizeBomb(Integer.MAX_VALUE),
                400,
                "block of 2147483647 bytes declared where only 20 bytes remain");
    }

    @Test
    void deflateBombStopsInflatingAtTheDecodedBytesLimit() {
        byte[] body = deflateBomb(1_000_000_000L); // inflates to 1 GB
        assertThat(body.length).isLessThan(1_000_000);
        assertRejected(
                "avro/binary",
                body,
                413,
                "avro container file, block 0: inflates to more than request.max.decoded.bytes=" + MAX_DECODED_BYTES
                        + " bytes of event data");
    }

    @Test
    void deflatedContainersWithinTheLimitAreRead() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer =
                new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(EVENT_SCHEMA))) {
            writer.setCodec(CodecFactory.deflateCodec(6));
            writer.create(EVENT_SCHEMA, out);
            for (int i = 0; i < 10; i++) {
                writer.append(WebhookTestSupport.event("e-" + i, "A"));
            }
        }
        assertThat(decoder.decode("avro/binary", out.toByteArray())).hasSize(10);
        // a file one event over request.max.events
        assertRejected(
                "avro/binary",
                WebhookTestSupport.container(EVENT_SCHEMA, Collections.nCopies(11, WebhookTestSupport.event("e", "A"))),
                413,
                "more than request.max.events=10 events");
    }

    @Test
    void zeroByteItemsAreCountedWhenAWriterOnlyArrayIsSkipped() throws IOException {
        // resolution skips the writer-only array of null item by item, and null items take no byte: only a count bounds
        // it
        assertRejected(
                "avro/binary",
                nullArrayBomb(),
                413,
                "avro container file, event 0: Avro data declares 4611686018427387904 array/map items where request.max.decoded.bytes="
                        + MAX_DECODED_BYTES + " leaves room for ");
        // many blocks, each under Avro's own per-block limit of 2^31 items
        ByteArrayOutputStream blocks = new ByteArrayOutputStream();
        blocks.write(event());
        for (int i = 0; i < 100; i++) {
            blocks.write(varLong(Integer.MAX_VALUE - 9));
        }
        blocks.write(varLong(0));
        Schema writer = withField(EVENT_SCHEMA, "padding", "{\"type\":\"array\",\"items\":\"null\"}");
        assertRejected("avro/binary", containerOfEncoded(writer, blocks.toByteArray()), 413, "array/map items");
    }

    @Test
    void itemsAreChargedForTheHeapTheyTakeNotJustTheirBytes() {
        // one event whose metadata map holds 100,000 distinct 3-byte keys with empty values: 500 KB of data, within
        // the 1 MiB budget as bytes, but some 15 MB of heap once decoded (16 budget bytes an item leave no room)
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        for (int i = 0; i < 100_000; i++) {
            entries.writeBytes(new byte[] {6, (byte) (i >> 16), (byte) (i >> 8), (byte) i, 0});
        }
        byte[] datum = concat(new byte[] {0, 2, 0, 0}, varLong(100_000), entries.toByteArray(), varLong(0));
        assertRejected(
                "application/avro",
                datum,
                413,
                "Avro data declares 100000 array/map items where request.max.decoded.bytes=");
        // a tenth of it is read
        byte[] tenth = concat(
                new byte[] {0, 2, 0, 0}, varLong(10_000), Arrays.copyOf(entries.toByteArray(), 50_000), varLong(0));
        assertThat((Map<?, ?>) decoder.decode("application/avro", tenth).get(0).get("metadata"))
                .hasSize(10_000);
    }

    @Test
    void zeroByteItemsAreCountedWhenTheConfiguredSchemaReadsThem() {
        Schema schema = withField(EVENT_SCHEMA, "padding", "{\"type\":\"array\",\"items\":\"null\"}");
        EventBodyDecoder paddedDecoder = new EventBodyDecoder(schema, 10, MAX_DECODED_BYTES, false);
        byte[] body = concat(event(), varLong(1L << 62), varLong(0));
        assertThatThrownBy(() -> assertTimeoutPreemptively(
                        Duration.ofSeconds(30), () -> paddedDecoder.decode("application/avro", body)))
                .isInstanceOfSatisfying(
                        RejectedRequest.class, e -> assertThat(e.status()).isEqualTo(413))
                .hasMessageContaining("array/map items");
        // within the limit, zero-byte items are read
        byte[] fine = concat(event(), varLong(1000), varLong(0));
        assertThat((List<?>)
                        paddedDecoder.decode("application/avro", fine).get(0).get("padding"))
                .hasSize(1000);
    }

    @Test
    void containerWithoutSchemaIsRefused() {
        assertRejected(
                "avro/binary",
                containerWithoutSchema(),
                400,
                "avro container file, header: no writer schema (avro.schema) in the header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"snappy", "bzip2", "xz", "zstandard", "lz4"})
    void codecsOtherThanNullAndDeflateAreRefused(String codec) {
        assertRejected(
                "avro/binary",
                containerWithCodec(codec),
                400,
                "codec '" + codec + "' is not accepted; use null or deflate");
    }

    @Test
    void hostileWriterSchemasAreBoundedBeforeParsing() {
        String deep = "{\"type\":\"array\",\"items\":".repeat(200) + "\"null\"" + "}".repeat(200);
        assertRejected(
                "avro/binary", header(deep, "null"), 400, "writer schema exceeds a limit: Document nesting depth");
        String huge = "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"" + "x".repeat(70_000) + "\",\"fields\":[]}";
        assertRejected("avro/binary", header(huge, "null"), 400, "writer schema of 70");
        assertRejected("avro/binary", header("{\"type\":\"nope\"}", "null"), 400, "writer schema is invalid");
    }

    @Test
    void deepRecursionBecomesARejectionNotAStackOverflow() {
        // a writer-only field of a recursive type, nested 200,000 deep (one byte per level): skipping it recurses
        Schema writer = withField(
                EVENT_SCHEMA,
                "chain",
                "{\"type\":\"record\",\"name\":\"Link\",\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"Link\"]}]}");
        byte[] levels = new byte[200_000];
        Arrays.fill(levels, (byte) 2); // union branch 1: another Link
        assertRejected(
                "avro/binary",
                containerOfEncoded(writer, concat(event(), levels, new byte[] {0})),
                400,
                "avro container file, event 0: nests too deeply to decode");
    }

    @Test
    void deeplyNestedJsonIsRefusedWithItsLimit() {
        assertRejected(
                "application/json",
                deepJson(100_000),
                400,
                "JSON exceeds a limit: Document nesting depth (65) exceeds the maximum allowed (64)");
    }

    @Test
    void hugeJsonNumbersAreRefusedWithTheirLimit() {
        String event =
                "{\"event_id\":\"e\",\"timestamp\":" + "9".repeat(500) + ",\"action_type\":\"A\",\"metadata\":{}}";
        assertRejected(
                "application/json",
                event.getBytes(StandardCharsets.US_ASCII),
                400,
                "JSON exceeds a limit: Number value length (500) exceeds the maximum allowed (100)");
    }

    @Test
    void decimalExponentBombIsRefusedWithoutComputingIt() {
        Schema schema = withField(
                EVENT_SCHEMA,
                "amount",
                "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}");
        EventBodyDecoder withDecimal = new EventBodyDecoder(schema, 10, MAX_DECODED_BYTES, false);
        for (String amount : List.of("1e999999999", "\"1e999999999\"", "1e-999999999", "-1E+2147483647")) {
            String event = "{\"event_id\":\"e\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{},\"amount\":"
                    + amount + "}";
            assertThatThrownBy(() -> assertTimeoutPreemptively(
                            Duration.ofSeconds(30),
                            () -> withDecimal.decode("application/json", event.getBytes(StandardCharsets.US_ASCII))))
                    .isInstanceOfSatisfying(
                            RejectedRequest.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageContaining("field 'amount': ");
        }
    }

    @Test
    void jsonLargerThanTheDecodedBytesLimitIsRefused() {
        EventBodyDecoder small = new EventBodyDecoder(EVENT_SCHEMA, 10, 1024, false);
        byte[] body = ("{\"event_id\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> small.decode("application/json", body))
                .isInstanceOfSatisfying(
                        RejectedRequest.class, e -> assertThat(e.status()).isEqualTo(413))
                .hasMessage("JSON body: holds more than request.max.decoded.bytes=1024 bytes of event data");
    }

    /** Decodes in bounded time (the guard only catches a hang) to a rejection with this status and reason. */
    private void assertRejected(String mediaType, byte[] body, int status, String reason) {
        assertThatThrownBy(
                        () -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> decoder.decode(mediaType, body)))
                .isInstanceOfSatisfying(
                        RejectedRequest.class, e -> assertThat(e.status()).isEqualTo(status))
                .hasMessageContaining(reason);
    }

    private static void assertStatus(Runnable call, int status) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RejectedRequest.class, e -> assertThat(e.status())
                .isEqualTo(status));
    }
}
