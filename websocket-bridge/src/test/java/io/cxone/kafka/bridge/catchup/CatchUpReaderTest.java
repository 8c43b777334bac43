package io.cxone.kafka.bridge.catchup;

import static io.cxone.kafka.bridge.feed.FakePartition.TP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.bridge.feed.FakePartition;
import io.cxone.kafka.bridge.feed.FakePartition.PacedConsumer;
import io.cxone.kafka.bridge.feed.FeedAttachment;
import io.cxone.kafka.bridge.feed.FeedHub;
import io.cxone.kafka.bridge.feed.PartitionFeed;
import io.cxone.kafka.bridge.feed.RecordingClient;
import io.cxone.kafka.bridge.frame.RecordFrames;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

/**
 * Resume by offset, without a broker: a client starting behind the feed's head reads with its own catch-up
 * reader, then joins the shared feed; what it receives has no gap and no duplicate.
 */
class CatchUpReaderTest {

    @Test
    void clientCaughtUpJoinsTheFeedWithoutGapOrDuplicate() throws Exception {
        // The feed starts at the log end, 10. The catch-up reader then reads 0..11 (four per poll): it is behind
        // the head after its first two polls and passes it with its third, while the feed has not read 10 and 11
        // yet: after the hand-over the feed must skip them for this client, and deliver 12 on.
        PacedConsumer feedConsumer = new PacedConsumer(TP, 10);
        PacedConsumer catchUpConsumer = new PacedConsumer(TP, 12);
        catchUpConsumer.setMaxPollRecords(4);
        catchUpConsumer.schedulePollTask(() -> catchUpConsumer.append(TP, 0, 12));
        try (FeedHub hub = new FeedHub(
                FakePartition.config(Map.of()),
                new RecordFrames(null),
                FakePartition.consumers(tp -> feedConsumer, catchUpConsumer),
                Time.SYSTEM)) {
            PartitionFeed feed = hub.attachReclaiming(TP);
            assertThat(feed.ready().get(10, TimeUnit.SECONDS)).isEqualTo(10L);
            RecordingClient client = new RecordingClient();
            PartitionFeed.Member member = new PartitionFeed.Member(client, 0);
            CatchUpReader reader = new CatchUpReader(1, List.of(new FeedAttachment(feed, member)), hub, client);
            reader.start();
            assertThat(client.readerStoppedLatch().await(10, TimeUnit.SECONDS))
                    .as("the reader exits once joined")
                    .isTrue();
            assertThat(client.failure()).isNull();
            assertThat(client.offsets()).containsExactlyElementsOf(range(0, 12));

            feedConsumer.append(TP, 10, 15);
            await().until(() -> client.offsets().contains(14L));
            assertThat(client.offsets()).containsExactlyElementsOf(range(0, 15));
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }
}
