package io.cxone.kafka.bridge;

import io.cxone.kafka.bridge.frame.OutboundFrame;
import io.cxone.kafka.bridge.frame.Outbox;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the bridge, rendered as Prometheus text by {@link #render}. */
public final class BridgeMetrics implements Outbox.Listener {

    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder framesSent = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder recordsSent = new LongAdder();
    final LongAdder framesDropped = new LongAdder();
    final LongAdder recordsDropped = new LongAdder();
    final LongAdder recordsTooLarge = new LongAdder();
    final LongAdder slowClientDisconnects = new LongAdder();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

    private final AtomicLong lastSampleFrames = new AtomicLong();
    private volatile long lastSampleNanos = System.nanoTime();
    private volatile double framesPerSecond;

    @Override
    public void sent(OutboundFrame frame) {
        framesSent.increment();
        bytesSent.add(frame.size());
        recordsSent.add(frame.records());
    }

    @Override
    public void dropped(OutboundFrame frame) {
        framesDropped.increment();
        recordsDropped.add(frame.records());
    }

    public void recordTooLarge() {
        recordsTooLarge.increment();
    }

    public void slowClientDisconnected() {
        slowClientDisconnects.increment();
    }

    void rejected(String reason) {
        rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Called once a second: the frames/s gauge is the rate over the last interval. */
    void sample() {
        long now = System.nanoTime();
        long frames = framesSent.sum();
        long previous = lastSampleFrames.getAndSet(frames);
        double seconds = (now - lastSampleNanos) / 1e9;
        lastSampleNanos = now;
        framesPerSecond = seconds > 0 ? (frames - previous) / seconds : 0;
    }

    /** Prometheus text exposition format 0.0.4. */
    String render(
            int clients,
            int kafkaConsumers,
            int idleFeeds,
            long queuedMessages,
            long queuedBytes,
            Map<String, Long> maxLagByTopic,
            int ticketsOutstanding) {
        StringBuilder out = new StringBuilder(2048);
        gauge(out, "bridge_clients", "Clients connected (WebSocket and SSE)", clients);
        gauge(
                out,
                "bridge_kafka_consumers",
                "Kafka consumers in use (partition feeds, catch-up and group readers; limits.consumers.total)",
                kafkaConsumers);
        gauge(
                out,
                "bridge_partition_feeds_idle",
                "Partition feeds without clients, stopped after 10 s or when their consumer is needed",
                idleFeeds);
        counter(out, "bridge_connections_total", "Connections accepted (WebSocket and SSE)", connectionsOpened.sum());
        out.append("# HELP bridge_connections_rejected_total Stream and ticket requests refused, by reason\n")
                .append("# TYPE bridge_connections_rejected_total counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(rejected).entrySet()) {
            out.append("bridge_connections_rejected_total{reason=\"")
                    .append(e.getKey())
                    .append("\"} ")
                    .append(e.getValue().sum())
                    .append('\n');
        }
        counter(out, "bridge_frames_sent_total", "Messages written (WebSocket messages, SSE events)", framesSent.sum());
        gauge(out, "bridge_frames_per_second", "Messages written per second (last second)", framesPerSecond);
        counter(out, "bridge_bytes_sent_total", "Payload bytes written", bytesSent.sum());
        counter(out, "bridge_records_sent_total", "Kafka records delivered to clients", recordsSent.sum());
        counter(
                out,
                "bridge_records_dropped_total",
                "Kafka records dropped for slow clients (drop-oldest)",
                recordsDropped.sum());
        counter(
                out,
                "bridge_frames_dropped_total",
                "Frames dropped for slow clients (drop-oldest)",
                framesDropped.sum());
        counter(
                out,
                "bridge_records_too_large_total",
                "Records reported as record_too_large instead of sent",
                recordsTooLarge.sum());
        counter(
                out,
                "bridge_slow_client_disconnects_total",
                "Clients disconnected because their queue was full",
                slowClientDisconnects.sum());
        gauge(
                out,
                "bridge_tickets_outstanding",
                "Tickets issued and neither redeemed nor expired (auth.tickets.max)",
                ticketsOutstanding);
        gauge(out, "bridge_queued_messages", "Messages waiting in client queues", queuedMessages);
        gauge(out, "bridge_queued_bytes", "Bytes waiting in client queues", queuedBytes);
        out.append(
                        "# HELP bridge_consumer_lag_max Largest consumer lag (records behind log end, summed over partitions) among clients, per topic\n")
                .append("# TYPE bridge_consumer_lag_max gauge\n");
        for (Map.Entry<String, Long> e : new TreeMap<>(maxLagByTopic).entrySet()) {
            out.append("bridge_consumer_lag_max{topic=\"")
                    .append(e.getKey())
                    .append("\"} ")
                    .append(e.getValue())
                    .append('\n');
        }
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help)
                .append('\n')
                .append("# TYPE ")
                .append(name)
                .append(" counter\n")
                .append(name)
                .append(' ')
                .append(value)
                .append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        out.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help)
                .append('\n')
                .append("# TYPE ")
                .append(name)
                .append(" gauge\n")
                .append(name)
                .append(' ');
        if (value == Math.rint(value)) {
            out.append((long) value);
        } else {
            out.append(String.format(java.util.Locale.ROOT, "%.3f", value));
        }
        out.append('\n');
    }
}
