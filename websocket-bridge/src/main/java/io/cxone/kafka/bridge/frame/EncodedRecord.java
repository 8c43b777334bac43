package io.cxone.kafka.bridge.frame;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One Kafka record encoded once as a sealed "record" frame (see {@link RecordFrames}). Immutable and shared:
 * a partition feed encodes each record once and hands the same bytes (and the same {@link OutboundFrame}) to
 * every client that receives it, so the cost of decoding Avro, writing JSON and hashing does not grow with the
 * number of clients.
 */
public final class EncodedRecord {

    /** Where the record's fields start in the frame text: right after {@code {"checksum":"<64 hex>","type":"record",}. */
    static final int FIELDS_START = (FrameChecksum.PREFIX + FrameChecksum.PLACEHOLDER + "\",\"type\":\"record\",")
            .getBytes(StandardCharsets.US_ASCII)
            .length;

    private final String topic;
    private final int partition;
    private final long offset;
    private final OutboundFrame plain;
    private volatile OutboundFrame gzipped;

    EncodedRecord(String topic, int partition, long offset, byte[] frame) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.plain =
                new OutboundFrame(frame, false, List.of(new OutboundFrame.Span(topic, partition, offset, offset)), 1);
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    /** The frame text (UTF-8 JSON); never modify it. */
    byte[] text() {
        return plain.payload();
    }

    /** The text frame, the same instance for every client. */
    OutboundFrame plain() {
        return plain;
    }

    /** The gzip binary frame, compressed once on first use and then shared (a racing second compression is harmless). */
    OutboundFrame gzipped() {
        OutboundFrame g = gzipped;
        if (g == null) {
            g = new OutboundFrame(RecordFrames.gzip(plain.payload()), true, plain.spans(), 1);
            gzipped = g;
        }
        return g;
    }
}
