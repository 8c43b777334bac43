package io.cxone.kafka.bridge.frame;

import java.util.List;

/**
 * One WebSocket message ready to send: text (UTF-8 JSON) or binary (gzip of that text), and the Kafka records
 * it carries (count and per-partition offset ranges), so a dropped frame can be reported by coordinates.
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
