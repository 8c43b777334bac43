package io.cxone.kafka.common.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Sensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

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
            PluginMetrics pluginMetrics = new PluginMetrics() {
                @Override
                public MetricName metricName(String name, String description, LinkedHashMap<String, String> tags) {
                    tags.put("connector", "c1");
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
            PluginSensors sensors = PluginSensors.of(pluginMetrics);
            sensors.counter("chunks", "Chunks").record(4);

            KafkaMetric chunks = worker.metric(worker.metricName("chunks-total", "plugins", "", java.util.Map.of("connector", "c1")));
            assertThat(chunks.metricValue()).isEqualTo(4.0);
            assertThat(sensors.value("chunks-total")).isEmpty();
        }
    }
}
