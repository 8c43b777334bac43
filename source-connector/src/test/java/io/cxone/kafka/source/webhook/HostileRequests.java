package io.cxone.kafka.source.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * A seeded corpus of hostile and malformed webhook requests, for the adversarial IT. The same seed gives the same
 * requests, byte for byte (HMAC signatures excepted: they sign the send time), so a failure is reproduced by running
 * again with the printed seed. Requests are built one at a time as the IT asks for them: the corpus is sent to a
 * worker in the same JVM with a small heap, so it is never held whole in memory.
 *
 * <p>Every request is invalid by construction, so none may reach the topic: truncations of a valid datum always end
 * inside it; bit-flipped bodies are kept only when a schema-driven skip of the flipped bytes fails (a flip that still
 * decodes is redrawn); JSON and container cases miss a required field, carry a wrong type, or exceed a count.
 */
final class HostileRequests implements Iterable<HostileRequests.HostileRequest> {

    /** What a case attacks; the IT reports counts and outcomes per category. */
    enum Category {
        LENGTH_BOMB,
        COUNT_BOMB,
        COMPRESSION_BOMB,
        CODEC,
        TRUNCATED_AVRO,
        BITFLIP_AVRO,
        CONTAINER_STRUCTURE,
        DEEP_JSON,
        HUGE_JSON,
        NUMERIC_BOMB,
        CONTENT_LENGTH,
        CHUNKED,
        SLOW_BODY,
        METHOD_PATH_TYPE,
        MALFORMED_HTTP,
        AUTH
    }

    /** Which listener a case goes to: the open one (auth.mode=none) or one per auth mode. */
    enum Target {
        OPEN,
        BASIC,
        BEARER,
        HMAC
    }

    /**
     * What counts as handled: a 4xx whose body is JSON with an {@code error} reason; for protocol abuse, where Jetty's
     * HTTP parser answers before the webhook sees a request, that or a close of the connection; for a request line
     * without a supported HTTP version, also the 505 HTTP prescribes for it (RFC 9110 15.6.6), the one 5xx that
     * refuses the caller rather than reporting a failure of the server.
     */
    enum Expect {
        REJECT_JSON,
        REJECT_OR_CLOSE,
        REJECT_VERSION_OR_CLOSE
    }

    /** The HMAC headers the IT adds at send time (they sign the current time); basic and bearer cases carry theirs. */
    enum Auth {
        NONE,
        HMAC_OK,
        HMAC_EXPIRED,
        HMAC_FUTURE,
        HMAC_WRONG_SECRET,
        HMAC_OTHER_BODY,
        HMAC_NO_SIGNATURE,
        HMAC_NO_TIMESTAMP,
        HMAC_NOT_HEX
    }

    /**
     * One request. Well-formed HTTP ({@link #raw} null) is sent with java.net.http: method, path, headers, body.
     * Protocol abuse is raw bytes over a socket: {@link #raw} parts, each after {@link #gapMillis} (a trickle), then
     * the output is half-closed or left open.
     */
    record HostileRequest(
            int index,
            Category category,
            String description,
            Target target,
            Expect expect,
            int status,
            String method,
            String path,
            List<String> headers,
            Auth auth,
            byte[] body,
            List<byte[]> raw,
            long gapMillis,
            boolean halfClose) {

        boolean slow() {
            return category == Category.SLOW_BODY;
        }

        @Override
        public String toString() {
            return "#" + index + " " + category + " (" + description + ")";
        }
    }

    static final String PATH = WebhookConfig.DEFAULT_PATH;
    static final String BASIC_USER = "cxone-adv";
    static final String BASIC_PASSWORD = "adv-password-0123";
    static final String BEARER_TOKEN = "adv-bearer-token-0123456789";
    static final String HMAC_SECRET = "adv-hmac-secret-0123456789";
    static final int HMAC_TOLERANCE_SECONDS = 60;
    /** The listeners' request.max.bytes and request.max.events: the defaults, which is what this corpus tests. */
    static final int MAX_BYTES = 1024 * 1024;

    static final int MAX_EVENTS = 1000;

