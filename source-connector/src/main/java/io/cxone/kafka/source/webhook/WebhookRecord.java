package io.cxone.kafka.source.webhook;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A source record that knows the request and position it came from, so {@code commitRecord} can acknowledge it.
 * Equality is identity: the worker keys records in maps, and two identical events of one request must stay two.
 */
final class WebhookRecord extends SourceRecord {

    private final PendingRequest request;
    private final int index;

    WebhookRecord(
            PendingRequest request,
            int index,
            Map<String, ?> sourcePartition,
            Map<String, ?> sourceOffset,
            String topic,
            Schema keySchema,
            Object key,
            Schema valueSchema,
            Object value,
            Headers headers) {
        super(sourcePartition, sourceOffset, topic, null, keySchema, key, valueSchema, value, null, headers);
        this.request = request;
        this.index = index;
    }

    PendingRequest request() {
        return request;
    }

    int index() {
        return index;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
