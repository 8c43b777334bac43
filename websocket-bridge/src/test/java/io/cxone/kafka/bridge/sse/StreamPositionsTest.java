package io.cxone.kafka.bridge.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxone.kafka.bridge.frame.OutboundFrame;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.Test;

/** The SSE event id: the next offsets of a stream, decoded exactly, and every malformed id refused with its reason. */
class StreamPositionsTest {

    private static final List<String> TOPICS = List.of("orders", "agents");

    private static Map<String, Map<Integer, Long>> positions() {
        Map<String, Map<Integer, Long>> p = new LinkedHashMap<>();
        p.put("orders", new TreeMap<>(Map.of(0, 0L, 1, 17L, 2, 5_000_000_000L)));
        p.put("agents", new TreeMap<>(Map.of(0, 42L)));
        return p;
    }

    @Test
    void anIdDecodesToTheNextOffsetsItWasMadeOfWhateverTheTopicOrder() throws Exception {
        StreamPositions stream = StreamPositions.of(positions());
        String id = stream.id();
        assertThat(id).matches("[A-Za-z0-9_-]+");
        assertThat(StreamPositions.parse(id, TOPICS, 256)).isEqualTo(positions());
        assertThat(StreamPositions.parse(id, List.of("agents", "orders"), 256)).isEqualTo(positions());
    }

    @Test
    void advancingMovesOnlyForwardAndOnlyTheSpansPartition() throws Exception {
        StreamPositions stream = StreamPositions.of(positions());
        stream.advance(new OutboundFrame.Span("orders", 1, 17, 20));
        stream.advance(new OutboundFrame.Span("orders", 1, 3, 3)); // older: no step back
        stream.advance(new OutboundFrame.Span("agents", 0, 42, 42));
        stream.advance(new OutboundFrame.Span("elsewhere", 0, 1, 1)); // not of this stream: ignored
        Map<String, Map<Integer, Long>> expected = positions();
        expected.get("orders").put(1, 21L);
        expected.get("agents").put(0, 43L);
        assertThat(StreamPositions.parse(stream.id(), TOPICS, 256)).isEqualTo(expected);
    }

    @Test
    void theLongestIdOfAStreamFitsItsBound() throws Exception {
        Map<String, Map<Integer, Long>> p = new LinkedHashMap<>();
        Map<Integer, Long> all = new TreeMap<>();
        for (int i = 0; i < 256; i++) {
            all.put(i, Long.MAX_VALUE);
        }
        p.put("t", all);
        String id = StreamPositions.of(p).id();
        assertThat(id.length()).isLessThanOrEqualTo(StreamPositions.maxIdChars(1, 256));
        assertThat(StreamPositions.parse(id, List.of("t"), 256)).isEqualTo(p);
    }

    @Test
    void malformedIdsAreRefusedNamingTheProblem() {
        String good = StreamPositions.of(positions()).id();
        byte[] bytes = Base64.getUrlDecoder().decode(good);

        assertRefused("x".repeat(StreamPositions.maxIdChars(2, 4) + 1), 4, "longer than any id");
        assertRefused("not*base64", 256, "not base64url");
        assertRefused("AQID", 256, "too short");
        byte[] version = bytes.clone();
        version[0] = 9;
        assertRefused(encode(version), 256, "unknown id format version 9 (this bridge writes 1)");
        assertRefused(encode(Arrays.copyOf(bytes, bytes.length - 1)), 256, "truncated");
        assertRefused(encode(Arrays.copyOf(bytes, bytes.length + 2)), 256, "2 bytes after the last offset");
        assertRefused(good, 3, "names more than 3 partitions (limits.partitions.per.client)");
    }

    @Test
    void anIdOfAnotherStreamOrANegativeOffsetIsRefused() {
        String id = StreamPositions.of(positions()).id();
        assertRefusedFor(id, List.of("orders"), "belongs to a stream of other topics");
        assertRefusedFor(id, List.of("orders", "agents", "more"), "belongs to a stream of other topics");

        // A hand-made id with this stream's fingerprint and a negative offset.
        byte[] header = Arrays.copyOf(Base64.getUrlDecoder().decode(id), 5);
        ByteBuffer forged = ByteBuffer.allocate(32).put(header);
        ByteUtils.writeUnsignedVarint(1, forged); // agents: one partition
        ByteUtils.writeVarlong(-5, forged);
        ByteUtils.writeUnsignedVarint(0, forged); // orders: none
        assertRefused(encode(Arrays.copyOf(forged.array(), forged.position())), 256, "partition 0: negative offset");

        ByteBuffer endless = ByteBuffer.allocate(32).put(header);
        ByteUtils.writeUnsignedVarint(1, endless);
        for (int i = 0; i < 11; i++) {
            endless.put((byte) 0xff);
        }
        assertRefused(encode(Arrays.copyOf(endless.array(), endless.position())), 256, "malformed number");
    }

    private static void assertRefused(String id, int maxPartitions, String reason) {
        assertThatThrownBy(() -> StreamPositions.parse(id, TOPICS, maxPartitions))
                .isInstanceOf(StreamPositions.InvalidIdException.class)
                .hasMessageContaining(reason);
    }

    private static void assertRefusedFor(String id, List<String> topics, String reason) {
        assertThatThrownBy(() -> StreamPositions.parse(id, topics, 256))
                .isInstanceOf(StreamPositions.InvalidIdException.class)
                .hasMessageContaining(reason);
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
