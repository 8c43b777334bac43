package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class IngestQueueTest {

    private static PendingRequest request(String id, int size) {
        PendingRequest request = new PendingRequest(id, size, System.nanoTime());
        for (int i = 0; i < size; i++) {
            request.add(new WebhookRecord(request, i, null, null, "t", null, null, null, "v", null));
        }
        return request;
    }

    @Test
    void requestsFitWholeOrNotAtAllAndCapacityReturnsWhenSettled() throws Exception {
        IngestQueue queue = new IngestQueue(5);
        PendingRequest a = request("a", 3);
        assertThat(queue.offer(a)).isTrue();
        assertThat(queue.offer(request("b", 3))).isFalse();
        assertThat(queue.depth()).isEqualTo(3);
        PendingRequest c = request("c", 2);
        assertThat(queue.offer(c)).isTrue();

        List<PendingRequest> taken = queue.take(4, 10);
        assertThat(taken).containsExactly(a); // never split: c would exceed 4 events
        RecordMetadata md = new RecordMetadata(new TopicPartition("t", 0), 7, 0, 0, 0, 0);
        for (int i = 0; i < 3; i++) {
            a.ack(i, md);
        }
        assertThat(a.acked()).isCompleted();
        assertThat(queue.depth()).isEqualTo(2);

        assertThat(c.withdraw("timeout")).isTrue();
        assertThat(queue.depth()).isZero();
        assertThat(queue.take(10, 10)).isEmpty(); // withdrawn requests are skipped
    }

    @Test
    void lingerTakesRequestsArrivingAfterTheFirstAndLeavesWhatDoesNotFitAtTheHead() throws Exception {
        IngestQueue queue = new IngestQueue(100);
        PendingRequest a = request("a", 1);
        PendingRequest b = request("b", 1);
        PendingRequest big = request("big", 5);
        queue.offer(a);
        Thread late = new Thread(() -> {
            LockSupport.parkNanos(3 * IngestQueue.LINGER_SLICE_NANOS); // after a few looks at the queue found nothing
            queue.offer(b);
            queue.offer(big);
        });
        late.start();
        // b arrives while lingering; big would exceed 4 events, so the take ends there without waiting out 60 s
        assertThat(queue.take(4, 10, Duration.ofSeconds(60).toNanos())).containsExactly(a, b);
        late.join();
        PendingRequest c = request("c", 1);
        queue.offer(c);
        assertThat(queue.take(10, 10)).containsExactly(big, c);
    }

    @Test
    void theAckTimeoutRunsOnceForAnOverdueUnsettledRequestAndNeverForAnAcknowledgedOne() throws Exception {
        IngestQueue queue = new IngestQueue(10);
        PendingRequest overdue = request("overdue", 1);
        PendingRequest acknowledged = request("acknowledged", 1);
        PendingRequest early = request("early", 1);
        int[] fired = new int[3];
        long now = System.nanoTime();
        overdue.expireAt(now - 1, () -> fired[0]++);
        acknowledged.expireAt(now - 1, () -> fired[1]++);
        early.expireAt(now + Duration.ofMinutes(1).toNanos(), () -> fired[2]++);
        for (PendingRequest r : List.of(overdue, acknowledged, early)) {
            queue.offer(r);
        }
        acknowledged.ack(0, new RecordMetadata(new TopicPartition("t", 0), 1, 0, 0, 0, 0));

        queue.forEachQueued(r -> r.expireIfOverdue(now));
        queue.forEachQueued(r -> r.expireIfOverdue(now)); // a second sweep does not answer twice
        assertThat(fired).containsExactly(1, 0, 0);
    }

    @Test
    void polledRequestsCannotBeWithdrawn() throws Exception {
        IngestQueue queue = new IngestQueue(5);
        PendingRequest a = request("a", 1);
        queue.offer(a);
        queue.take(10, 10);
        assertThat(a.withdraw("late")).isFalse();
        assertThat(a.state()).isEqualTo(PendingRequest.State.POLLED);
    }

    @Test
    void webhookRecordsAreDistinctEvenWhenEqualInContent() {
        PendingRequest a = request("a", 2);
        assertThat(a.records().get(0)).isNotEqualTo(a.records().get(1));
    }

    @Test
    void dedupeAnswersAcknowledgedIdsAndBlocksIdsInFlight() {
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now[0];
            }
        };
        EventDeduplicator dedupe = new EventDeduplicator(Duration.ofSeconds(60), 100, clock);
        EventDeduplicator.Published[] first = dedupe.claim("r1", List.of("x", "y", "x"));
        assertThat(first[0]).isNull();
        assertThat(first[1]).isNull();
        assertThat(first[2].offset()).isZero(); // repeat of position 0 inside the request

        assertThatThrownBy(() -> dedupe.claim("r2", List.of("x")))
                .isInstanceOfSatisfying(
                        RejectedRequest.class, e -> assertThat(e.status()).isEqualTo(503));

        dedupe.published("x", "r1", new RecordMetadata(new TopicPartition("t", 1), 41, 0, 0, 0, 0));
        dedupe.released("r1", List.of("y"));
        EventDeduplicator.Published[] retry = dedupe.claim("r3", List.of("x", "y"));
        assertThat(retry[0].partition()).isEqualTo(1);
        assertThat(retry[0].offset()).isEqualTo(41);
        assertThat(retry[1]).isNull(); // y was never published: the retry publishes it

        now[0] = now[0].plusSeconds(61);
        dedupe.released("r3", List.of("y"));
        assertThat(Arrays.asList(dedupe.claim("r4", List.of("x")))).containsOnlyNulls(); // window passed
    }
}
