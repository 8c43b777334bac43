package io.cxone.kafka.bridge.frame;

import java.util.List;

/**
 * One WebSocket message (or SSE event) ready to send: text (UTF-8 JSON) or binary (gzip of that text), the count of
 * Kafka records it carries, and the per-partition offset ranges it accounts for (the records it carries, a record
 * too large to send, or the records a "dropped" notice reports), so a dropped frame can be reported by coordinates
 * and an SSE event id can say where the stream stands.
 */
public record OutboundFrame(byte[] payload, boolean binary, List<Span> spans, int records) {

    /** A control frame (subscribed, error, dropped): carries no records. */
    public static OutboundFrame control(byte[] payload, boolean binary) {
        return new OutboundFrame(payload, binary, List.of(), 0);
    }

    /** The records of one partition in a frame: an inclusive offset range. */
    public record Span(String topic, int partition, long firstOffset, long lastOffset) {}

    public int size() {
        return payload.length;
    }
}
