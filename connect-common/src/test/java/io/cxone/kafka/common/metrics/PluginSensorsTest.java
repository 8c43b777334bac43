package io.cxone.kafka.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.junit.jupiter.api.Test;

class PluginSensorsTest {

    @Test
    void withoutWorkerMetricsSensorsRecordIntoAPrivateRegistry() {
        try (PluginSensors sensors = PluginSensors.of(null)) {
            sensors.counter("retries", "Retried calls").record();
            sensors.counter("retries", "Retried calls").record(2); // the same sensor again
            Sensor docs = sensors.counterAndRate("docs", "Documents written");
            docs.record(5);
            Sensor latency = sensors.latency("bulk-latency", "Bulk request time");
            latency.record(10);
            latency.record(30);
            AtomicInteger buffered = new AtomicInteger(7);
            sensors.gauge("buffered-records", "Records waiting", buffered::get);

            assertThat(sensors.value("retries-total")).hasValue(3);
            assertThat(sensors.value("docs-total")).hasValue(5);
            assertThat(sensors.value("docs-rate").orElseThrow()).isPositive();
            assertThat(sensors.value("bulk-latency-avg-ms")).hasValue(20);
            assertThat(sensors.value("bulk-latency-max-ms")).hasValue(30);
            assertThat(sensors.value("buffered-records")).hasValue(7);
            buffered.set(2);
            assertThat(sensors.value("buffered-records")).hasValue(2);
            assertThat(sensors.value("no-such-metric")).isEmpty();
        }
    }

    @Test
    void onWorkerMetricsTheSensorsAreRegisteredThere() {
        try (Metrics worker = new Metrics()) {
            PluginMetrics pluginMetrics = workerView(worker, "connector", "c1");
            PluginSensors sensors = PluginSensors.of(pluginMetrics);
            sensors.counter("chunks", "Chunks").record(4);

            KafkaMetric chunks =
                    worker.metric(worker.metricName("chunks-total", "plugins", "", Map.of("connector", "c1")));
            assertThat(chunks.metricValue()).isEqualTo(4.0);
            assertThat(sensors.value("chunks-total")).isEmpty();
        }
    }

    /** Connect gives every task's plugin metrics the worker's one registry, where sensor names are global. */
    @Test
    void twoTasksOnOneWorkerRecordIntoTheirOwnMetrics() {
        try (Metrics worker = new Metrics()) {
            PluginSensors task0 = PluginSensors.of(workerView(worker, "task", "0"));
            PluginSensors task1 = PluginSensors.of(workerView(worker, "task", "1"));
            Sensor events0 = task0.counter("events", "Events");
            task1.counter("events", "Events");
            events0.record(3);
            task0.counter("requests", "Requests", Map.of("status", "200")).record();
            task0.counter("requests", "Requests", Map.of("status", "503"));

            assertThat(worker.metric(worker.metricName("events-total", "plugins", "", Map.of("task", "0")))
                            .metricValue())
                    .isEqualTo(3.0);
            assertThat(worker.metric(worker.metricName("events-total", "plugins", "", Map.of("task", "1")))
                            .metricValue())
                    .isEqualTo(0.0);
            assertThat(worker.metric(worker.metricName(
                                    "requests-total", "plugins", "", Map.of("task", "0", "status", "200")))
                            .metricValue())
                    .isEqualTo(1.0);
        }
    }

    /** A task instance the worker gave up waiting for still holds its metrics when the next instance starts. */
    @Test
    void aNewTaskInstanceStartsWhileAnOrphanStillHoldsItsMetrics() {
        try (Metrics worker = new Metrics()) {
            PluginSensors orphan = PluginSensors.of(workerView(worker, "task", "0"));
            orphan.counterAndRate("chunks", "Chunks").record(2);
            orphan.latency("chunk-latency", "Chunk time");
            orphan.gauge("buffered", "Buffered", () -> 1);

            PluginSensors next = PluginSensors.of(workerView(worker, "task", "0"));
            Sensor chunks = next.counterAndRate("chunks", "Chunks");
            next.latency("chunk-latency", "Chunk time").record(5);
            next.gauge("buffered", "Buffered", () -> 2);
            chunks.record(1);

            assertThat(worker.metric(worker.metricName("chunks-total", "plugins", "", Map.of("task", "0")))
                            .metricValue())
                    .isEqualTo(2.0);
        }
    }

    @Test
    void taggedCountersAreReadByTheirTags() {
        try (PluginSensors sensors = PluginSensors.of(null)) {
            sensors.counter("requests", "Requests", Map.of("status", "200")).record(2);
            sensors.counter("requests", "Requests", Map.of("status", "503")).record();
            assertThat(sensors.value("requests-total", Map.of("status", "200"))).hasValue(2);
            assertThat(sensors.value("requests-total", Map.of("status", "503"))).hasValue(1);
        }
    }

    /** Plugin metrics on a worker's registry, as Connect gives them: every metric name tagged with the plugin's tag. */
    private static PluginMetrics workerView(Metrics worker, String tag, String value) {
        return new PluginMetrics() {
            @Override
            public MetricName metricName(String name, String description, LinkedHashMap<String, String> tags) {
                tags.put(tag, value);
                return worker.metricName(name, "plugins", description, tags);
            }

            @Override
            public void addMetric(MetricName name, MetricValueProvider<?> provider) {
                worker.addMetric(name, provider);
            }

            @Override
            public void removeMetric(MetricName name) {
                worker.removeMetric(name);
            }

            @Override
            public Sensor addSensor(String name) {
                return worker.sensor(name);
            }

            @Override
            public void removeSensor(String name) {
                worker.removeSensor(name);
            }
        };
    }
}