    /** The built-in event schema plus an optional decimal, so numeric bombs reach a decimal conversion. */
    static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"DataActionEvent","namespace":"com.nice.cxone.events","fields":[
             {"name":"event_id","type":"string"},
             {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},
             {"name":"action_type","type":"string"},
             {"name":"user_id","type":["null","string"],"default":null},
             {"name":"metadata","type":{"type":"map","values":"string"}},
             {"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":18,"scale":2}],"default":null}]}""");

    /** Cases per category in one run (1,186 in all). */
    private static final Map<Category, Integer> COUNTS = new EnumMap<>(Map.ofEntries(
            Map.entry(Category.LENGTH_BOMB, 110), Map.entry(Category.COUNT_BOMB, 120),
            Map.entry(Category.COMPRESSION_BOMB, 24), Map.entry(Category.CODEC, 50),
            Map.entry(Category.TRUNCATED_AVRO, 120), Map.entry(Category.BITFLIP_AVRO, 160),
            Map.entry(Category.CONTAINER_STRUCTURE, 80), Map.entry(Category.DEEP_JSON, 40),
            Map.entry(Category.HUGE_JSON, 60), Map.entry(Category.NUMERIC_BOMB, 60),
            Map.entry(Category.CONTENT_LENGTH, 60), Map.entry(Category.CHUNKED, 30),
            Map.entry(Category.SLOW_BODY, 12), Map.entry(Category.METHOD_PATH_TYPE, 80),
            Map.entry(Category.MALFORMED_HTTP, 80), Map.entry(Category.AUTH, 100)));

    private static final long[] HUGE_LENGTHS = {
        1L << 20,
        1L << 24,
        1L << 28,
        500_000_000L,
        1_900_000_000L,
        Integer.MAX_VALUE - 8,
        Integer.MAX_VALUE,
        1L << 31,
        1L << 32,
        1L << 40,
        1L << 62,
        Long.MAX_VALUE,
        -1,
        -2,
        Integer.MIN_VALUE,
        Long.MIN_VALUE
    };
    private static final long[] HUGE_COUNTS = {
        1001,
        100_000,
        500_000_000L,
        Integer.MAX_VALUE,
        1L << 31,
        1L << 40,
        1L << 62,
        Long.MAX_VALUE,
        -500_000_000L,
        -(1L << 62),
        Long.MIN_VALUE + 1
    };

    private final long seed;
    private final List<Category> order = new ArrayList<>();

    HostileRequests(long seed) {
        this.seed = seed;
        COUNTS.forEach((category, n) -> order.addAll(Collections.nCopies(n, category)));
        Collections.shuffle(order, new Random(seed)); // interleaved, so a broken listener shows in every category
    }

    int size() {
        return order.size();
    }

    static Map<Category, Integer> counts() {
        return Collections.unmodifiableMap(COUNTS);
    }

    @Override
    public Iterator<HostileRequest> iterator() {
        return new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < order.size();
            }

            @Override
            public HostileRequest next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return build(next++);
            }
        };
    }

    /** Case {@code index}, from its own random stream: the same case whatever was built before it. */
    HostileRequest build(int index) {
        Random random = new Random(seed * 1_000_003L + index);
        Case c = new Case(index, order.get(index), random);
        try {
            switch (c.category) {
                case LENGTH_BOMB -> lengthBomb(c);
                case COUNT_BOMB -> countBomb(c);
                case COMPRESSION_BOMB -> compressionBomb(c);
                case CODEC -> codec(c);
                case TRUNCATED_AVRO -> truncated(c);
                case BITFLIP_AVRO -> bitFlipped(c);
                case CONTAINER_STRUCTURE -> containerStructure(c);
                case DEEP_JSON -> deepJson(c);
                case HUGE_JSON -> hugeJson(c);
                case NUMERIC_BOMB -> numericBomb(c);
                case CONTENT_LENGTH -> contentLength(c);
                case CHUNKED -> chunked(c);
                case SLOW_BODY -> slowBody(c);
                case METHOD_PATH_TYPE -> methodPathType(c);
                case MALFORMED_HTTP -> malformedHttp(c);
                case AUTH -> auth(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
        return c.toRequest();
    }

    /** A case being built. */
    private static final class Case {
        final int index;
        final Category category;
        final Random random;
        String description;
        Target target = Target.OPEN;
        Expect expect = Expect.REJECT_JSON;
        int status;
        String method = "POST";
        String path = PATH;
        final List<String> headers = new ArrayList<>();
        Auth auth = Auth.NONE;
        byte[] body;
        List<byte[]> raw;
        long gapMillis;
        boolean halfClose;

        Case(int index, Category category, Random random) {
            this.index = index;
            this.category = category;
            this.random = random;
        }

        Case post(String contentType, byte[] body, String description) {
            headers.add("Content-Type");
            headers.add(contentType);
            this.body = body;
            if (body.length > MAX_BYTES) {
                // refused on its Content-Length with Connection: close, the rest unread: closing while the client still
                // sends resets the connection, which can destroy the 413 before the client reads it (RFC 9112 9.6)
                this.expect = Expect.REJECT_OR_CLOSE;
            }
            this.description = description;
            return this;
        }

        Case raw(String description, byte[]... parts) {
            this.raw = List.of(parts);
            this.expect = Expect.REJECT_OR_CLOSE;
            this.description = description;
            return this;
        }

        <T> T pick(List<T> options) {
            return options.get(random.nextInt(options.size()));
        }

        long pick(long[] options) {
            return options[random.nextInt(options.length)];
        }

        HostileRequest toRequest() {
            return new HostileRequest(
                    index,
                    category,
                    description,
                    target,
                    expect,
                    status,
                    method,
                    path,
                    List.copyOf(headers),
                    auth,
                    body,
                    raw,
                    gapMillis,
                    halfClose);
        }
    }

    // ---- Avro datum length and count bombs ----

    /** Where in the datum a hostile length goes; the fields before it are written validly. */
    private enum LengthAt {
        EVENT_ID,
        ACTION_TYPE,
        USER_ID,
        METADATA_KEY,
        METADATA_VALUE,
        AMOUNT
    }

    private void lengthBomb(Case c) throws IOException {
        if (c.random.nextInt(5) == 0) { // a container whose block or header says it is huge
            containerLengthBomb(c);
            return;
        }
        LengthAt at = LengthAt.values()[c.random.nextInt(LengthAt.values().length)];
        long length = c.pick(HUGE_LENGTHS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
        if (at == LengthAt.EVENT_ID) {
            e.writeLong(length);
        } else {
            e.writeString("len-" + c.index);
            e.writeLong(1_763_000_000_000L);
            if (at == LengthAt.ACTION_TYPE) {
                e.writeLong(length);
            } else {
                e.writeString("A");
                e.writeIndex(at == LengthAt.USER_ID ? 1 : 0);
                if (at == LengthAt.USER_ID) {
                    e.writeLong(length);
                } else {
                    e.writeLong(1); // one map entry
                    if (at == LengthAt.METADATA_KEY) {
                        e.writeLong(length);
                    } else {
                        e.writeString("k");
                        if (at == LengthAt.METADATA_VALUE) {
                            e.writeLong(length);
                        } else {
                            e.writeString("v");
                            e.writeLong(0);
                            e.writeIndex(1);
                            e.writeLong(length);
                        }
                    }
                }
            }
        }
        out.write(randomBytes(c.random, c.random.nextInt(65)));
        c.post(EventBodyDecoder.AVRO_DATUM, out.toByteArray(), at + " length " + length);
    }

    private void containerLengthBomb(Case c) throws IOException {
        long length = c.pick(HUGE_LENGTHS);
        byte[] sync = randomBytes(c.random, 16);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
        out.write(MAGIC);
        String where;
        switch (c.random.nextInt(3)) {
            case 0 -> { // a header metadata value (the schema) of that length
                e.writeLong(1);
                e.writeString("avro.schema");
                e.writeLong(length);
                where = "header avro.schema length";
            }
            case 1 -> { // a header metadata key of that length
                e.writeLong(1);
                e.writeLong(length);
                where = "header key length";
            }
            default -> { // a block of that many bytes
                writeHeader(e, out, SCHEMA.toString(), null, sync);
                e.writeLong(1);
                e.writeLong(length);
                where = "block size";
            }
        }
        out.write(randomBytes(c.random, c.random.nextInt(128)));
        c.post(EventBodyDecoder.AVRO_CONTAINER, out.toByteArray(), "container " + where + " " + length);
    }

    private void countBomb(Case c) throws IOException {
        long count = c.pick(HUGE_COUNTS);
        switch (c.random.nextInt(4)) {
            case 0, 1 -> { // the metadata map of a datum claims that many entries
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
                e.writeString("cnt-" + c.index);
                e.writeLong(1_763_000_000_000L);
                e.writeString("A");
                e.writeIndex(0);
                e.writeLong(count);
                if (count < 0) {
                    e.writeLong(c.pick(HUGE_LENGTHS)); // a negative count is followed by the block's byte size
                }
                for (int i = c.random.nextInt(4); i > 0; i--) {
                    e.writeString("k" + i);
                    e.writeString("v");
                }
                c.post(EventBodyDecoder.AVRO_DATUM, out.toByteArray(), "datum metadata map count " + count);
            }
            case 2 -> { // the writer schema adds a collection of zero-byte items the reader skips
                String items = c.pick(List.of(
                        "\"null\"",
                        "{\"type\":\"record\",\"name\":\"Nothing\",\"fields\":[]}",
                        "{\"type\":\"array\",\"items\":\"null\"}"));
                String collection = c.random.nextBoolean()
                        ? "{\"type\":\"array\",\"items\":" + items + "}"
                        : "{\"type\":\"map\",\"values\":" + items + "}";
                long huge = c.pick(new long[] {1L << 62, Long.MAX_VALUE, 1L << 40, Integer.MAX_VALUE, 500_000_000L});
                Schema writer = withExtraField(collection);
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(data, null);
                writeEventFields(e, c, "zero-" + c.index);
                e.writeLong(huge); // the extra field: one block of `huge` items, each zero bytes (map keys: "")
                if (collection.contains("map")) {
                    e.writeString("");
                }
                e.writeLong(0);
                byte[] sync = randomBytes(c.random, 16);
                c.post(
                        EventBodyDecoder.AVRO_CONTAINER,
                        container(writer.toString(), null, sync, List.of(new Block(1, -1, data.toByteArray(), sync))),
                        "container zero-size items x" + huge + " in " + collection);
            }
            default -> { // the block claims that many objects
                byte[] sync = randomBytes(c.random, 16);
                byte[] events = datum(randomEvent(c.random, "blk-" + c.index));
                c.post(
                        c.pick(List.of(EventBodyDecoder.AVRO_CONTAINER, EventBodyDecoder.AVRO_CONTAINER_ALT)),
                        container(SCHEMA.toString(), null, sync, List.of(new Block(count, -1, events, sync))),
                        "container block object count " + count);
            }
        }
    }

    // ---- compression bombs ----

    private void compressionBomb(Case c) throws IOException {
        int blocks = 1 + c.random.nextInt(4);
        long mebibytes = (64 + c.random.nextInt(690)) / blocks; // up to 752 MiB in all, under 1 MiB sent
        byte[] data = HostileBodies.deflatedZeros(mebibytes << 20);
        byte[] sync = randomBytes(c.random, 16);
        List<Block> list = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            // zeros are valid empty events (6 bytes each): each block claims more than request.max.events of them
            list.add(new Block(
                    c.pick(new long[] {MAX_EVENTS + 1, 100_000, Integer.MAX_VALUE, 1L << 62}), -1, data, sync));
        }
        c.post(
                EventBodyDecoder.AVRO_CONTAINER,
                container(SCHEMA.toString(), "deflate", sync, list),
                blocks + " deflate block(s) each inflating to " + mebibytes + " MiB of zeros");
    }

    // ---- codecs ----

    private void codec(Case c) throws IOException {
        String codec = c.pick(List.of(
                "snappy",
                "bzip2",
                "xz",
                "zstandard",
                "lz4",
                "brotli",
                "gzip",
                "made-up-codec",
                "deflate-9",
                "null;deflate",
                "../../../etc/passwd",
                "x".repeat(4096)));
        byte[] body = null;
        CodecFactory factory =
                switch (codec) {
                    case "snappy" -> CodecFactory.snappyCodec();
                    case "bzip2" -> CodecFactory.bzip2Codec();
                    case "xz" -> CodecFactory.xzCodec(6);
                    case "zstandard" -> CodecFactory.zstandardCodec(3);
                    default -> null;
                };
        if (factory != null && c.random.nextBoolean()) {
            // a real file in that codec, holding a valid event: refused for its codec alone
            try {
                body = writeContainer(factory, List.of(randomEvent(c.random, "codec-" + c.index)), c.random);
            } catch (Throwable unavailable) { // the codec's library is not on this classpath
                body = null;
            }
        }
        if (body == null) {
            byte[] sync = randomBytes(c.random, 16);
            body = container(
                    SCHEMA.toString(),
                    codec,
                    sync,
                    List.of(new Block(
                            1 + c.random.nextInt(5), -1, randomBytes(c.random, 1 + c.random.nextInt(2048)), sync)));
        }
        c.post(
                EventBodyDecoder.AVRO_CONTAINER,
                body,
                "avro.codec=" + (codec.length() > 40 ? codec.substring(0, 40) + "…" : codec));
    }

    // ---- truncated and bit-flipped Avro ----

    private void truncated(Case c) throws IOException {
        if (c.random.nextBoolean()) { // a strict prefix of a datum always ends inside it
            byte[] good = datum(randomEvent(c.random, "trunc-" + c.index));
            int cut = 1 + c.random.nextInt(good.length - 1);
            c.post(EventBodyDecoder.AVRO_DATUM, Arrays.copyOf(good, cut), "datum cut at " + cut + " of " + good.length);
        } else { // a single-block file: a prefix ends in the header, right after it (no events), or inside the block
            byte[] good = writeContainer(
                    c.random.nextBoolean() ? CodecFactory.nullCodec() : CodecFactory.deflateCodec(6),
                    randomEvents(c.random, "trunc-" + c.index, 1 + c.random.nextInt(5)),
                    c.random);
            int cut = 1 + c.random.nextInt(good.length - 1);
            c.post(
                    EventBodyDecoder.AVRO_CONTAINER,
                    Arrays.copyOf(good, cut),
                    "container cut at " + cut + " of " + good.length);
        }
    }

    private void bitFlipped(Case c) throws IOException {
        if (c.random.nextInt(3) > 0) {
            GenericRecord event = randomEvent(c.random, "flip-" + c.index);
            byte[] good = datum(event);
            for (int attempt = 0; attempt < 100; attempt++) {
                byte[] flipped = flip(good, 0, good.length, 1 + c.random.nextInt(8), c.random);
                if (!decodes(flipped, 1, true)) {
                    c.post(EventBodyDecoder.AVRO_DATUM, flipped, "datum with bits flipped");
                    return;
                }
            }
            c.post(
                    EventBodyDecoder.AVRO_DATUM,
                    Arrays.copyOf(good, good.length - 1),
                    "datum cut short (no flip failed)");
            return;
        }
        // a null-codec file whose parts are known: flip the magic, a sync marker, the block size, or the block data
        byte[] sync = randomBytes(c.random, 16);
        int events = 1 + c.random.nextInt(4);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (GenericRecord event : randomEvents(c.random, "flipc-" + c.index, events)) {
            data.write(datum(event));
        }
        byte[] blockData = data.toByteArray();
        byte[] header = container(SCHEMA.toString(), null, sync, List.of());
        byte[] whole = container(SCHEMA.toString(), null, sync, List.of(new Block(events, -1, blockData, sync)));
        int blockHeaderLength = whole.length - header.length - blockData.length - 16;
        int dataStart = header.length + blockHeaderLength;
        String part = c.pick(List.of("magic", "header sync", "block sync", "block size", "block data"));
        byte[] flipped;
        switch (part) {
            case "magic" -> flipped = flip(whole, 0, 4, 1 + c.random.nextInt(3), c.random);
            case "header sync" ->
                flipped = flip(whole, header.length - 16, header.length, 1 + c.random.nextInt(3), c.random);
            case "block sync" ->
                flipped = flip(whole, whole.length - 16, whole.length, 1 + c.random.nextInt(3), c.random);
            case "block size" -> {
                // the size varint follows the count varint; flip within it, keeping the count intact
                int countLength = varintLength(events);
                flipped = flip(whole, header.length + countLength, dataStart, 1, c.random);
            }
            default -> {
                flipped = null;
                for (int attempt = 0; attempt < 100 && flipped == null; attempt++) {
                    byte[] candidate =
                            flip(whole, dataStart, dataStart + blockData.length, 1 + c.random.nextInt(6), c.random);
                    if (!decodes(
                            Arrays.copyOfRange(candidate, dataStart, dataStart + blockData.length), events, false)) {
                        flipped = candidate;
                    }
                }
                if (flipped == null) {
                    flipped = flip(whole, whole.length - 16, whole.length, 1, c.random);
                    part = "block sync (no data flip failed)";
                }
            }
        }
        c.post(EventBodyDecoder.AVRO_CONTAINER, flipped, "container with bits flipped in its " + part);
    }

    private static byte[] flip(byte[] bytes, int from, int to, int bits, Random random) {
        byte[] copy = bytes.clone();
        for (int i = 0; i < bits; i++) {
            int at = from + random.nextInt(to - from);
            copy[at] ^= (byte) (1 << random.nextInt(8));
        }
        if (Arrays.equals(copy, bytes)) { // two flips of the same bit cancelled out
            copy[from] ^= 1;
        }
        return copy;
    }

    /**
     * Whether {@code count} events of {@link #SCHEMA} could be decoded from these bytes (and, for a datum, nothing left
     * over). Skips rather than reads: a flipped length then costs no allocation in this JVM, which is the worker's too.
     * Every collection item of the schema takes at least one byte, so a flipped count cannot loop for long.
     */
    static boolean decodes(byte[] bytes, int count, boolean mustEnd) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        try {
            for (int i = 0; i < count; i++) {
                GenericDatumReader.skip(SCHEMA, decoder);
            }
            return !mustEnd || decoder.isEnd();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // ---- container structure ----

    private void containerStructure(Case c) throws IOException {
        byte[] sync = randomBytes(c.random, 16);
        List<GenericRecord> events = randomEvents(c.random, "struct-" + c.index, 1 + c.random.nextInt(3));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (GenericRecord event : events) {
            data.write(datum(event));
        }
        Block good = new Block(events.size(), -1, data.toByteArray(), sync);
        String kind = c.pick(List.of(
                "bad magic",
                "bad sync",
                "missing schema",
                "schema not JSON",
                "huge schema",
                "deep schema",
                "recursive schema",
                "recursive data",
                "header only",
                "empty blocks",
                "schema twice"));
        byte[] body;
        switch (kind) {
            case "bad magic" -> {
                body = container(SCHEMA.toString(), null, sync, List.of(good));
                byte[] magic = c.pick(List.of(
                        new byte[] {'O', 'b', 'j', 0},
                        new byte[] {'O', 'B', 'J', 1},
                        new byte[] {0, 0, 0, 0},
                        new byte[] {(byte) 0x89, 'P', 'N', 'G'},
                        randomBytes(c.random, 4)));
                if (Arrays.equals(magic, MAGIC)) {
                    magic[3] = 2;
                }
                System.arraycopy(magic, 0, body, 0, 4);
            }
            case "bad sync" -> {
                byte[] other = sync.clone();
                other[c.random.nextInt(16)] ^= (byte) (1 + c.random.nextInt(255));
                body = container(SCHEMA.toString(), null, sync, List.of(new Block(good.count, -1, good.data, other)));
            }
            case "missing schema" ->
                body = container(null, c.random.nextBoolean() ? "null" : null, sync, List.of(good));
            case "schema not JSON" ->
                body = container(
                        c.pick(List.of(
                                "not json",
                                "{",
                                "[]",
                                "null",
                                "\"\"",
                                "{\"type\":\"record\"}",
                                "{\"type\":\"record\",\"name\":\"DataActionEvent\",\"fields\":{}}",
                                "{\"type\":\"nope\"}",
                                "\"DataActionEvent\"")),
                        null,
                        sync,
                        List.of(good));
            case "huge schema" -> {
                // ~400 KB of schema without the reader's required fields: resolution must fail, never match
                StringBuilder fields = new StringBuilder();
                int n = 5_000 + c.random.nextInt(15_000);
                for (int i = 0; i < n; i++) {
                    fields.append(i == 0 ? "" : ",")
                            .append("{\"name\":\"f")
                            .append(i)
                            .append("\",\"type\":\"null\"}");
                }
                String schema = c.random.nextBoolean()
                        ? "{\"type\":\"record\",\"name\":\"DataActionEvent\",\"namespace\":\"com.nice.cxone.events\",\"fields\":["
                                + fields + "]}"
                        : "{\"type\":\"record\",\"name\":\"DataActionEvent\",\"namespace\":\"com.nice.cxone.events\",\"doc\":\""
                                + "d".repeat(300_000 + c.random.nextInt(500_000))
                                + "\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
                body = container(schema, null, sync, List.of(good));
            }
            case "deep schema" -> {
                int depth = c.pick(List.of(500, 2_000, 10_000));
                StringBuilder schema = new StringBuilder();
                for (int i = 0; i < depth; i++) {
                    schema.append("{\"type\":\"record\",\"name\":\"R")
                            .append(i)
                            .append("\",\"fields\":[{\"name\":\"f\",\"type\":");
                }
                schema.append("\"null\"");
                schema.append("}]}".repeat(depth));
                body = container(schema.toString(), null, sync, List.of(good));
            }
            case "recursive schema" -> {
                // a record that must contain itself: skipping it never reads a byte and never ends
                Schema writer = withExtraField(
                        "{\"type\":\"record\",\"name\":\"Loop\",\"fields\":[{\"name\":\"next\",\"type\":\"Loop\"}]}");
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                writeEventFields(EncoderFactory.get().directBinaryEncoder(bytes, null), c, "loop-" + c.index);
                body = container(writer.toString(), null, sync, List.of(new Block(1, -1, bytes.toByteArray(), sync)));
            }
            case "recursive data" -> {
                // a linked list of 10^5..4x10^5 links the reader skips; the bytes after it are cut, so even a
                // reader that survives the depth finds no valid event
                Schema writer = withExtraField(
                        "{\"type\":\"record\",\"name\":\"Link\",\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"Link\"]}]}");
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                writeEventFields(EncoderFactory.get().directBinaryEncoder(bytes, null), c, "chain-" + c.index);
                int links = 100_000 + c.random.nextInt(300_000);
                byte[] chain = new byte[links];
                Arrays.fill(chain, (byte) 2); // union index 1: another link
                bytes.write(chain);
                body = container(writer.toString(), null, sync, List.of(new Block(1, -1, bytes.toByteArray(), sync)));
            }
            case "header only" ->
                body = container(SCHEMA.toString(), c.random.nextBoolean() ? "deflate" : null, sync, List.of());
            case "empty blocks" -> {
                List<Block> empties = new ArrayList<>();
                for (int i = 10_000 + c.random.nextInt(30_000); i > 0; i--) {
                    empties.add(new Block(0, -1, new byte[0], sync));
                }
                body = container(SCHEMA.toString(), null, sync, empties);
            }
            default -> { // avro.schema twice: an unknown schema second
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
                out.write(MAGIC);
                e.writeLong(2);
                e.writeString("avro.schema");
                e.writeBytes(SCHEMA.toString().getBytes(StandardCharsets.UTF_8));
                e.writeString("avro.schema");
                e.writeBytes("{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"long\"}]}"
                        .getBytes(StandardCharsets.UTF_8));
                e.writeLong(0);
                out.write(sync);
                e.writeLong(1);
                e.writeLong(1);
                out.write(7 * 2); // x = 7
                out.write(sync);
                body = out.toByteArray();
            }
        }
        c.post(
                c.random.nextBoolean() ? EventBodyDecoder.AVRO_CONTAINER : EventBodyDecoder.AVRO_CONTAINER_ALT,
                body,
                "container " + kind);
    }

    // ---- JSON ----

    private void deepJson(Case c) {
        int depth = c.pick(List.of(1_000, 5_000, 20_000, 100_000, 100_000, 200_000, 400_000));
        String shape = c.pick(List.of("arrays", "objects", "in metadata", "unterminated"));
        StringBuilder json = new StringBuilder(depth * 6 + 100);
        switch (shape) {
            case "arrays" -> json.append("[".repeat(depth)).append("]".repeat(depth));
            case "objects" -> json.append("{\"a\":".repeat(depth)).append("1").append("}".repeat(depth));
            case "in metadata" ->
                json.append("{\"event_id\":\"deep-")
                        .append(c.index)
                        .append("\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{\"k\":")
                        .append("[".repeat(depth))
                        .append("]".repeat(depth))
                        .append("}}");
            default -> json.append(c.random.nextBoolean() ? "[".repeat(depth) : "{\"a\":".repeat(depth));
        }
        c.post(
                EventBodyDecoder.JSON,
                json.toString().getBytes(StandardCharsets.UTF_8),
                "JSON " + shape + " nested " + depth + " deep");
    }

    private void hugeJson(Case c) {
        String kind = c.pick(List.of(
                "long string in a number field",
                "long field name",
                "many unknown fields",
                "events over request.max.events",
                "array of numbers",
                "array of empty objects",
                "unterminated string",
                "many duplicate keys"));
        int big = 200_000 + c.random.nextInt(700_000);
        StringBuilder json = new StringBuilder(big + 200);
        switch (kind) {
            case "long string in a number field" ->
                json.append("{\"event_id\":\"huge-")
                        .append(c.index)
                        .append("\",\"timestamp\":\"")
                        .append("9".repeat(big))
                        .append("\",\"action_type\":\"A\",\"metadata\":{}}");
            case "long field name" -> json.append("{\"").append("n".repeat(big)).append("\":1,\"event_id\":\"x\"}");
            case "many unknown fields" -> {
                json.append("{\"event_id\":\"huge-")
                        .append(c.index)
                        .append("\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{}");
                for (int i = 0; json.length() < big; i++) {
                    json.append(",\"u").append(i).append("\":0");
                }
                json.append('}');
            }
            case "events over request.max.events" -> {
                int n = MAX_EVENTS + 1 + c.random.nextInt(9_000);
                json.append('[');
                for (int i = 0; i < n; i++) {
                    json.append(i == 0 ? "" : ",")
                            .append("{\"event_id\":\"many-")
                            .append(c.index)
                            .append('-')
                            .append(i)
                            .append("\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{}}");
                }
                json.append(']');
            }
            case "array of numbers" -> {
                json.append('[');
                for (int i = 0; json.length() < big; i++) {
                    json.append(i == 0 ? "" : ",").append(c.random.nextInt(10));
                }
                json.append(']');
            }
            case "array of empty objects" -> {
                json.append('[');
                for (int i = 0; json.length() < big; i++) {
                    json.append(i == 0 ? "{}" : ",{}");
                }
                json.append(']');
            }
            case "unterminated string" -> json.append("{\"event_id\":\"").append("u".repeat(big));
            default -> {
                json.append("{\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{}");
                while (json.length() < big) {
                    json.append(",\"event_id\":\"dup\"");
                }
                json.append(",\"timestamp\":\"not a number\"}");
            }
        }
        c.post(
                EventBodyDecoder.JSON,
                json.toString().getBytes(StandardCharsets.UTF_8),
                "JSON " + kind + ", " + json.length() + " chars");
    }

    private void numericBomb(Case c) {
        String number = c.pick(List.of(
                "1e999999999",
                "1E+999999999",
                "-9.99e999999999",
                "1e-999999999",
                "1e2147483647",
                "1e-2147483648",
                "123.456e888888888",
                "0." + "0".repeat(200_000) + "1",
                "9".repeat(100_000),
                "-" + "9".repeat(5_000),
                "1" + "0".repeat(2_000) + ".5"));
        String field = c.pick(List.of("amount", "amount", "amount-string", "timestamp", "metadata", "array"));
        String event = "{\"event_id\":\"num-" + c.index + "\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{}";
        String json =
                switch (field) {
                    case "amount" -> event + ",\"amount\":" + number + "}";
                    case "amount-string" -> event + ",\"amount\":\"" + number + "\"}";
                    case "timestamp" ->
                        "{\"event_id\":\"num-" + c.index + "\",\"timestamp\":" + number
                                + ",\"action_type\":\"A\",\"metadata\":{}}";
                    case "metadata" ->
                        "{\"event_id\":\"num-" + c.index
                                + "\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{\"n\":" + number + "}}";
                    default ->
                        "[" + (event + ",\"amount\":" + number + "}" + ",").repeat(1 + c.random.nextInt(4)) + event
                                + ",\"amount\":" + number + "}]";
                };
        c.post(
                EventBodyDecoder.JSON,
                json.getBytes(StandardCharsets.UTF_8),
                field + " = "
                        + (number.length() > 24
                                ? number.substring(0, 12) + "…(" + number.length() + " chars)"
                                : number));
    }

    // ---- HTTP framing: lengths, chunks, slow bodies ----

    private static byte[] head(String method, String path, String... headers) {
        StringBuilder s = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            s.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private void contentLength(Case c) throws IOException {
        byte[] hostile = truncatedDatum(c.random, "cl-" + c.index);
        switch (c.random.nextInt(6)) {
            case 0 -> { // declared over request.max.bytes: refused from the header, no body read
                long declared = c.pick(new long[] {
                    MAX_BYTES + 1L, 8L * MAX_BYTES, Integer.MAX_VALUE, 1L << 31, 1L << 53, Long.MAX_VALUE
                });
                c.raw(
                        "Content-Length " + declared + " over request.max.bytes",
                        head(
                                "POST",
                                PATH,
                                "Content-Type",
                                "application/avro",
                                "Content-Length",
                                Long.toString(declared)),
                        randomBytes(c.random, c.random.nextInt(4096)));
                c.expect = Expect.REJECT_JSON;
                c.status = 413;
                c.halfClose = c.random.nextBoolean();
            }
            case 1 -> { // declared fewer bytes than sent: the declared prefix is a cut datum
                int declared = Math.max(1, hostile.length);
                byte[] extra = randomBytes(c.random, 1 + c.random.nextInt(8192));
                c.raw(
                        "Content-Length " + declared + " with " + extra.length + " more bytes after it",
                        head(
                                "POST",
                                PATH,
                                "Content-Type",
                                "application/avro",
                                "Content-Length",
                                Integer.toString(declared),
                                "Connection",
                                "close"),
                        hostile,
                        extra);
                c.expect = Expect.REJECT_JSON;
            }
            case 2 -> { // declared more than sent, then the caller stops sending
                int declared = hostile.length + 1 + c.random.nextInt(MAX_BYTES - hostile.length - 1);
                c.raw(
                        "Content-Length " + declared + ", " + hostile.length + " sent, then output closed",
                        head(
                                "POST",
                                PATH,
                                "Content-Type",
                                "application/avro",
                                "Content-Length",
                                Integer.toString(declared)),
                        hostile);
                c.halfClose = true;
            }
            case 3 -> { // not a length Jetty can parse, or two of them, or a length and chunked (request smuggling)
                String how = c.pick(List.of("-1", "+5", "5 5", "0x10", "99999999999999999999999", "", "1e3", "12abc"));
                List<String> headers =
                        new ArrayList<>(List.of("Content-Type", "application/avro", "Content-Length", how));
                String description = "Content-Length '" + how + "'";
                if (c.random.nextBoolean()) {
                    headers.addAll(List.of("Content-Length", Integer.toString(hostile.length + 3)));
                    description += " and a second Content-Length";
                } else if (c.random.nextBoolean()) {
                    headers.addAll(List.of("Transfer-Encoding", "chunked"));
                    description += " and Transfer-Encoding: chunked";
                }
                c.raw(description, head("POST", PATH, headers.toArray(String[]::new)), hostile);
                c.halfClose = true;
            }
            case 4 -> { // zero length
                c.raw(
                        "Content-Length 0",
                        head(
                                "POST",
                                PATH,
                                "Content-Type",
                                c.pick(List.of("application/avro", "application/json", "avro/binary")),
                                "Content-Length",
                                "0",
                                "Connection",
                                "close"));
                c.expect = Expect.REJECT_JSON;
                c.status = 400;
            }
            default -> { // declared and sent over the limit, after an Expect: 100-continue
                int declared = MAX_BYTES + 1 + c.random.nextInt(MAX_BYTES);
                c.raw(
                        "Expect: 100-continue with Content-Length " + declared,
                        head(
                                "POST",
                                PATH,
                                "Content-Type",
                                "application/json",
                                "Content-Length",
                                Integer.toString(declared),
                                "Expect",
                                "100-continue"),
                        randomBytes(c.random, 65536));
                c.halfClose = true;
            }
        }
    }

    private void chunked(Case c) throws IOException {
        byte[] head = head(
                "POST",
                PATH,
                "Content-Type",
                c.pick(List.of("application/avro", "application/json", "avro/binary")),
                "Transfer-Encoding",
                "chunked");
        switch (c.random.nextInt(5)) {
            case 0 -> { // well-formed chunks adding up to more than request.max.bytes
                int total = MAX_BYTES + 1 + c.random.nextInt(MAX_BYTES);
                int size = c.pick(List.of(1024, 8192, 65536));
                List<byte[]> parts = new ArrayList<>();
                parts.add(head);
                byte[] chunk = chunk(randomBytes(c.random, size));
                for (int sent = 0; sent < total; sent += size) {
                    parts.add(chunk);
                }
                parts.add("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                c.raw(total + " bytes in chunks of " + size, parts.toArray(byte[][]::new));
                c.expect = Expect.REJECT_JSON;
                c.status = 413;
            }
            case 1 -> { // a chunk size too large to be true
                String size =
                        c.pick(List.of("7FFFFFFFFFFFFFFF", "FFFFFFFFFFFFFFFFFF", "100000000", "FFFFFFFF", "-1", "zz"));
                c.raw(
                        "chunk size " + size,
                        head,
                        (size + "\r\n").getBytes(StandardCharsets.US_ASCII),
                        randomBytes(c.random, 4096));
                c.halfClose = true;
            }
            case 2 -> { // a chunk that says 0x100 bytes, holds 10, then the caller closes
                c.raw(
                        "chunk shorter than its size",
                        head,
                        "100\r\n".getBytes(StandardCharsets.US_ASCII),
                        randomBytes(c.random, 10));
                c.halfClose = true;
            }
            case 3 -> { // many 1-byte chunks of garbage, under the limit
                int n = 20_000 + c.random.nextInt(100_000);
                ByteArrayOutputStream body = new ByteArrayOutputStream(n * 6);
                for (int i = 0; i < n; i++) {
                    body.write(chunk(new byte[] {(byte) ('{' + (i & 1))}));
                }
                body.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                c.raw(n + " one-byte chunks", head, body.toByteArray());
            }
            default -> { // a huge chunk extension or trailer
                byte[] junk = new byte[20_000 + c.random.nextInt(100_000)];
                Arrays.fill(junk, (byte) 'e');
                String s = new String(junk, StandardCharsets.US_ASCII);
                byte[] body = c.random.nextBoolean()
                        ? ("5;ext=" + s + "\r\n{\"a\":\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII)
                        : ("5\r\n{\"a\":\r\n0\r\nX-Trailer: " + s + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                c.raw("chunk extension or trailer of " + junk.length + " bytes", head, body);
            }
        }
    }

    private static byte[] chunk(byte[] data) {
        byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(size, size.length + data.length + 2);
        System.arraycopy(data, 0, out, size.length, data.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    private void slowBody(Case c) throws IOException {
        byte[] hostile = truncatedDatum(c.random, "slow-" + c.index);
        switch (c.random.nextInt(4)) {
            case 0 -> { // declared, then one byte at a time
                List<byte[]> parts = new ArrayList<>();
                parts.add(head("POST", PATH, "Content-Type", "application/avro", "Content-Length", "4000"));
                for (int i = 0; i < 4000; i++) {
                    parts.add(new byte[] {(byte) i});
                }
                c.raw("Content-Length 4000, one byte per 500 ms", parts.toArray(byte[][]::new));
                c.gapMillis = 500;
            }
            case 1 -> { // chunked, one 1-byte chunk at a time
                List<byte[]> parts = new ArrayList<>();
                parts.add(head("POST", PATH, "Content-Type", "application/json", "Transfer-Encoding", "chunked"));
                for (int i = 0; i < 4000; i++) {
                    parts.add(chunk(new byte[] {'['}));
                }
                c.raw("chunked, one 1-byte chunk per 500 ms", parts.toArray(byte[][]::new));
                c.gapMillis = 500;
            }
            case 2 ->
                c.raw(
                        "Content-Length 1 MiB, " + hostile.length + " bytes, then silence",
                        head(
                                "POST",
                                PATH,
                                "Content-Type",
                                "application/avro",
                                "Content-Length",
                                Integer.toString(MAX_BYTES)),
                        hostile);
            default ->
                c.raw(
                        "headers only, Content-Length 100, no body ever",
                        head("POST", PATH, "Content-Type", "application/avro", "Content-Length", "100"));
        }
    }

    // ---- methods, paths, content types ----

    private void methodPathType(Case c) throws IOException {
        byte[] hostile =
                c.random.nextBoolean() ? truncatedDatum(c.random, "mpt-" + c.index) : lengthBombDatum(c.random);
        switch (c.random.nextInt(3)) {
            case 0 -> {
                c.method = c.pick(List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO", "PROPFIND"));
                c.post("application/avro", hostile, "method " + c.method);
                c.status = 405;
                if (c.method.equals("HEAD")) {
                    c.expect = Expect.REJECT_OR_CLOSE; // a HEAD answer has no body
                }
            }
            case 1 -> {
                c.path = c.pick(List.of(
                        "/",
                        "/webhook/cxone",
                        "/webhook/cxone/events/",
                        "/webhook/cxone/events/x",
                        "/WEBHOOK/CXONE/EVENTS",
                        "/webhook/cxone/events.json",
                        "/webhook/cxone/event",
                        "/favicon.ico",
                        "/webhook/cxone/events/..;/x",
                        "/webhook/cxone/%2e%2e/events",
                        "/" + "a".repeat(4000),
                        "/webhook/cxone/events?x=" + "q".repeat(2000)));
                c.post(
                        "application/avro",
                        hostile,
                        "path " + (c.path.length() > 40 ? c.path.substring(0, 40) + "…" : c.path));
                if (!c.path.startsWith(PATH + "?")) {
                    // some paths are ambiguous to Jetty's URI checks (400 from Jetty) rather than 404 from the webhook
                    c.expect =
                            c.path.contains("%") || c.path.contains(";") ? Expect.REJECT_OR_CLOSE : Expect.REJECT_JSON;
                    c.status = c.expect == Expect.REJECT_JSON ? 404 : 0;
                }
            }
            default -> {
                String type = c.pick(List.of(
                        "text/plain",
                        "application/xml",
                        "multipart/form-data; boundary=x",
                        "application/x-www-form-urlencoded",
                        "application/avro+json",
                        "*/*",
                        "application/",
                        "application/octet-stream",
                        "application/json-patch+json",
                        "t/" + "x".repeat(4000),
                        "APPLICATION/AVRO",
                        "application/json; charset=utf-32",
                        "avro/binary; codec=snappy"));
                c.post(type, hostile, "Content-Type " + (type.length() > 40 ? type.substring(0, 40) + "…" : type));
            }
        }
    }

    // ---- malformed HTTP ----

    private void malformedHttp(Case c) throws IOException {
        byte[] hostile = truncatedDatum(c.random, "mal-" + c.index);
        String len = Integer.toString(hostile.length);
        String kind = c.pick(List.of(
                "garbage line",
                "no version",
                "bad version",
                "binary",
                "TLS on plain",
                "h2 preface",
                "HTTP/0.9",
                "long URI",
                "no Host",
                "two Hosts",
                "no colon",
                "space before colon",
                "obs-fold",
                "NUL",
                "huge header",
                "many headers",
                "bare CR",
                "Upgrade h2c",
                "Upgrade websocket",
                "absolute URI",
                "CONNECT",
                "pipelined garbage",
                "non-ASCII header"));
        byte[] request =
                switch (kind) {
                    case "garbage line" ->
                        ("GARBAGE" + c.random.nextInt(1000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    case "no version" ->
                        ("POST " + PATH + "\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    case "bad version" ->
                        ("POST " + PATH + " "
                                        + c.pick(List.of(
                                                "HTTP/9.9", "HTTP/1.", "HTTP/1.1 extra", "HTTX/1.1", "http/1.1"))
                                        + "\r\nHost: localhost\r\nContent-Length: " + len + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "binary" -> randomBytes(c.random, 1 + c.random.nextInt(2000));
                    case "TLS on plain" ->
                        new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03};
                    case "h2 preface" -> "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                    case "HTTP/0.9" -> ("GET " + PATH + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    case "long URI" ->
                        ("POST " + PATH + "?" + "u".repeat(9_000 + c.random.nextInt(60_000))
                                        + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "no Host" ->
                        ("POST " + PATH + " HTTP/1.1\r\nContent-Type: application/avro\r\nContent-Length: " + len
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "two Hosts" ->
                        ("POST " + PATH
                                        + " HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Type: application/avro\r\nContent-Length: "
                                        + len + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "no colon" ->
                        ("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type application/avro\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "space before colon" ->
                        ("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Length : " + len + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "obs-fold" ->
                        ("POST " + PATH
                                        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/\r\n avro\r\nContent-Length: "
                                        + len + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "NUL" ->
                        ("POST " + PATH + " HTTP/1.1\r\nHost: local\0host\r\nContent-Length: " + len + "\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1);
                    case "huge header" ->
                        ("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                                        + "h".repeat(16_000 + c.random.nextInt(100_000)) + "\r\nContent-Length: " + len
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "many headers" -> {
                        StringBuilder s = new StringBuilder("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\n");
                        for (int i = 2_000 + c.random.nextInt(8_000); i > 0; i--) {
                            s.append("X-H").append(i).append(": v\r\n");
                        }
                        yield s.append("Content-Length: ")
                                .append(len)
                                .append("\r\n\r\n")
                                .toString()
                                .getBytes(StandardCharsets.US_ASCII);
                    }
                    case "bare CR" ->
                        ("POST " + PATH + " HTTP/1.1\rHost: localhost\rContent-Length: " + len + "\r\r")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "Upgrade h2c" ->
                        ("POST " + PATH
                                        + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                                        + "HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\nContent-Type: application/avro\r\nContent-Length: "
                                        + len + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "Upgrade websocket" ->
                        ("GET " + PATH + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "absolute URI" ->
                        ("POST http://evil.example" + PATH
                                        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/avro\r\nContent-Length: "
                                        + len + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    case "CONNECT" ->
                        "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII);
                    case "pipelined garbage" ->
                        ("POST " + PATH
                                        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/avro\r\nContent-Length: "
                                        + len + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                    default ->
                        ("POST " + PATH
                                        + " HTTP/1.1\r\nHost: localhost\r\nX-Caf\u00e9: \u00ff\u00fe\r\nContent-Type: application/avro\r\nContent-Length: "
                                        + len + "\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1);
                };
        boolean withBody = kind.equals("bad version")
                || kind.equals("no Host")
                || kind.equals("two Hosts")
                || kind.equals("space before colon")
                || kind.equals("obs-fold")
                || kind.equals("NUL")
                || kind.equals("huge header")
                || kind.equals("many headers")
                || kind.equals("bare CR")
                || kind.equals("Upgrade h2c")
                || kind.equals("absolute URI")
                || kind.equals("pipelined garbage")
                || kind.equals("non-ASCII header");
        List<byte[]> parts = new ArrayList<>(List.of(request));
        if (withBody) {
            parts.add(hostile);
        }
        if (kind.equals("pipelined garbage")) {
            parts.add(randomBytes(c.random, 1 + c.random.nextInt(512)));
        }
        c.raw(kind, parts.toArray(byte[][]::new));
        if (kind.equals("HTTP/0.9") || kind.equals("no version") || kind.equals("bad version")) {
            c.expect = Expect.REJECT_VERSION_OR_CLOSE;
        }
        c.halfClose = c.random.nextBoolean();
    }

    // ---- auth ----

    private void auth(Case c) throws IOException {
        byte[] body =
                switch (c.random.nextInt(4)) {
                    case 0 -> lengthBombDatum(c.random);
                    case 1 -> truncatedDatum(c.random, "auth-" + c.index);
                    case 2 ->
                        ("{\"event_id\":\"auth-" + c.index
                                        + "\",\"timestamp\":1,\"action_type\":\"A\",\"metadata\":{},\"amount\":1e999999999}")
                                .getBytes(StandardCharsets.UTF_8);
                    default -> ("[" + "[".repeat(50_000) + "]".repeat(50_000) + "]").getBytes(StandardCharsets.UTF_8);
                };
        String type = body[0] == '{' || body[0] == '[' ? EventBodyDecoder.JSON : EventBodyDecoder.AVRO_DATUM;
        c.target = Target.values()[1 + c.random.nextInt(3)];
        switch (c.target) {
            case BASIC -> {
                String how = c.pick(List.of(
                        "missing",
                        "wrong password",
                        "wrong user",
                        "not base64",
                        "empty",
                        "bearer scheme",
                        "huge",
                        "no colon"));
                String value =
                        switch (how) {
                            case "missing" -> null;
                            case "wrong password" -> basic(BASIC_USER, BASIC_PASSWORD + "x");
                            case "wrong user" -> basic("admin", BASIC_PASSWORD);
                            case "not base64" -> "Basic %%%not-base64%%%";
                            case "empty" -> "Basic ";
                            case "bearer scheme" -> "Bearer " + BASIC_PASSWORD;
                            case "huge" -> "Basic " + "A".repeat(3_000 + c.random.nextInt(2_000));
                            default ->
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString(
                                                        (BASIC_USER + BASIC_PASSWORD).getBytes(StandardCharsets.UTF_8));
                        };
                authPost(c, type, body, value, "basic: " + how);
                c.status = how.startsWith("wrong") || how.equals("no colon") ? 403 : how.equals("missing") ? 401 : 0;
            }
            case BEARER -> {
                String how = c.pick(List.of(
                        "missing", "wrong token", "empty", "basic scheme", "huge", "token prefix", "token plus junk"));
                String value =
                        switch (how) {
                            case "missing" -> null;
                            case "wrong token" -> "Bearer " + BEARER_TOKEN.replace('0', '1');
                            case "empty" -> "Bearer ";
                            case "basic scheme" -> basic(BASIC_USER, BEARER_TOKEN);
                            case "huge" -> "Bearer " + "t".repeat(3_000 + c.random.nextInt(2_000));
                            case "token prefix" -> "Bearer " + BEARER_TOKEN.substring(0, 10);
                            default -> "Bearer " + BEARER_TOKEN + "x";
                        };
                authPost(c, type, body, value, "bearer: " + how);
                c.status = how.equals("missing")
                        ? 401
                        : how.equals("wrong token") || how.equals("token prefix") || how.equals("token plus junk")
                                ? 403
                                : 0;
            }
            default -> {
                // a valid signature lets a hostile body through to the decoder: it must be refused there
                c.auth = c.pick(List.of(
                        Auth.HMAC_OK,
                        Auth.HMAC_OK,
                        Auth.HMAC_EXPIRED,
                        Auth.HMAC_FUTURE,
                        Auth.HMAC_WRONG_SECRET,
                        Auth.HMAC_OTHER_BODY,
                        Auth.HMAC_NO_SIGNATURE,
                        Auth.HMAC_NO_TIMESTAMP,
                        Auth.HMAC_NOT_HEX));
                c.post(type, body, "hmac: " + c.auth);
                c.status = switch (c.auth) {
                    case HMAC_NO_SIGNATURE, HMAC_NO_TIMESTAMP -> 401;
                    case HMAC_EXPIRED, HMAC_FUTURE, HMAC_WRONG_SECRET, HMAC_OTHER_BODY -> 403;
                    default -> 0;
                };
            }
        }
    }

    private static void authPost(Case c, String type, byte[] body, String authorization, String description) {
        c.post(type, body, description);
        if (authorization != null) {
            c.headers.add("Authorization");
            c.headers.add(authorization);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    // ---- valid material to break ----

    static GenericRecord randomEvent(Random random, String id) {
        GenericRecord event = new GenericData.Record(SCHEMA);
        event.put("event_id", id);
        event.put("timestamp", 1_700_000_000_000L + random.nextInt(1 << 30));
        event.put(
                "action_type",
                List.of("CALL_STARTED", "CALL_ENDED", "AGENT_STATE", "X").get(random.nextInt(4)));
        event.put("user_id", random.nextBoolean() ? null : "agent-" + random.nextInt(100));
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            metadata.put("k" + i, "v" + random.nextInt(1000));
        }
        event.put("metadata", metadata);
        event.put(
                "amount",
                random.nextBoolean()
                        ? null
                        : ByteBuffer.wrap(BigInteger.valueOf(random.nextInt(10_000_000) - 5_000_000L)
                                .toByteArray()));
        return event;
    }

    private static List<GenericRecord> randomEvents(Random random, String prefix, int n) {
        List<GenericRecord> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(randomEvent(random, prefix + "-" + i));
        }
        return events;
    }

    static byte[] datum(GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** A valid JSON event of {@link #SCHEMA}, its amount a decimal. */
    static byte[] validJson(String id) {
        return ("{\"event_id\":\"" + id + "\",\"timestamp\":1763000000000,\"action_type\":\"CALL_STARTED\","
                        + "\"user_id\":\"agent-7\",\"metadata\":{\"queue\":\"billing\"},\"amount\":12.34}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] truncatedDatum(Random random, String id) throws IOException {
        byte[] good = datum(randomEvent(random, id));
        return Arrays.copyOf(good, 1 + random.nextInt(good.length - 1));
    }

    private static byte[] lengthBombDatum(Random random) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EncoderFactory.get().directBinaryEncoder(out, null).writeLong(HUGE_LENGTHS[random.nextInt(6) + 3]);
        out.write(randomBytes(random, 8));
        return out.toByteArray();
    }

    /** The fixed fields of an event of {@link #SCHEMA}, for a writer schema that appends a field. */
    private static void writeEventFields(BinaryEncoder e, Case c, String id) throws IOException {
        e.writeString(id);
        e.writeLong(1_763_000_000_000L);
        e.writeString("A");
        e.writeIndex(0);
        e.writeLong(0);
        e.writeIndex(0);
    }

    /** {@link #SCHEMA} with one more field at the end, which a reader of {@link #SCHEMA} skips. */
    private static Schema withExtraField(String type) {
        return HostileBodies.withField(SCHEMA, "extra", type);
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static int varintLength(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        int n = 1;
        while ((zigzag & ~0x7FL) != 0) {
            zigzag >>>= 7;
            n++;
        }
        return n;
    }

    // ---- Avro object container files, written by hand so every field can lie ----

    private static final byte[] MAGIC = {'O', 'b', 'j', 1};

    /** A block: its object count, its declared byte size (-1: the data's), its data and the sync marker after it. */
    record Block(long count, long declaredSize, byte[] data, byte[] sync) {}

    /** A container file; {@code schema} null leaves avro.schema out, {@code codec} null leaves avro.codec out. */
    static byte[] container(String schema, String codec, byte[] sync, List<Block> blocks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
        out.write(MAGIC);
        writeHeader(e, out, schema, codec, sync);
        for (Block block : blocks) {
            e.writeLong(block.count);
            e.writeLong(block.declaredSize < 0 ? block.data.length : block.declaredSize);
            out.write(block.data);
            out.write(block.sync);
        }
        return out.toByteArray();
    }

    /** The header after the magic: the metadata map, then the sync marker. */
    private static void writeHeader(
            BinaryEncoder e, ByteArrayOutputStream out, String schema, String codec, byte[] sync) throws IOException {
        int entries = (schema == null ? 0 : 1) + (codec == null ? 0 : 1);
        if (entries > 0) {
            e.writeLong(entries);
            if (schema != null) {
                e.writeString("avro.schema");
                e.writeBytes(schema.getBytes(StandardCharsets.UTF_8));
            }
            if (codec != null) {
                e.writeString("avro.codec");
                e.writeBytes(codec.getBytes(StandardCharsets.UTF_8));
            }
        }
        e.writeLong(0);
        out.write(sync);
    }

    /** A valid file by Avro's own writer, its sync marker drawn from {@code random} (Avro's own is not seeded). */
    private static byte[] writeContainer(CodecFactory codec, List<GenericRecord> events, Random random)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer =
                new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(SCHEMA))) {
            writer.setCodec(codec);
            writer.create(SCHEMA, out, randomBytes(random, 16));
            for (GenericRecord event : events) {
                writer.append(event);
            }
        }
        return out.toByteArray();
    }
}
