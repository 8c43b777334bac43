package io.cxone.kafka.source.webhook;

import io.cxone.kafka.common.metrics.PluginSensors;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.apache.kafka.common.metrics.Sensor;

/**
 * Sensors of one webhook task, published as Connect plugin metrics (JMX
 * {@code kafka.connect:type=plugins,connector=…,task=…}): requests by status, events published and dropped as
 * duplicates, body bytes, queue depth, and the latency from acceptance to Kafka's acknowledgement.
 */
final class WebhookMetrics implements AutoCloseable {

    // 408: body timeout; 414, 426, 431, 505: refused by Jetty before the handler (JsonErrorHandler)
    static final List<Integer> STATUSES =
            List.of(200, 400, 401, 403, 404, 405, 408, 413, 414, 415, 426, 429, 431, 500, 503, 505);

    private final PluginSensors sensors;
    private final Map<Integer, Sensor> requests = new ConcurrentHashMap<>();
    private final Sensor events;
    private final Sensor duplicates;
    private final Sensor bytes;
    private final Sensor ackLatency;
    private final Sensor polls;
    private final Sensor polledEvents;
    // cumulative, so a dashboard (or the benchmark) can split ack latency into its parts over any interval
    private final Sensor queueWaitMicros;
    private final Sensor kafkaMicros;

    WebhookMetrics(PluginSensors sensors, IntSupplier queueDepth) {
        this.sensors = sensors;
        STATUSES.forEach(this::requestsWith); // listed from the start, so a dashboard sees 0 rather than nothing
        events = sensors.counter("events", "Events acknowledged by Kafka");
        duplicates = sensors.counter("duplicates", "Events dropped as duplicates of acknowledged ones");
        bytes = sensors.counter("bytes", "Request body bytes read");
        sensors.gauge("queue-depth", "Events accepted and not yet acknowledged", queueDepth::getAsInt);
        ackLatency = sensors.latency("ack-latency", "Time from acceptance to Kafka acknowledgement");
        polls = sensors.counter("polls", "poll() calls that handed requests to the worker");
        polledEvents = sensors.counter("polled-events", "Events handed to the worker by poll()");
        queueWaitMicros = sensors.counter(
                "queue-wait-time-us", "Summed per request: time from acceptance until poll() handed it to the worker");
        kafkaMicros = sensors.counter(
                "kafka-time-us",
                "Summed per request: time from poll() until Kafka acknowledged its last event (send and commit)");
    }

    private Sensor requestsWith(int status) {
        return requests.computeIfAbsent(
                status,
                s -> sensors.counter(
                        "requests", "HTTP requests answered with this status", Map.of("status", Integer.toString(s))));
    }

    void request(int status) {
        requestsWith(status).record();
    }

    void bodyBytes(long count) {
        bytes.record(count);
    }

    void published(int count, long ackMillis) {
        events.record(count);
        ackLatency.record(ackMillis);
    }

    /** One non-empty poll() of {@code events} events. */
    void polled(int count) {
        polls.record();
        polledEvents.record(count);
    }

    /** Where one acknowledged request spent its time: in the queue, then with the worker and Kafka. */
    void requestTimes(long queueWaitNanos, long kafkaNanos) {
        queueWaitMicros.record(queueWaitNanos / 1000);
        kafkaMicros.record(kafkaNanos / 1000);
    }

    /** With dedupe on: a gauge of the event ids the window remembers (its own and those read from the topic). */
    void dedupeIds(IntSupplier size) {
        sensors.gauge("dedupe-ids", "Event ids the dedupe window remembers", size::getAsInt);
    }

    void duplicates(int count) {
        duplicates.record(count);
    }

    @Override
    public void close() {
        sensors.close();
    }
}
