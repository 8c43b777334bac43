package io.cxone.kafka.bridge;

import io.cxone.kafka.bridge.frame.FrameChecksum;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;

/**
 * Not a test: N WebSocket clients on one topic while a producer writes R msg/s for S seconds, bridge, load
 * generator and the harness's embedded Kafka in one JVM. Prints the delivered ratio and p50/p99
 * produce-to-receive latency, each with its ratio to the target (delivered >= 0.99, p99 < 100 ms).
 *
 * <p>The produce time is the record's timestamp (CreateTime, set by the producer when it sends); a client reads
 * the envelope's "offset" and "timestamp" straight from the frame bytes and nothing else, so the load generator
 * costs as little as possible next to the bridge on the same cores. A warm-up at the same rate (excluded from
 * the figures) precedes the measured run, which starts once every client has received every warm-up record. Run with {@code benchmarks/bin/bridge-throughput}.
 * Results: docs/benchmarks.md.
 */
public final class BridgeBenchmark {

    private static final int MAX_MS = 60_000;
    private static final double TARGET_DELIVERED = 0.99;
    private static final long TARGET_P99_MS = 100;
    private static final AtomicLongArray LATENCY_MS = new AtomicLongArray(MAX_MS + 1);
    private static final LongAdder RECEIVED = new LongAdder();
    private static final LongAdder FRAMES = new LongAdder();
    private static final LongAdder WARMUP_RECEIVED = new LongAdder();
    private static final LongAdder CAUGHT_UP = new LongAdder();
    private static final LongAdder DROPPED_RECORDS = new LongAdder();
    private static final byte[] TO_OFFSET = "\"toOffset\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FROM_OFFSET = "\"fromOffset\":".getBytes(StandardCharsets.US_ASCII);
    private static final LongAdder OUT_OF_ORDER = new LongAdder();
    private static final LongAdder DROPPED_NOTICES = new LongAdder();
    private static final LongAdder SUBSCRIBED = new LongAdder();
    private static final byte[] OFFSET = "\"offset\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIMESTAMP = "\"timestamp\":".getBytes(StandardCharsets.US_ASCII);
    /** Index of the first character of the "type" value: after {"checksum":"<64 hex>","type":" . */
    private static final int TYPE_AT = FrameChecksum.HEX_END + "\",\"type\":\"".length();
    /** Offsets of the measured run start here (the warm-up's records come first on the single partition). */
    private static volatile long measuredFrom = Long.MAX_VALUE;

