package io.cxone.kafka.bridge.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.bridge.feed.FakePartition.PacedConsumer;
import io.cxone.kafka.bridge.frame.RecordFrames;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.Test;

/** When partition feeds start and stop, without a broker (Kafka's MockConsumer and MockTime). */
class FeedHubTest {

    private final Map<TopicPartition, PacedConsumer> consumers = new ConcurrentHashMap<>();
    private final MockTime time = new MockTime();

    private FeedHub hub(Map<String, String> settings) {
        return new FeedHub(
                FakePartition.config(settings),
                new RecordFrames(null),
                FakePartition.consumers(tp -> consumers.computeIfAbsent(tp, t -> new PacedConsumer(t, 0)), null),
                time);
    }

    @Test
    void clientsOfOnePartitionShareOneFeedThatLingersAfterTheLastLeavesThenStops() throws Exception {
        TopicPartition tp = FakePartition.TP;
        try (FeedHub hub = hub(Map.of())) {
            PartitionFeed first = hub.attachReclaiming(tp);
            PartitionFeed second = hub.attachReclaiming(tp);
            assertThat(second).isSameAs(first);
            first.ready().get(10, TimeUnit.SECONDS);
            PacedConsumer consumer = consumers.get(tp);
            assertThat(hub.consumerCount()).isEqualTo(1);

            hub.detach(first);
            time.sleep(FeedHub.UNUSED_LINGER.toMillis() + 1_000);
            awaitPolls(consumer);
            assertThat(hub.feedCount()).as("a client still reads it").isEqualTo(1);
            assertThat(consumer.closed()).isFalse();

            hub.detach(second);
            awaitPolls(consumer);
            assertThat(hub.idleFeedCount())
                    .as("kept for a client that comes back")
                    .isEqualTo(1);
            assertThat(hub.attachReclaiming(tp)).isSameAs(first);
            hub.detach(first);

            time.sleep(FeedHub.UNUSED_LINGER.toMillis() + 1_000);
            await().until(() -> hub.feedCount() == 0 && hub.consumerCount() == 0);
            first.awaitStopped(Duration.ofSeconds(10));
            assertThat(consumer.closed()).isTrue();
        }
    }

    @Test
    void atTheConsumerLimitAFeedWithoutClientsMakesRoomForANewPartition() throws Exception {
        TopicPartition a = new TopicPartition("orders", 0);
        TopicPartition b = new TopicPartition("orders", 1);
        try (FeedHub hub = hub(Map.of("limits.consumers.total", "1"))) {
            PartitionFeed feedA = hub.attachReclaiming(a);
            feedA.ready().get(10, TimeUnit.SECONDS);
            hub.detach(feedA);

            PartitionFeed feedB = hub.attachReclaiming(b);
            assertThat(consumers.get(a).closed())
                    .as("the unused feed was stopped for its consumer")
                    .isTrue();
            feedB.ready().get(10, TimeUnit.SECONDS);
            assertThat(hub.feedCount()).isEqualTo(1);
            assertThat(hub.consumerCount()).isEqualTo(1);

            assertThatThrownBy(() -> hub.attachReclaiming(a))
                    .as("feed b has a client: nothing to reclaim")
                    .isInstanceOf(FeedHub.ConsumerLimitException.class)
                    .hasMessageContaining("limits.consumers.total=1");
        }
    }

    /** Waits until the feed has polled (and asked whether to retire) at least twice more, or has stopped. */
    private static void awaitPolls(PacedConsumer consumer) {
        int seen = consumer.polls();
        await().until(() -> consumer.polls() >= seen + 2 || consumer.closed());
    }
}
