package io.cxone.kafka.bridge.sse;

import io.cxone.kafka.bridge.frame.OutboundFrame;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * The next offset of every partition of one SSE stream, and its encoding as the stream's event id, from which a
 * reconnect ({@code Last-Event-ID}) resumes with no gap and no duplicate.
 *
 * <p>The id is base64url (no padding) of: a format version (one byte, {@value #VERSION}); the first four bytes of the
 * SHA-256 of the stream's topic names, sorted and joined by commas (ties the id to its stream's topics); then per
 * topic, in that sorted order, its partition count (unsigned varint) followed by the next offset of partition 0, 1,
 * ... (zig-zag varlong; Kafka's {@link ByteUtils} varints). Its length is bounded by the partition count:
 * {@link #maxIdChars}.
 */
public final class StreamPositions {

    public static final int VERSION = 1;
    private static final int FINGERPRINT_BYTES = 4;
    private static final int HEADER_BYTES = 1 + FINGERPRINT_BYTES;
    /** Largest unsigned varint of a partition count, largest zig-zag varlong of an offset. */
    private static final int MAX_COUNT_BYTES = 5;

    private static final int MAX_OFFSET_BYTES = 10;

    private final List<String> topics;
    private final Map<String, Integer> topicIndex = new HashMap<>();
    private final byte[] fingerprint;
    private final long[][] next;

    /** An id that cannot be decoded for the stream asked for; the message says why, for the client. */
    public static final class InvalidIdException extends Exception {
        InvalidIdException(String message) {
            super(message);
        }
    }

    private StreamPositions(Map<String, Map<Integer, Long>> positions) {
        this.topics = positions.keySet().stream().sorted().toList();
        this.fingerprint = fingerprint(topics);
        this.next = new long[topics.size()][];
        for (int t = 0; t < topics.size(); t++) {
            Map<Integer, Long> byPartition = positions.get(topics.get(t));
            long[] offsets = new long[byPartition.size()];
            for (Map.Entry<Integer, Long> p : byPartition.entrySet()) {
                if (p.getKey() < 0 || p.getKey() >= offsets.length) {
                    throw new IllegalArgumentException("topic '" + topics.get(t) + "': partitions are not 0.."
                            + (offsets.length - 1) + ": " + byPartition.keySet());
                }
                offsets[p.getKey()] = p.getValue();
            }
            next[t] = offsets;
            topicIndex.put(topics.get(t), t);
        }
    }

    /** The positions a stream starts from: every partition of each of its topics (the "subscribed" positions). */
    public static StreamPositions of(Map<String, Map<Integer, Long>> positions) {
        return new StreamPositions(positions);
    }

    /** After records (or a notice about them) reached the client: their partition goes on after the span. */
    public void advance(OutboundFrame.Span span) {
        Integer t = topicIndex.get(span.topic());
        if (t == null || span.partition() < 0 || span.partition() >= next[t].length) {
            return;
        }
        next[t][span.partition()] = Math.max(next[t][span.partition()], span.lastOffset() + 1);
    }

    /** The event id of the current positions. */
    public String id() {
        ByteBuffer out = ByteBuffer.allocate(maxBytes(topics.size(), partitionCount()));
        out.put((byte) VERSION);
        out.put(fingerprint);
        for (long[] offsets : next) {
            ByteUtils.writeUnsignedVarint(offsets.length, out);
            for (long offset : offsets) {
                ByteUtils.writeVarlong(offset, out);
            }
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(out.array(), out.position()));
    }

    private int partitionCount() {
        int n = 0;
        for (long[] offsets : next) {
            n += offsets.length;
        }
        return n;
    }

    /** The longest id of a stream of {@code topics} topics with {@code partitions} partitions in all. */
    public static int maxIdChars(int topics, int partitions) {
        return (maxBytes(topics, partitions) * 4 + 2) / 3;
    }

    private static int maxBytes(int topics, int partitions) {
        return HEADER_BYTES + topics * MAX_COUNT_BYTES + partitions * MAX_OFFSET_BYTES;
    }

    /**
     * The next offsets an id encodes, for a stream of {@code topics}.
     *
     * @param maxPartitions partitions one stream may read ({@code limits.partitions.per.client}): bounds the id's
     *     length and what it may name
     * @throws InvalidIdException the id is too long, not base64url, of another format version, of a stream of other
     *     topics, truncated, or names more partitions than allowed
     */
    public static Map<String, Map<Integer, Long>> parse(String id, Collection<String> topics, int maxPartitions)
            throws InvalidIdException {
        int limit = maxIdChars(topics.size(), maxPartitions);
        if (id.length() > limit) {
            throw new InvalidIdException(id.length() + " characters, longer than any id of a stream of these topics ("
                    + limit + " at most)");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidIdException("not an id of this bridge (not base64url: " + e.getMessage() + ")");
        }
        if (bytes.length < HEADER_BYTES) {
            throw new InvalidIdException("not an id of this bridge (too short)");
        }
        if (bytes[0] != VERSION) {
            throw new InvalidIdException(
                    "unknown id format version " + (bytes[0] & 0xff) + " (this bridge writes " + VERSION + ")");
        }
        List<String> sorted = topics.stream().sorted().toList();
        if (!Arrays.equals(bytes, 1, HEADER_BYTES, fingerprint(sorted), 0, FINGERPRINT_BYTES)) {
            throw new InvalidIdException("the id belongs to a stream of other topics (an id resumes only a stream of"
                    + " the topics= that sent it)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES);
        Map<String, Map<Integer, Long>> offsets = new LinkedHashMap<>();
        int total = 0;
        try {
            for (String topic : sorted) {
                int count = ByteUtils.readUnsignedVarint(in);
                if (count < 0 || count > maxPartitions - total) {
                    throw new InvalidIdException(
                            "names more than " + maxPartitions + " partitions (limits.partitions.per.client)");
                }
                total += count;
                Map<Integer, Long> byPartition = new TreeMap<>();
                for (int p = 0; p < count; p++) {
                    long offset = ByteUtils.readVarlong(in);
                    if (offset < 0) {
                        throw new InvalidIdException("topic '" + topic + "' partition " + p + ": negative offset");
                    }
                    byPartition.put(p, offset);
                }
                if (!byPartition.isEmpty()) {
                    offsets.put(topic, byPartition);
                }
            }
        } catch (BufferUnderflowException e) {
            throw new InvalidIdException("truncated");
        } catch (IllegalArgumentException e) {
            throw new InvalidIdException("malformed number (" + e.getMessage() + ")");
        }
        if (in.hasRemaining()) {
            throw new InvalidIdException(in.remaining() + " bytes after the last offset");
        }
        return offsets;
    }

    private static byte[] fingerprint(List<String> sortedTopics) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join(",", sortedTopics).getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, FINGERPRINT_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
