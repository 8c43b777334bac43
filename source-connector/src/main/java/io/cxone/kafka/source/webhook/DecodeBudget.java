package io.cxone.kafka.source.webhook;

/**
 * What one request may decode to, spent as it decodes: bytes of event data (Avro data after inflating, or JSON
 * text) and array/map items. Items are counted apart from bytes because an item may encode to no byte at all (an
 * array of null, of empty records): the bytes a body holds bound every other item, but not those. One budget per
 * request, used by one thread.
 */
final class DecodeBudget {

    private final long maxBytes;
    private long bytes;
    private long items;

    DecodeBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Bytes still allowed. */
    long remainingBytes() {
        return maxBytes - bytes;
    }

    /**
     * Counts {@code count} more decoded bytes; 413 once they pass request.max.decoded.bytes, the reason saying the
     * data {@code verb} ("holds", "inflates to") more.
     */
    void spendBytes(long count, String verb) {
        if (count > maxBytes - bytes) {
            throw new RejectedRequest(413, verb + " more than " + WebhookConfig.REQUEST_MAX_DECODED_BYTES + "="
                    + maxBytes + " bytes of event data");
        }
        bytes += count;
    }

    /**
     * Counts {@code count} more array or map items, each as if it took one byte; 413 once they pass
     * request.max.decoded.bytes, however few bytes the items take.
     */
    void spendItems(long count) {
        if (count > maxBytes - items) {
            throw new RejectedRequest(413, "Avro data declares more than " + maxBytes + " array/map items in total (each counts "
                    + "as at least one byte against " + WebhookConfig.REQUEST_MAX_DECODED_BYTES + "=" + maxBytes + ")");
        }
        items += count;
    }
}
