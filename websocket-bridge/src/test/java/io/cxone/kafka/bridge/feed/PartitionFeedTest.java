package io.cxone.kafka.bridge.feed;

import static io.cxone.kafka.bridge.feed.FakePartition.TP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.bridge.BridgeConfig;
import io.cxone.kafka.bridge.feed.FakePartition.PacedConsumer;
import io.cxone.kafka.bridge.frame.EncodedRecord;
import io.cxone.kafka.bridge.frame.OutboundFrame;
import io.cxone.kafka.bridge.frame.OutboundFrames;
import io.cxone.kafka.bridge.frame.Outbox;
import io.cxone.kafka.bridge.frame.RecordFrames;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

/** The hand-over of one partition feed to its members, without a broker (Kafka's MockConsumer). */
class PartitionFeedTest {

    @Test
    void memberJoiningAtTheHeadIsHeldUntilReleasedAndThenMissesNothing() throws Exception {
        PacedConsumer consumer = new PacedConsumer(TP, 10);
        try (FeedHub hub = hub(consumer)) {
            PartitionFeed feed = hub.attachReclaiming(TP);
            feed.ready().get(10, TimeUnit.SECONDS);
            RecordingClient early = new RecordingClient();
            joinAtHeadAndRelease(feed, early);
            RecordingClient held = new RecordingClient();
            PartitionFeed.Member heldMember = new PartitionFeed.Member(held, -1);
            assertThat(feed.joinAtHead(heldMember)).isEqualTo(10L);

            consumer.append(TP, 10, 13);
            await().until(() -> early.offsets().contains(12L));
            assertThat(held.offsets())
                    .as("held: its 'subscribed' frame goes first")
                    .isEmpty();
            feed.release(heldMember);
            assertThat(held.offsets()).containsExactly(10L, 11L, 12L);

            consumer.append(TP, 13, 15);
            await().until(() -> held.offsets().contains(14L) && early.offsets().contains(14L));
            assertThat(held.offsets()).containsExactlyElementsOf(range(10, 15));
            assertThat(early.offsets()).containsExactlyElementsOf(range(10, 15));
        }
    }

    @Test
    void slowMemberOnlyFillsItsOwnQueueWhileTheOthersGetEverything() throws Exception {
        PacedConsumer consumer = new PacedConsumer(TP, 0);
        try (FeedHub hub = hub(consumer)) {
            PartitionFeed feed = hub.attachReclaiming(TP);
            feed.ready().get(10, TimeUnit.SECONDS);
            // The slow client's socket never completes a write; the fast one's completes at once.
            QueuedClient slow = new QueuedClient(hub, (frame, callback, more) -> {});
            QueuedClient fast = new QueuedClient(hub, (frame, callback, more) -> callback.succeeded());
            joinAtHeadAndRelease(feed, slow);
            joinAtHeadAndRelease(feed, fast);

            // Four records at a time, each run fitting a queue of five: the fast client keeps up, the slow one
            // fills its queue with the first ones and then drops. The feed must go on reading all the same.
            for (long from = 0; from < 100; from += 4) {
                consumer.append(TP, from, from + 4);
                long sentUpTo = from + 4;
                await().until(() -> fast.sent.sum() == sentUpTo);
            }
            assertThat(slow.outbox.queuedMessages())
                    .as("bounded by client.queue.max.messages")
                    .isLessThanOrEqualTo(5);
            assertThat(slow.dropped.sum())
                    .as("drop-oldest: the slow client's oldest frames go")
                    .isPositive();
            assertThat(fast.dropped.sum()).isZero();
        }
    }

    /** Joins as a client subscribing at "latest" does, once its "subscribed" frame is queued. */
    private static void joinAtHeadAndRelease(PartitionFeed feed, PartitionFeed.Client client) {
        PartitionFeed.Member member = new PartitionFeed.Member(client, -1);
        feed.joinAtHead(member);
        feed.release(member);
    }

    private static FeedHub hub(PacedConsumer consumer) {
        BridgeConfig config = FakePartition.config(Map.of("client.queue.max.messages", "5"));
        return new FeedHub(config, new RecordFrames(null), FakePartition.consumers(tp -> consumer, null), Time.SYSTEM);
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    /** A feed member with a client's bounded queue in front of its socket, as a connection has. */
    private static final class QueuedClient implements PartitionFeed.Client {
        final LongAdder sent = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final Outbox outbox;
        private final OutboundFrames frames = new OutboundFrames(1024 * 1024, (record, size) -> {});

        QueuedClient(FeedHub hub, Outbox.Sink socket) {
            Outbox.Listener counts = new Outbox.Listener() {
                @Override
                public void sent(OutboundFrame frame) {
                    sent.add(frame.records());
                }

                @Override
                public void dropped(OutboundFrame frame) {
                    dropped.add(frame.records());
                }
            };
            outbox = new Outbox(
                    5,
                    1024 * 1024,
                    new AtomicLong(),
                    Long.MAX_VALUE,
                    BridgeConfig.SlowClientPolicy.DROP_OLDEST,
                    socket,
                    counts,
                    report -> OutboundFrame.control(RecordFrames.dropped(report.frames(), report.ranges()), false),
                    hub.writer());
        }

        @Override
        public void deliver(List<EncodedRecord> records, Map<Long, List<OutboundFrame>> shared) {
            outbox.offerAll(frames.of(records, shared, 1, false), shared != null);
        }

        @Override
        public void feedFailed(org.apache.kafka.common.TopicPartition partition, String reason) {}
    }
}
