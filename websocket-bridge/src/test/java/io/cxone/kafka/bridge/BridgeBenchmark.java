package io.cxone.kafka.bridge;

import io.cxone.kafka.stack.TestServices;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Not a test: N clients on one topic while a producer writes R msg/s for S seconds, all in one JVM on the
 * harness's embedded Kafka. Prints the delivered ratio and p50/p99 produce-to-receive latency.
 *
 * <pre>mvn -q -pl websocket-bridge test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.cxone.kafka.bridge.BridgeBenchmark -Dexec.args="100 10000 30"</pre>
 */
public final class BridgeBenchmark {

    private static final int MAX_MS = 60_000;
    private static final AtomicLongArray LATENCY_MS = new AtomicLongArray(MAX_MS + 1);
    private static final LongAdder RECEIVED = new LongAdder();
    private static final LongAdder SUBSCRIBED = new LongAdder();

    private BridgeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        String topic = BridgeTestSupport.uniqueTopic("bench", 1);
        BridgeServer bridge = BridgeTestSupport.startBridge(m -> {
            m.put("limits.connections.per.address", Integer.toString(clients + 10));
            m.put("kafka.poll.timeout.ms", "20");
        });
        List<CoreSession> sessions = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            CoreClientUpgradeRequest request = CoreClientUpgradeRequest.from(WsTestClient.jetty(),
                    BridgeTestSupport.streamUri(bridge, "topics=" + topic), new Receiver());
            request.headers(h -> h.put("Authorization", "Bearer " + BridgeTestSupport.TOKEN));
            org.eclipse.jetty.websocket.core.Configuration.ConfigurationCustomizer wire =
                    new org.eclipse.jetty.websocket.core.Configuration.ConfigurationCustomizer();
            wire.setAutoFragment(false);
            request.setConfiguration(wire);
            sessions.add(WsTestClient.jetty().connect(request).get());
        }
        long warmup = System.nanoTime() + 60_000_000_000L;
        while (SUBSCRIBED.sum() < clients && System.nanoTime() < warmup) {
            Thread.sleep(50); // every client positioned at "latest" before the first record
        }
        Thread.sleep(1000);
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 200_000) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            BridgeTestSupport.producer().send(new ProducerRecord<>(topic, 0, null,
                    ("{\"n\":" + i + ",\"t\":" + System.nanoTime() + "}").getBytes(StandardCharsets.UTF_8)));
        }
        BridgeTestSupport.flush();
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        long expected = total * clients;
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (RECEIVED.sum() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long received = RECEIVED.sum();
        System.out.printf("clients=%d rate=%d msg/s seconds=%d produced=%d in %.1fs expected=%d received=%d delivered=%.4f p50=%dms p99=%dms max=%dms%n",
                clients, rate, seconds, total, produceSeconds, expected, received, (double) received / expected,
                percentile(0.50, received), percentile(0.99, received), percentile(1.0, received));
        System.out.println(BridgeTestSupport.get(bridge, "/metrics").body().lines()
                .filter(l -> l.startsWith("bridge_frames_dropped_total") || l.startsWith("bridge_slow_client")).toList());
        sessions.forEach(s -> s.close(CloseStatus.NORMAL, "done", Callback.NOOP));
        bridge.close();
        System.exit(0);
    }

    private static long percentile(double p, long count) {
        long rank = (long) Math.ceil(p * count);
        long seen = 0;
        for (int ms = 0; ms <= MAX_MS; ms++) {
            seen += LATENCY_MS.get(ms);
            if (seen >= rank && rank > 0) {
                return ms;
            }
        }
        return -1;
    }

    private static final class Receiver implements FrameHandler {
        private CoreSession session;

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            if (frame.getOpCode() == OpCode.TEXT) {
                String text = frame.getPayloadAsUTF8();
                int at = text.indexOf("\"t\":");
                if (text.contains("\"type\":\"subscribed\"")) {
                    SUBSCRIBED.increment();
                }
                if (at > 0 && text.contains("\"type\":\"record\"")) {
                    long sent = Long.parseLong(text.substring(at + 4, text.indexOf('}', at)));
                    int ms = (int) Math.min(MAX_MS, (System.nanoTime() - sent) / 1_000_000);
                    LATENCY_MS.incrementAndGet(ms);
                    RECEIVED.increment();
                }
            }
            callback.succeeded();
            session.demand();
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            callback.succeeded();
        }
    }
}
