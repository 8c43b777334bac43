package io.cxone.kafka.source.webhook;

/**
 * What one request may decode to (request.max.decoded.bytes), spent as it decodes: bytes of event data (Avro data
 * after inflating, or JSON text), and {@value #ITEM_BYTES} more for every array or map item the data declares.
 *
 * <p>Items are charged apart from their bytes because the bytes do not bound what they cost: an item may encode to no
 * byte at all (an array of null, of empty records), and a one-byte item (an empty string) becomes an object of some
 * 50 bytes once decoded, so highly compressible items would otherwise turn a few kilobytes of deflate into hundreds
 * of megabytes of heap (a 4 MiB map of distinct 3-byte keys, 1.8 MB deflated, held 124 MB). Everything else a request allocates is bounded by
 * its events (request.max.events) and the configured schema's fields. One budget per request, used by one thread.
 */
final class DecodeBudget {

    /** What each array or map item costs on top of its bytes: about the heap of a small decoded item. */
    static final int ITEM_BYTES = 16;

    private final long maxBytes;
    private long spent;

    DecodeBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Bytes still allowed. */
    long remainingBytes() {
        return maxBytes - spent;
    }

    /**
     * Counts {@code count} more decoded bytes; 413 once the budget is spent, the reason saying the data {@code verb}
     * ("holds", "inflates to") more.
     */
    void spendBytes(long count, String verb) {
        if (count > maxBytes - spent) {
            throw new RejectedRequest(
                    413,
                    verb + " more than " + WebhookConfig.REQUEST_MAX_DECODED_BYTES + "=" + maxBytes
                            + " bytes of event data");
        }
        spent += count;
    }

    /** Counts {@code count} more array or map items, {@value #ITEM_BYTES} bytes each; 413 once the budget is spent. */
    void spendItems(long count) {
        if (count > (maxBytes - spent) / ITEM_BYTES) {
            throw new RejectedRequest(
                    413,
                    "Avro data declares " + count + " array/map items where "
                            + WebhookConfig.REQUEST_MAX_DECODED_BYTES + "=" + maxBytes + " leaves room for "
                            + (maxBytes - spent) / ITEM_BYTES + " more (each item counts as " + ITEM_BYTES + " bytes)");
        }
        spent += count * ITEM_BYTES;
    }
}
