package io.cxone.kafka.bridge.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.bridge.BridgeConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

class OutboxTest {

    /** A socket that completes writes only when told to. */
    private static final class ManualSink implements Outbox.Sink {
        final List<OutboundFrame> written = new ArrayList<>();
        final List<Callback> pending = new ArrayList<>();
        boolean synchronous;

        @Override
        public void send(OutboundFrame frame, Callback callback, boolean more) {
            written.add(frame);
            if (synchronous) {
                callback.succeeded();
            } else {
                pending.add(callback);
            }
        }

        void completeAll() {
            while (!pending.isEmpty()) {
                pending.remove(0).succeeded();
            }
        }
    }

    private static final Outbox.Listener NO_METRICS = new Outbox.Listener() {
        @Override
        public void sent(OutboundFrame frame) {}

        @Override
        public void dropped(OutboundFrame frame) {}
    };

    private static OutboundFrame frame(long offset) {
        return new OutboundFrame(
                ("f" + offset).getBytes(StandardCharsets.UTF_8),
                false,
                List.of(new OutboundFrame.Span("t", 0, offset, offset)),
                1);
    }

    private static Outbox outbox(
            ManualSink sink, BridgeConfig.SlowClientPolicy policy, AtomicLong global, long globalMax) {
        return new Outbox(
                3,
                1_000_000,
                global,
                globalMax,
                policy,
                sink,
                NO_METRICS,
                report -> OutboundFrame.control(
                        ("dropped " + report.frames() + " " + report.ranges()).getBytes(StandardCharsets.UTF_8),
                        false));
    }

    private static List<String> texts(List<OutboundFrame> frames) {
        return frames.stream()
                .map(f -> new String(f.payload(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void oneWriteInFlightAndOrderKept() {
        ManualSink sink = new ManualSink();
        Outbox box = outbox(sink, BridgeConfig.SlowClientPolicy.DROP_OLDEST, new AtomicLong(), Long.MAX_VALUE);
        box.offer(frame(0));
        box.offer(frame(1));
        box.offer(frame(2));
        assertThat(sink.written).hasSize(1);
        sink.completeAll();
        assertThat(texts(sink.written)).containsExactly("f0", "f1", "f2");
        assertThat(box.isIdle()).isTrue();
    }

    @Test
    void synchronousCompletionDoesNotRecurse() {
        ManualSink sink = new ManualSink();
        sink.synchronous = true;
        Outbox box = new Outbox(
                100_000,
                Long.MAX_VALUE,
                new AtomicLong(),
                Long.MAX_VALUE,
                BridgeConfig.SlowClientPolicy.DISCONNECT,
                sink,
                NO_METRICS,
                r -> null);
        for (int i = 0; i < 50_000; i++) {
            box.offer(frame(i));
        }
        assertThat(sink.written).hasSize(50_000);
    }

    @Test
    void dropOldestReportsTheMissedOffsetsBeforeTheNextFrame() {
        ManualSink sink = new ManualSink();
        Outbox box = outbox(sink, BridgeConfig.SlowClientPolicy.DROP_OLDEST, new AtomicLong(), Long.MAX_VALUE);
        box.offer(frame(0)); // in flight
        for (int i = 1; i <= 6; i++) {
            box.offer(frame(i)); // queue holds 3: 1..3, then 4..6 push out 1..3
        }
        assertThat(box.queuedMessages()).isEqualTo(3);
        sink.completeAll();
        assertThat(texts(sink.written))
                .containsExactly(
                        "f0", "dropped 3 [Span[topic=t, partition=0, firstOffset=1, lastOffset=3]]", "f4", "f5", "f6");
    }

    @Test
    void disconnectPolicyRejectsWhenFull() {
        ManualSink sink = new ManualSink();
        Outbox box = outbox(sink, BridgeConfig.SlowClientPolicy.DISCONNECT, new AtomicLong(), Long.MAX_VALUE);
        box.offer(frame(0));
        box.offer(frame(1));
        box.offer(frame(2));
        box.offer(frame(3));
        assertThat(box.offer(frame(4))).isEqualTo(Outbox.Offer.REJECTED_FULL);
    }

    @Test
    void sharedBudgetBoundsAllClientsTogether() {
        AtomicLong global = new AtomicLong();
        ManualSink a = new ManualSink();
        ManualSink b = new ManualSink();
        Outbox boxA = outbox(a, BridgeConfig.SlowClientPolicy.DROP_OLDEST, global, 6);
        Outbox boxB = outbox(b, BridgeConfig.SlowClientPolicy.DISCONNECT, global, 6);
        boxA.offer(frame(0)); // in flight, not counted
        boxA.offer(frame(1));
        boxA.offer(frame(2));
        boxA.offer(frame(3));
        assertThat(global.get()).isEqualTo(6);
        boxB.offer(frame(0)); // in flight
        assertThat(boxB.offer(frame(1))).isEqualTo(Outbox.Offer.REJECTED_FULL);
        a.completeAll();
        assertThat(global.get()).isZero();
        assertThat(boxB.offer(frame(1))).isEqualTo(Outbox.Offer.QUEUED);
    }

    @Test
    void aBurstLargerThanTheQueueCostsAClientThatKeepsUpNothing() {
        ManualSink sink = new ManualSink();
        sink.synchronous = true;
        Outbox box = outbox(sink, BridgeConfig.SlowClientPolicy.DISCONNECT, new AtomicLong(), Long.MAX_VALUE);
        List<OutboundFrame> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(frame(i));
        }
        assertThat(box.offerAll(burst)).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(texts(sink.written)).containsExactly("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9");
        assertThat(box.isIdle()).isTrue();
    }

    @Test
    void aBurstToAStalledSocketFollowsThePolicy() {
        ManualSink sink = new ManualSink();
        List<OutboundFrame> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(frame(i));
        }
        Outbox dropping = outbox(sink, BridgeConfig.SlowClientPolicy.DROP_OLDEST, new AtomicLong(), Long.MAX_VALUE);
        assertThat(dropping.offerAll(burst)).isEqualTo(Outbox.Offer.QUEUED_AFTER_DROPS);
        // f0 is in flight; the queue (3) keeps the newest, and a notice reports f1..f6 before them.
        sink.completeAll();
        sink.completeAll();
        sink.completeAll();
        sink.completeAll();
        sink.completeAll();
        assertThat(texts(sink.written))
                .containsExactly(
                        "f0", "dropped 6 [Span[topic=t, partition=0, firstOffset=1, lastOffset=6]]", "f7", "f8", "f9");

        ManualSink stalled = new ManualSink();
        Outbox strict = outbox(stalled, BridgeConfig.SlowClientPolicy.DISCONNECT, new AtomicLong(), Long.MAX_VALUE);
        assertThat(strict.offerAll(burst)).isEqualTo(Outbox.Offer.REJECTED_FULL);
        assertThat(strict.queuedMessages()).isEqualTo(3);
    }
}
