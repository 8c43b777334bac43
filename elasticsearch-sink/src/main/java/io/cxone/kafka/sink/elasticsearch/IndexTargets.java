package io.cxone.kafka.sink.elasticsearch;

import org.apache.kafka.connect.data.Schema;

/** Names the index a record's document goes to, having prepared it first ({@link IndexSetup}; a fake in unit tests). */
public interface IndexTargets {

    /** Where documents of this record go (index or rollover alias), with its template in place. */
    String prepare(String topic, Long timestamp, Schema valueSchema);

    /** Where a delete for this record goes; no template needed. */
    String target(String topic, Long timestamp);
}
