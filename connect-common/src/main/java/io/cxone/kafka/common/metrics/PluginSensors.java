package io.cxone.kafka.common.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MeasurableStat;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a plugin's sensors on the metrics the worker gives it ({@code PluginMetrics}, KIP-877): they appear in JMX
 * and every metrics reporter beside the worker's own task metrics, tagged with connector and task. Without worker
 * metrics (config validation, unit tests) the same sensors record into a private registry, which {@link #value}
 * reads: the code that records never checks for "no metrics". Naming follows Kafka's: {@code <name>-total},
 * {@code <name>-rate}, {@code <name>-avg-ms}, {@code <name>-max-ms}.
 */
public final class PluginSensors implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginSensors.class);

    private static final String STANDALONE_GROUP = "cxone-plugin-metrics";

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final PluginMetrics registry;
    private int refusedMetrics;
    private final Metrics standalone;
    /**
     * Sensor names are global in the worker's registry (the plugin metrics of every task share it; only the metric
     * names carry the task's tags), so two tasks on one worker asking for sensor "events" would record into each
     * other's metrics. Each instance prefixes its sensors' names to keep them apart; metric names stay as given.
     */
    private final String sensorPrefix = "cxone-plugin-" + INSTANCES.incrementAndGet() + ":";

    private PluginSensors(PluginMetrics registry, Metrics standalone) {
        this.registry = registry;
        this.standalone = standalone;
    }

    /** On the worker's metrics, or on a private registry when {@code workerMetrics} is null. */
    public static PluginSensors of(PluginMetrics workerMetrics) {
        if (workerMetrics != null) {
            return new PluginSensors(workerMetrics, null);
        }
        Metrics standalone = new Metrics();
        return new PluginSensors(new StandaloneMetrics(standalone), standalone);
    }

    /** A count since start: {@code <name>-total}. */
    public Sensor counter(String name, String description) {
        return counter(name, description, Map.of());
    }

    /** A count since start of one kind of a thing, told apart by tags: {@code <name>-total} with {@code tags}. */
    public Sensor counter(String name, String description, Map<String, String> tags) {
        Sensor sensor = registry.addSensor(sensorPrefix + name + (tags.isEmpty() ? "" : new TreeMap<>(tags)));
        add(sensor, metricName(name + "-total", description, tags), new CumulativeSum());
        return sensor;
    }

    /** A count since start and its per-second rate: {@code <name>-total}, {@code <name>-rate}. */
    public Sensor counterAndRate(String name, String description) {
        Sensor sensor = counter(name, description);
        add(sensor, metricName(name + "-rate", description + ", per second"), new Rate());
        return sensor;
    }

    /** Durations recorded in milliseconds: {@code <name>-avg-ms}, {@code <name>-max-ms} over the sample window. */
    public Sensor latency(String name, String description) {
        Sensor sensor = registry.addSensor(sensorPrefix + name);
        add(sensor, metricName(name + "-avg-ms", description + ", average in ms"), new Avg());
        add(sensor, metricName(name + "-max-ms", description + ", longest in ms"), new Max());
        return sensor;
    }

    /** A value read when the metric is read: {@code name}. */
    public void gauge(String name, String description, Supplier<? extends Number> value) {
        MetricName metric = metricName(name, description);
        try {
            registry.addMetric(metric, (Gauge<Number>) (config, now) -> value.get());
        } catch (IllegalArgumentException e) {
            stillRegistered(metric);
        }
    }

    /**
     * Adds a metric to a sensor. A metric of the same name and tags may still be registered by a previous instance of
     * this task that the worker gave up waiting for (an orphan, after a stop past task.shutdown.graceful.timeout.ms):
     * the worker's registry refuses a second one, and that refusal must not fail the new task. The sensor then records
     * without that metric, which reappears once the task is restarted after the orphan is gone.
     */
    private void add(Sensor sensor, MetricName metric, MeasurableStat stat) {
        try {
            sensor.add(metric, stat);
        } catch (IllegalArgumentException e) {
            stillRegistered(metric);
        }
    }

    /** One WARN per instance (an orphan holds all its metrics at once), the rest at DEBUG. */
    private void stillRegistered(MetricName metric) {
        if (refusedMetrics++ == 0) {
            log.warn(
                    "Metric {} {} (and possibly more) is still registered by an earlier instance of this task that has"
                            + " not stopped; this instance does not report it until it is restarted",
                    metric.name(),
                    metric.tags());
        } else {
            log.debug(
                    "Metric {} {} is still registered by an earlier instance of this task",
                    metric.name(),
                    metric.tags());
        }
    }

    /** The current value of metric {@code name} in the private registry; empty on the worker's metrics. */
    public OptionalDouble value(String name) {
        return value(name, Map.of());
    }

    /** The current value of metric {@code name} with {@code tags} in the private registry; empty on the worker's. */
    public OptionalDouble value(String name, Map<String, String> tags) {
        if (standalone == null) {
            return OptionalDouble.empty();
        }
        for (Map.Entry<MetricName, KafkaMetric> metric : standalone.metrics().entrySet()) {
            if (metric.getKey().name().equals(name)
                    && metric.getKey().tags().equals(tags)
                    && metric.getValue().metricValue() instanceof Number number) {
                return OptionalDouble.of(number.doubleValue());
            }
        }
        return OptionalDouble.empty();
    }

    private MetricName metricName(String name, String description) {
        return metricName(name, description, Map.of());
    }

    private MetricName metricName(String name, String description, Map<String, String> tags) {
        return registry.metricName(name, description, new LinkedHashMap<>(tags));
    }

    /** Closes the private registry; the worker's metrics are the worker's to close. */
    @Override
    public void close() {
        if (standalone != null) {
            standalone.close();
        }
    }

    /** The {@code PluginMetrics} view of a private registry, for when the worker gives none. */
    private record StandaloneMetrics(Metrics metrics) implements PluginMetrics {
        @Override
        public MetricName metricName(String name, String description, LinkedHashMap<String, String> tags) {
            return metrics.metricName(name, STANDALONE_GROUP, description, tags);
        }

        @Override
        public void addMetric(MetricName name, MetricValueProvider<?> provider) {
            metrics.addMetric(name, provider);
        }

        @Override
        public void removeMetric(MetricName name) {
            metrics.removeMetric(name);
        }

        @Override
        public Sensor addSensor(String name) {
            return metrics.sensor(name);
        }

        @Override
        public void removeSensor(String name) {
            metrics.removeSensor(name);
        }
    }
}
