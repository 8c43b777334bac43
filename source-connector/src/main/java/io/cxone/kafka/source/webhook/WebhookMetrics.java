package io.cxone.kafka.source.webhook;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Counters of one webhook task, published as Connect plugin metrics (JMX
 * {@code kafka.connect:type=plugins,connector=…,task=…}): requests by status, events published and dropped as
 * duplicates, body bytes, queue depth, and the latency from acceptance to Kafka's acknowledgement.
 */
final class WebhookMetrics {

    // 408: body timeout; 414, 426, 431, 505: refused by Jetty before the handler (JsonErrorHandler)
    static final List<Integer> STATUSES = List.of(200, 400, 401, 403, 404, 405, 408, 413, 414, 415, 426, 429, 431, 500, 503, 505);

    private final Map<Integer, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder events = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder ackCount = new LongAdder();
    private final LongAdder ackMillisTotal = new LongAdder();
    private final AtomicLong ackMillisMax = new AtomicLong();
    private final LongAdder polls = new LongAdder();
    private final LongAdder polledEvents = new LongAdder();
    private final LongAdder queueWaitMicros = new LongAdder();
    private final LongAdder kafkaMicros = new LongAdder();

    WebhookMetrics(PluginMetrics plugin, IntSupplier queueDepth) {
        for (int status : STATUSES) {
            requests.put(status, new LongAdder());
        }
        if (plugin == null) {
            return;
        }
        for (int status : STATUSES) {
            LinkedHashMap<String, String> tags = new LinkedHashMap<>();
            tags.put("status", Integer.toString(status));
            LongAdder counter = requests.get(status);
            gauge(plugin, plugin.metricName("requests-total", "HTTP requests answered with this status", tags), counter::sum);
        }
        LinkedHashMap<String, String> none = new LinkedHashMap<>();
        gauge(plugin, plugin.metricName("events-total", "Events acknowledged by Kafka", none), events::sum);
        gauge(plugin, plugin.metricName("duplicates-total", "Events dropped as duplicates of acknowledged ones", none), duplicates::sum);
        gauge(plugin, plugin.metricName("bytes-total", "Request body bytes read", none), bytes::sum);
        gauge(plugin, plugin.metricName("queue-depth", "Events accepted and not yet acknowledged", none), () -> (long) queueDepth.getAsInt());
        gauge(plugin, plugin.metricName("ack-latency-avg-ms", "Mean time from acceptance to Kafka acknowledgement", none),
                () -> ackCount.sum() == 0 ? 0L : ackMillisTotal.sum() / ackCount.sum());
        gauge(plugin, plugin.metricName("ack-latency-max-ms", "Longest time from acceptance to Kafka acknowledgement", none),
                ackMillisMax::get);
        // cumulative, so a dashboard (or the benchmark) can split ack latency into its parts over any interval
        gauge(plugin, plugin.metricName("polls-total", "poll() calls that handed requests to the worker", none), polls::sum);
        gauge(plugin, plugin.metricName("polled-events-total", "Events handed to the worker by poll()", none), polledEvents::sum);
        gauge(plugin, plugin.metricName("queue-wait-time-us-total",
                "Summed per request: time from acceptance until poll() handed it to the worker", none), queueWaitMicros::sum);
        gauge(plugin, plugin.metricName("kafka-time-us-total",
                "Summed per request: time from poll() until Kafka acknowledged its last event (send and commit)", none),
                kafkaMicros::sum);
    }

    private static void gauge(PluginMetrics plugin, MetricName name, java.util.function.LongSupplier value) {
        plugin.addMetric(name, (Gauge<Long>) (config, now) -> value.getAsLong());
    }

    void request(int status) {
        LongAdder counter = requests.get(status);
        if (counter == null) {
            counter = requests.computeIfAbsent(status, s -> new LongAdder());
        }
        counter.increment();
    }

    void bodyBytes(long count) {
        bytes.add(count);
    }

    void published(int count, long ackMillis) {
        events.add(count);
        ackCount.increment();
        ackMillisTotal.add(ackMillis);
        ackMillisMax.accumulateAndGet(ackMillis, Math::max);
    }

    /** One non-empty poll() of {@code events} events. */
    void polled(int events) {
        polls.increment();
        polledEvents.add(events);
    }

    /** Where one acknowledged request spent its time: in the queue, then with the worker and Kafka. */
    void requestTimes(long queueWaitNanos, long kafkaNanos) {
        queueWaitMicros.add(queueWaitNanos / 1000);
        kafkaMicros.add(kafkaNanos / 1000);
    }

    void duplicates(int count) {
        duplicates.add(count);
    }

    long requests(int status) {
        LongAdder counter = requests.get(status);
        return counter == null ? 0 : counter.sum();
    }

    long events() {
        return events.sum();
    }
}
