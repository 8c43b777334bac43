package io.cxone.kafka.sink.elasticsearch.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private final TopicPartition p0 = new TopicPartition("t", 0);
    private final TopicPartition p1 = new TopicPartition("t", 1);

    @Test
    void commitPointStopsAtTheFirstUnacknowledgedOffset() {
        OffsetTracker tracker = new OffsetTracker();
        for (long o = 10; o < 15; o++) {
            tracker.track(p0, o);
        }
        assertThat(tracker.committable()).containsEntry(p0, new OffsetAndMetadata(10));

        tracker.ack(p0, 12);
        tracker.ack(p0, 14);
        assertThat(tracker.committable()).containsEntry(p0, new OffsetAndMetadata(10));

        tracker.ack(p0, 10);
        tracker.ack(p0, 11);
        assertThat(tracker.committable()).containsEntry(p0, new OffsetAndMetadata(13));
        assertThat(tracker.pending()).isEqualTo(1);

        tracker.ack(p0, 13);
        assertThat(tracker.committable()).containsEntry(p0, new OffsetAndMetadata(15));
        assertThat(tracker.pending()).isZero();
    }

    @Test
    void skippedRecordsMoveTheCommitPointAndPartitionsAreIndependent() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.skip(p0, 0);
        tracker.track(p1, 5);
        tracker.skip(p1, 6);

        assertThat(tracker.committable())
                .containsEntry(p0, new OffsetAndMetadata(1))
                .containsEntry(p1, new OffsetAndMetadata(5));

        tracker.ack(p1, 5);
        assertThat(tracker.committable()).containsEntry(p1, new OffsetAndMetadata(7));
    }

    @Test
    void revokedPartitionsAreForgottenAndLateAcksIgnored() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.track(p0, 1);
        tracker.track(p1, 1);
        tracker.remove(List.of(p0));
        tracker.ack(p0, 1);
        tracker.ack(p1, 1);
        tracker.ack(p1, 1);

        assertThat(tracker.committable()).containsOnlyKeys(p1);
        assertThat(tracker.pending()).isZero();
    }
}
