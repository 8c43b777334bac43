package io.cxone.kafka.source.export;

import io.cxone.kafka.common.metrics.PluginSensors;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;

/**
 * The export task's metrics, registered as Connect plugin metrics (KIP-877), so they appear in JMX and any
 * metrics reporter next to the worker's own task metrics: chunks, records, bytes, chunk latency,
 * records/s, drift events, checksum mismatches, retries, and the Reporting API's skipped versions.
 */
public final class ExportMetrics implements AutoCloseable {

    private final PluginSensors sensors;
    private final Sensor chunks;
    private final Sensor records;
    private final Sensor bytes;
    private final Sensor chunkLatency;
    private final Sensor drift;
    private final Sensor checksumMismatch;
    private final Sensor retries;
    private final Sensor versionsSkipped;
    private final Sensor rowsBehindCursor;
    private final Sensor dedupeEvictions;
    private final Sensor manifests;

    /** On the worker's plugin metrics; {@code null} (validation, tests) records into a private registry. */
    public ExportMetrics(PluginMetrics metrics) {
        sensors = PluginSensors.of(metrics);
        chunks = sensors.counter("chunks", "Chunks verified and handed to the worker");
        records = sensors.counterAndRate("records", "Records exported");
        bytes = sensors.counter("bytes", "Response bytes of verified chunks");
        chunkLatency = sensors.latency("chunk-latency", "Time to fetch and verify a chunk");
        drift = sensors.counter("schema-drift-events", "Chunks whose fields drifted from the baseline");
        checksumMismatch =
                sensors.counter("checksum-mismatches", "Re-read chunks whose SHA-256 differed from the offset");
        retries = sensors.counter("retries", "Retried CXone calls");
        manifests = sensors.counter("manifests", "Manifests written: jobs / windows completed");
        versionsSkipped = sensors.counter(
                "reporting-versions-skipped", "Reporting API versions not written again: seen in an earlier pass");
        rowsBehindCursor = sensors.counter(
                "reporting-rows-behind-cursor",
                "Reporting API rows a page served at or below the pass's key cursor (slid from an earlier page, or a"
                        + " version left to the next pass)");
        dedupeEvictions = sensors.counter(
                "reporting-dedupe-evictions",
                "Versions forgotten because more than reporting.dedupe.max.versions changed within the overlap");
    }

    public void chunk(int recordCount, long byteCount, long latencyMs) {
        chunks.record();
        records.record(recordCount);
        bytes.record(byteCount);
        chunkLatency.record(latencyMs);
    }

    public void drift() {
        drift.record();
    }

    public void checksumMismatch() {
        checksumMismatch.record();
    }

    public void retry() {
        retries.record();
    }

    public void manifest() {
        manifests.record();
    }

    public void reportingVersionSkipped() {
        versionsSkipped.record();
    }

    public void reportingRowBehindCursor() {
        rowsBehindCursor.record();
    }

    public void reportingDedupeEvictions(int count) {
        dedupeEvictions.record(count);
    }

    /** For tests: metric {@code name} of the private registry. */
    PluginSensors sensors() {
        return sensors;
    }

    @Override
    public void close() {
        sensors.close();
    }
}
