package io.cxone.kafka.source.webhook;

import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class EventBodyDecoderTest {

    private static final int MAX_DECODED_BYTES = 1024 * 1024;
    private static final byte[] SYNC = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final EventBodyDecoder decoder = new EventBodyDecoder(WebhookTestSupport.EVENT_SCHEMA, 10, MAX_DECODED_BYTES, false);

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
        List<GenericRecord> records = decoder.decode("avro/binary", WebhookTestSupport.container(older, List.of(event, event)));
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
            eleven.append(i == 0 ? "" : ",").append("{\"event_id\":\"x\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{}}");
        }
        assertStatus(() -> decoder.decode("application/json", eleven.append("]").toString().getBytes(StandardCharsets.UTF_8)), 413);
    }

    @Test
    void mediaTypeIgnoresParametersAndCase() {
        assertThat(EventBodyDecoder.mediaType("Application/JSON; charset=UTF-8")).isEqualTo("application/json");
        assertThat(EventBodyDecoder.mediaType(null)).isNull();
    }

    // Hostile bodies, each built byte by byte; each used to end in an Error (OOM, StackOverflow), a 500, or a loop.

    @Test
    void stringLengthBombIsRefusedBeforeAllocating() {
        // 8 bytes: event_id says 1.9e9 bytes, 3 follow
        byte[] body = concat(varLong(1_900_000_000L), "abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(body).hasSize(8);
        assertRejected("application/avro", body, 400, "string of 1900000000 bytes declared where only 3 bytes remain");
        // past Avro's own 2^31 check (which used to surface as UnsupportedOperationException, a 500)
        assertRejected("application/avro", concat(varLong(1L << 32), new byte[3]), 400, "string of 4294967296 bytes declared");
        assertRejected("application/avro", varLong(-1), 400, "string declares a negative length -1");
    }

    @Test
    void mapCountBombIsRefusedBeforeAllocating() {
        // 17 bytes: event_id "", timestamp 1, action_type "", user_id null, metadata says 5e8 entries, 8 bytes follow
        byte[] body = concat(new byte[] {0, 2, 0, 0}, varLong(500_000_000L), new byte[8]);
        assertThat(body).hasSize(17);
        assertRejected("application/avro", body, 400, "map declares 500000000 entries where only 8 bytes remain");
    }

    @Test
    void containerBlockSizeBombIsRefusedBeforeAllocating() throws IOException {
        byte[] body = concat(header(WebhookTestSupport.EVENT_SCHEMA, "null"), varLong(1), varLong(1L << 31), new byte[20], SYNC);
        assertRejected("avro/binary", body, 400,
                "avro container file, block 0: block of 2147483648 bytes declared where only 20 bytes remain before its sync marker");
        // 2^31 - 1 passes Avro 1.12.0's own check and was allocated whole
        body = concat(header(WebhookTestSupport.EVENT_SCHEMA, "null"), varLong(1), varLong(Integer.MAX_VALUE), new byte[20], SYNC);
        assertRejected("avro/binary", body, 400, "block of 2147483647 bytes declared where only 20 bytes remain");
    }

    @Test
    void deflateBombStopsInflatingAtTheDecodedBytesLimit() throws IOException {
        byte[] bomb = deflatedZeros(1_000_000_000L); // inflates to 1 GB
        assertThat(bomb.length).isLessThan(1_000_000);
        byte[] body = concat(header(WebhookTestSupport.EVENT_SCHEMA, "deflate"), varLong(1), varLong(bomb.length), bomb, SYNC);
        assertRejected("avro/binary", body, 413, "avro container file, block 0: inflates to more than request.max.decoded.bytes="
                + MAX_DECODED_BYTES + " bytes of event data");
    }

    @Test
    void deflatedContainersWithinTheLimitAreRead() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(WebhookTestSupport.EVENT_SCHEMA))) {
            writer.setCodec(CodecFactory.deflateCodec(6));
            writer.create(WebhookTestSupport.EVENT_SCHEMA, out);
            for (int i = 0; i < 10; i++) {
                writer.append(WebhookTestSupport.event("e-" + i, "A"));
            }
        }
        assertThat(decoder.decode("avro/binary", out.toByteArray())).hasSize(10);
        // the same file, one event over request.max.events
        assertRejected("avro/binary", WebhookTestSupport.container(WebhookTestSupport.EVENT_SCHEMA,
                java.util.Collections.nCopies(11, WebhookTestSupport.event("e", "A"))), 413, "more than request.max.events=10 events");
    }

    @Test
    void zeroByteItemsAreCountedWhenAWriterOnlyArrayIsSkipped() throws IOException {
        // the writer schema embedded in the file adds an array of null the configured schema does not have: resolution
        // skips it item by item, and null items take no byte, so only a count bounds the loop
        Schema writer = withField(WebhookTestSupport.EVENT_SCHEMA, "padding", "{\"type\":\"array\",\"items\":\"null\"}");
        byte[] event = WebhookTestSupport.datum(WebhookTestSupport.event("e-1", "A"));
        byte[] oneBlock = concat(event, varLong(1L << 62), varLong(0));
        assertRejected("avro/binary", containerOfEncoded(writer, oneBlock), 413,
                "avro container file, event 0: Avro data declares more than " + MAX_DECODED_BYTES + " array/map items");
        // many blocks, each under Avro's own per-block limit of 2^31 items
        ByteArrayOutputStream blocks = new ByteArrayOutputStream();
        blocks.write(event);
        for (int i = 0; i < 100; i++) {
            blocks.write(varLong(Integer.MAX_VALUE - 9));
        }
        blocks.write(varLong(0));
        assertRejected("avro/binary", containerOfEncoded(writer, blocks.toByteArray()), 413, "array/map items");
    }

    @Test
    void zeroByteItemsAreCountedWhenTheConfiguredSchemaReadsThem() throws IOException {
        Schema schema = withField(WebhookTestSupport.EVENT_SCHEMA, "padding", "{\"type\":\"array\",\"items\":\"null\"}");
        EventBodyDecoder paddedDecoder = new EventBodyDecoder(schema, 10, MAX_DECODED_BYTES, false);
        byte[] body = concat(WebhookTestSupport.datum(WebhookTestSupport.event("e-1", "A")), varLong(1L << 62), varLong(0));
        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> paddedDecoder.decode("application/avro", body)))
                .isInstanceOfSatisfying(RejectedRequest.class, e -> assertThat(e.status()).isEqualTo(413))
                .hasMessageContaining("array/map items");
        // within the limit, zero-byte items are read
        byte[] fine = concat(WebhookTestSupport.datum(WebhookTestSupport.event("e-1", "A")), varLong(1000), varLong(0));
        assertThat((List<?>) paddedDecoder.decode("application/avro", fine).get(0).get("padding")).hasSize(1000);
    }

    @Test
    void containerWithoutSchemaIsRefused() throws IOException {
        byte[] body = concat(header((String) null, "null"), varLong(1), varLong(1), new byte[1], SYNC);
        assertRejected("avro/binary", body, 400, "avro container file, header: no writer schema (avro.schema) in the header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"snappy", "bzip2", "xz", "zstandard", "lz4"})
    void codecsOtherThanNullAndDeflateAreRefused(String codec) throws IOException {
        byte[] body = concat(header(WebhookTestSupport.EVENT_SCHEMA, codec), varLong(1), varLong(4), new byte[4], SYNC);
        assertRejected("avro/binary", body, 400, "codec '" + codec + "' is not accepted; use null or deflate");
    }

    @Test
    void hostileWriterSchemasAreBoundedBeforeParsing() throws IOException {
        String deep = "{\"type\":\"array\",\"items\":".repeat(200) + "\"null\"" + "}".repeat(200);
        assertRejected("avro/binary", concat(header(deep, "null")), 400, "writer schema exceeds a limit: Document nesting depth");
        String huge = "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"" + "x".repeat(70_000) + "\",\"fields\":[]}";
        assertRejected("avro/binary", concat(header(huge, "null")), 400, "writer schema of 70");
        assertRejected("avro/binary", concat(header("{\"type\":\"nope\"}", "null")), 400, "writer schema is invalid");
    }

    @Test
    void deepRecursionBecomesARejectionNotAStackOverflow() throws IOException {
        // a writer-only field of a recursive type, nested 200,000 deep (one byte per level): skipping it recurses
        Schema writer = withField(WebhookTestSupport.EVENT_SCHEMA, "chain",
                "{\"type\":\"record\",\"name\":\"Link\",\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"Link\"]}]}");
        byte[] levels = new byte[200_000];
        Arrays.fill(levels, (byte) 2); // union branch 1: another Link
        byte[] datum = concat(WebhookTestSupport.datum(WebhookTestSupport.event("e-1", "A")), levels, new byte[] {0});
        assertRejected("avro/binary", containerOfEncoded(writer, datum), 400, "avro container file, event 0: nests too deeply to decode");
    }

    @Test
    void deeplyNestedJsonIsRefusedWithItsLimit() {
        byte[] body = ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        assertRejected("application/json", body, 400, "JSON exceeds a limit: Document nesting depth (65) exceeds the maximum allowed (64)");
    }

    @Test
    void hugeJsonNumbersAreRefusedWithTheirLimit() {
        String event = "{\"event_id\":\"e\",\"timestamp\":" + "9".repeat(500) + ",\"action_type\":\"A\",\"metadata\":{}}";
        assertRejected("application/json", event.getBytes(StandardCharsets.US_ASCII), 400,
                "JSON exceeds a limit: Number value length (500) exceeds the maximum allowed (100)");
    }

    @Test
    void decimalExponentBombIsRefusedWithoutComputingIt() {
        Schema schema = withField(WebhookTestSupport.EVENT_SCHEMA, "amount",
                "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}");
        EventBodyDecoder withDecimal = new EventBodyDecoder(schema, 10, MAX_DECODED_BYTES, false);
        for (String amount : List.of("1e999999999", "\"1e999999999\"", "1e-999999999", "-1E+2147483647")) {
            String event = "{\"event_id\":\"e\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{},\"amount\":" + amount + "}";
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> withDecimal.decode("application/json", event.getBytes(StandardCharsets.US_ASCII))))
                    .isInstanceOfSatisfying(RejectedRequest.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageContaining("field 'amount': ");
        }
    }

    @Test
    void jsonLargerThanTheDecodedBytesLimitIsRefused() {
        EventBodyDecoder small = new EventBodyDecoder(WebhookTestSupport.EVENT_SCHEMA, 10, 1024, false);
        byte[] body = ("{\"event_id\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> small.decode("application/json", body)).isInstanceOfSatisfying(RejectedRequest.class,
                e -> assertThat(e.status()).isEqualTo(413)).hasMessage("JSON body: holds more than request.max.decoded.bytes=1024 bytes of event data");
    }

    /** Decodes in bounded time (the guard only catches a hang) to a rejection with this status and reason. */
    private void assertRejected(String mediaType, byte[] body, int status, String reason) {
        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> decoder.decode(mediaType, body)))
                .isInstanceOfSatisfying(RejectedRequest.class, e -> assertThat(e.status()).isEqualTo(status))
                .hasMessageContaining(reason);
    }

    private static Schema withField(Schema schema, String name, String type) {
        String json = schema.toString();
        return new Schema.Parser().parse(json.substring(0, json.lastIndexOf(']'))
                + ",{\"name\":\"" + name + "\",\"type\":" + type + "}]}");
    }

    /** A container file of one block holding one datum encoded by hand, written by Avro's own writer. */
    private static byte[] containerOfEncoded(Schema writerSchema, byte[] datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(writerSchema))) {
            writer.create(writerSchema, out);
            writer.appendEncoded(ByteBuffer.wrap(datum));
        }
        return out.toByteArray();
    }

    private static byte[] header(Schema schema, String codec) throws IOException {
        return header(schema == null ? null : schema.toString(), codec);
    }

    /** A container file header: magic, metadata (schema and codec) and {@link #SYNC}. */
    private static byte[] header(String schema, String codec) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        if (schema != null) {
            meta.put(DataFileConstants.SCHEMA, schema);
        }
        meta.put(DataFileConstants.CODEC, codec);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        encoder.writeFixed(DataFileConstants.MAGIC);
        encoder.writeMapStart();
        encoder.setItemCount(meta.size());
        for (Map.Entry<String, String> entry : meta.entrySet()) {
            encoder.startItem();
            encoder.writeString(entry.getKey());
            encoder.writeBytes(entry.getValue().getBytes(StandardCharsets.UTF_8));
        }
        encoder.writeMapEnd();
        encoder.writeFixed(SYNC);
        encoder.flush();
        return out.toByteArray();
    }

    /**
     * A raw deflate stream that inflates to {@code size} zero bytes, built cheaply: one mebibyte of zeros deflated
     * once to a byte-aligned segment (sync flush), that segment repeated (each copy only refers back to zeros), then
     * the final empty block.
     */
    private static byte[] deflatedZeros(long size) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        deflater.setInput(zeros);
        byte[] first = drain(deflater, buffer, Deflater.SYNC_FLUSH);
        deflater.setInput(zeros);
        byte[] next = drain(deflater, buffer, Deflater.SYNC_FLUSH);
        deflater.finish();
        byte[] last = drain(deflater, buffer, Deflater.NO_FLUSH);
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        for (long written = zeros.length; written < size; written += zeros.length) {
            out.writeBytes(next);
        }
        out.writeBytes(last);
        return out.toByteArray();
    }

    private static byte[] drain(Deflater deflater, byte[] buffer, int flush) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n;
        while ((n = deflater.deflate(buffer, 0, buffer.length, flush)) > 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** An Avro long: zig-zag, then 7 bits a byte. */
    private static byte[] varLong(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static void assertStatus(Runnable call, int status) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RejectedRequest.class, e -> assertThat(e.status()).isEqualTo(status));
    }
}
