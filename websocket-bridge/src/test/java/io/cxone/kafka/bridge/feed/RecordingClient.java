package io.cxone.kafka.bridge.feed;

import io.cxone.kafka.bridge.catchup.CatchUpReader;
import io.cxone.kafka.bridge.frame.EncodedRecord;
import io.cxone.kafka.bridge.frame.OutboundFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** A client of a feed and of a catch-up reader that records the offsets it is handed, in order. */
public final class RecordingClient implements PartitionFeed.Client, CatchUpReader.Client {

    private final List<Long> offsets = new ArrayList<>();
    private final CountDownLatch readerStopped = new CountDownLatch(1);
    private volatile String failure;

    @Override
    public synchronized void deliver(List<EncodedRecord> records, Map<Long, List<OutboundFrame>> shared) {
        records.forEach(r -> offsets.add(r.offset()));
    }

    @Override
    public void deliver(List<EncodedRecord> records) {
        deliver(records, null);
    }

    @Override
    public void feedFailed(org.apache.kafka.common.TopicPartition partition, String reason) {
        failure = reason;
    }

    @Override
    public boolean closing() {
        return false;
    }

    @Override
    public boolean queueHalfFull() {
        return false;
    }

    @Override
    public void readerFailed(String message, Throwable cause) {
        failure = message;
    }

    @Override
    public void readerStopped() {
        readerStopped.countDown();
    }

    public synchronized List<Long> offsets() {
        return List.copyOf(offsets);
    }

    public CountDownLatch readerStoppedLatch() {
        return readerStopped;
    }

    public String failure() {
        return failure;
    }
}