    private BridgeBenchmark() {}

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int warmupSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        String topic = BridgeTestSupport.uniqueTopic("bench", 1);
        BridgeServer bridge = BridgeTestSupport.startBridge(
                m -> m.put("limits.connections.per.address", Integer.toString(clients + 10)));
        List<CoreSession> sessions = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            CoreClientUpgradeRequest request = CoreClientUpgradeRequest.from(
                    WsTestClient.jetty(),
                    BridgeTestSupport.streamUri(bridge, "topics=" + topic + (batch > 1 ? "&batch=" + batch : "")),
                    new Receiver());
            request.headers(h -> h.put("Authorization", "Bearer " + BridgeTestSupport.TOKEN));
            Configuration.ConfigurationCustomizer wire = new Configuration.ConfigurationCustomizer();
            wire.setAutoFragment(false);
            // Batch frames are tens of KiB: read them in one buffer rather than gathering pieces.
            wire.setInputBufferSize(64 * 1024);
            wire.setMaxFrameSize(4L * 1024 * 1024);
            request.setConfiguration(wire);
            sessions.add(WsTestClient.jetty().connect(request).get(30, TimeUnit.SECONDS));
        }
        long subscribeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (SUBSCRIBED.sum() < clients && System.nanoTime() < subscribeDeadline) {
            Thread.sleep(50); // every client positioned at "latest" before the first record
        }
        if (SUBSCRIBED.sum() < clients) {
            throw new IllegalStateException("only " + SUBSCRIBED.sum() + " of " + clients + " clients subscribed");
        }
        Thread progress = new Thread(() -> progress(bridge), "bench-progress");
        progress.setDaemon(true);
        progress.start();
        long warmupRecords = (long) rate * warmupSeconds;
        measuredFrom = warmupRecords; // known before the first record, so no client can pass it unnoticed
        produce(topic, rate, warmupSeconds, 0);
        // The measured run starts once every client is past the last warm-up record (received, or reported
        // dropped): no warm-up backlog counts in it.
        long drainStart = System.nanoTime();
        long drainDeadline = drainStart + TimeUnit.SECONDS.toNanos(60);
        while (CAUGHT_UP.sum() < clients && System.nanoTime() < drainDeadline) {
            Thread.sleep(20);
        }
        System.out.printf(
                Locale.ROOT,
                "warm-up: %d records x %d clients, %d received, %d clients past it %.1f s after the last was produced%n",
                warmupRecords,
                clients,
                WARMUP_RECEIVED.sum(),
                CAUGHT_UP.sum(),
                (System.nanoTime() - drainStart) / 1e9);
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        produce(topic, rate, seconds, warmupRecords);
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        long expected = total * clients;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (RECEIVED.sum() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long received = RECEIVED.sum();
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        double delivered = (double) received / expected;
        long p50 = percentile(0.50, received);
        long p99 = percentile(0.99, received);
        System.out.printf(
                Locale.ROOT,
                "clients=%d rate=%d msg/s seconds=%d (after %d s warm-up) mode=%s produced=%d in %.1fs "
                        + "expected=%d received=%d frames=%d out-of-order=%d dropped-notices=%d dropped-records(measured)=%d%n",
                clients,
                rate,
                seconds,
                warmupSeconds,
                batch > 1 ? "batch=" + batch : "record",
                total,
                produceSeconds,
                expected,
                received,
                FRAMES.sum(),
                OUT_OF_ORDER.sum(),
                DROPPED_NOTICES.sum(),
                DROPPED_RECORDS.sum());
        // On a shared machine the run may get far less than its cores: show what it actually had.
        System.out.printf(
                Locale.ROOT,
                "process CPU %.1f s over %.1f s wall = %.2f of %d cores%n",
                cpuSeconds,
                wallSeconds,
                cpuSeconds / wallSeconds,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(
                Locale.ROOT,
                "delivered=%.4f (target >= %.2f, ratio %.3f)%n",
                delivered,
                TARGET_DELIVERED,
                delivered / TARGET_DELIVERED);
        System.out.printf(
                Locale.ROOT,
                "latency p50=%dms p99=%dms max=%dms (p99 target < %d ms, ratio %.3f)%n",
                p50,
                p99,
                percentile(1.0, received),
                TARGET_P99_MS,
                (double) p99 / TARGET_P99_MS);
        System.out.println("targets " + (delivered >= TARGET_DELIVERED && p99 < TARGET_P99_MS ? "MET" : "NOT MET"));
        System.out.println(BridgeTestSupport.get(bridge, "/metrics")
                .body()
                .lines()
                .filter(l -> l.startsWith("bridge_frames_dropped_total")
                        || l.startsWith("bridge_slow_client")
                        || l.startsWith("bridge_frames_sent_total")
                        || l.startsWith("bridge_bytes_sent_total"))
                .toList());
        sessions.forEach(s -> s.close(CloseStatus.NORMAL, "done", Callback.NOOP));
        bridge.close();
        System.exit(0);
    }

    /** Sends rate x seconds records paced per millisecond, each stamped with its send time; returns the count. */
    private static long produce(String topic, int rate, int seconds, long firstNumber) {
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        long sent = 0;
        while (sent < total) {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
            for (; sent < due; sent++) {
                long n = firstNumber + sent;
                byte[] value = ("{\"event_id\":\"e-" + n + "\",\"action_type\":\"LOGIN\",\"n\":" + n + "}")
                        .getBytes(StandardCharsets.UTF_8);
                BridgeTestSupport.producer()
                        .send(new ProducerRecord<>(topic, 0, System.currentTimeMillis(), null, value));
            }
            LockSupport.parkNanos(500_000);
        }
        BridgeTestSupport.flush();
        return total;
    }

    /** Every 5 s: where a backlog sits, if any (Kafka lag of the feed, client queues) and what arrived. */
    private static void progress(BridgeServer bridge) {
        while (true) {
            try {
                Thread.sleep(5000);
                List<String> lines = BridgeTestSupport.get(bridge, "/metrics")
                        .body()
                        .lines()
                        .filter(l -> l.startsWith("bridge_queued_messages") || l.startsWith("bridge_consumer_lag_max{"))
                        .toList();
                System.out.println("progress: received(measured)=" + RECEIVED.sum() + " " + lines);
            } catch (Exception e) {
                return;
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
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

    /** The digits of a JSON number starting at {@code at}. */
    /** Index of {@code name} in the first {@code length} bytes, at or after {@code from}; -1 if absent. */
    private static int indexOf(byte[] b, int length, byte[] name, int from) {
        int last = length - name.length;
        byte first = name[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (b[i] != first) {
                continue;
            }
            for (int j = 1; j < name.length; j++) {
                if (b[i + j] != name[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static long number(byte[] b, int length, int at) {
        long value = 0;
        for (int k = at; k < length; k++) {
            byte c = b[k];
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static final class Receiver implements FrameHandler {
        private CoreSession session;
        private long lastOffset = -1;
        private byte[] buffer = new byte[64 * 1024];
        private boolean pastWarmup;

        private void advance(long offset) {
            lastOffset = offset;
            if (!pastWarmup && measuredFrom != Long.MAX_VALUE && offset >= measuredFrom - 1) {
                pastWarmup = true;
                CAUGHT_UP.increment();
            }
        }

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            ByteBuffer payload = frame.getPayload();
            if (frame.getOpCode() == OpCode.TEXT && payload != null && payload.remaining() > TYPE_AT) {
                // One bulk copy into this connection's reused array, then plain array scans: the load generator
                // shares the bridge's cores, so it allocates nothing per frame and reads no direct buffer byte-wise.
                int length = payload.remaining();
                if (buffer.length < length) {
                    buffer = new byte[Math.max(length, buffer.length * 2)];
                }
                payload.slice().get(buffer, 0, length);
                byte[] b = buffer;
                byte type = b[TYPE_AT];
                if (type == 'r' || type == 'b') {
                    long now = System.currentTimeMillis();
                    FRAMES.increment();
                    // Each record of the frame: its "offset" and then its "timestamp" (a batch holds several).
                    int at = TYPE_AT;
                    while ((at = indexOf(b, length, OFFSET, at)) >= 0) {
                        long offset = number(b, length, at + OFFSET.length);
                        at = indexOf(b, length, TIMESTAMP, at);
                        long timestamp = number(b, length, at + TIMESTAMP.length);
                        if (offset != lastOffset + 1 && lastOffset >= 0) {
                            OUT_OF_ORDER.increment();
                        }
                        advance(offset);
                        if (offset >= measuredFrom) {
                            LATENCY_MS.incrementAndGet((int) Math.max(0, Math.min(MAX_MS, now - timestamp)));
                            RECEIVED.increment();
                        } else {
                            WARMUP_RECEIVED.increment();
                        }
                    }
                } else if (type == 's') {
                    SUBSCRIBED.increment();
                } else if (type == 'd') {
                    // Drop-oldest: the records this client will not get (one partition here), then it goes on after
                    // them.
                    DROPPED_NOTICES.increment();
                    int at = indexOf(b, length, FROM_OFFSET, TYPE_AT);
                    if (at >= 0) {
                        long from = number(b, length, at + FROM_OFFSET.length);
                        at = indexOf(b, length, TO_OFFSET, at);
                        long to = number(b, length, at + TO_OFFSET.length);
                        DROPPED_RECORDS.add(Math.max(0, to + 1 - Math.max(from, measuredFrom)));
                        advance(to);
                    }
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
