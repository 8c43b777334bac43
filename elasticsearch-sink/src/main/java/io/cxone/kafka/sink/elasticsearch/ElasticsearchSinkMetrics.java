package io.cxone.kafka.sink.elasticsearch;

import io.cxone.kafka.common.metrics.PluginSensors;
import java.util.OptionalDouble;
import java.util.function.IntSupplier;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;

/**
 * The sink task's metrics, on the worker's plugin metrics (KIP-877: JMX {@code kafka.connect:type=plugins,...} and any
 * metrics reporter, tagged with connector and task); listed in {@code docs/elasticsearch-sink.md#metrics}. Without
 * worker metrics (unit tests) they record into a private registry that {@link #value} reads.
 */
public final class ElasticsearchSinkMetrics implements AutoCloseable {

    private final PluginSensors sensors;
    private final Sensor bulkRequests;
    private final Sensor bulkLatency;
    private final Sensor documentsWritten;
    private final Sensor retries;
    private final Sensor bulkRequestsFailed;
    private final Sensor documentsRejected;
    private final Sensor documentsDeadLettered;

    /** @param bufferedRecords records queued and not yet acknowledged by Elasticsearch, read when the gauge is read */
    public ElasticsearchSinkMetrics(PluginMetrics workerMetrics, IntSupplier bufferedRecords) {
        sensors = PluginSensors.of(workerMetrics);
        bulkRequests = sensors.counterAndRate("bulk-requests", "Bulk requests sent to Elasticsearch, retries included");
        bulkLatency = sensors.latency("bulk-latency", "Time from sending a bulk request to its answer or failure");
        documentsWritten = sensors.counterAndRate("documents-written", "Documents Elasticsearch acknowledged");
        retries = sensors.counter(
                "retries",
                "Bulk requests, or the failed items of one, queued again after a transient "
                        + "failure (429, 5xx, timeout, connection error)");
        bulkRequestsFailed = sensors.counter(
                "bulk-requests-failed",
                "Bulk requests failed for good: refused as not "
                        + "retryable (400, 401, 403, ...) or out of max.retries; each fails the task");
        documentsRejected = sensors.counter(
                "documents-rejected",
                "Documents Elasticsearch rejected (or that could not be "
                        + "converted), settled by behavior.on.malformed.documents or the dead letter queue");
        documentsDeadLettered =
                sensors.counter("documents-dead-lettered", "Rejected documents sent to the dead letter queue");
        sensors.gauge(
                "buffered-records",
                "Records queued and not yet acknowledged by Elasticsearch",
                bufferedRecords::getAsInt);
    }

    public void bulkSent() {
        bulkRequests.record();
    }

    public void bulkCompleted(long latencyMs) {
        bulkLatency.record(latencyMs);
    }

    public void documentsWritten(int count) {
        documentsWritten.record(count);
    }

    public void retry() {
        retries.record();
    }

    public void bulkFailed() {
        bulkRequestsFailed.record();
    }

    public void documentRejected(boolean deadLettered) {
        documentsRejected.record();
        if (deadLettered) {
            documentsDeadLettered.record();
        }
    }

    /** A metric's current value when recording into the private registry (unit tests); empty on the worker's. */
    public OptionalDouble value(String name) {
        return sensors.value(name);
    }

    @Override
    public void close() {
        sensors.close();
    }
}
