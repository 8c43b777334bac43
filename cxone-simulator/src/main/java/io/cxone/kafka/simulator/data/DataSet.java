package io.cxone.kafka.simulator.data;

import java.time.Instant;

/**
 * What a download is "of": a report (seed API) or an entity and date window (real API). The key feeds the row
 * generator, so everything that names the same data set yields the same rows; timestamps spread over
 * {@code [startMillis, startMillis + rowCount * stepMillis)}.
 */
public record DataSet(String key, long rowCount, long startMillis, long stepMillis) {

    /** Seed reports have no window: rows are one second apart from 2026-01-01T00:00Z. */
    private static final long RECORDS_EPOCH =
            Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    public DataSet {
        if (stepMillis < 1) {
            throw new IllegalArgumentException("stepMillis must be >= 1");
        }
    }

    public static DataSet report(String reportId, long rowCount) {
        return new DataSet("records/" + reportId, rowCount, RECORDS_EPOCH, 1000L);
    }

    public static DataSet window(String entityName, String version, Instant start, Instant end, long rowCount) {
        long windowMillis = end.toEpochMilli() - start.toEpochMilli();
        long step = Math.max(1L, rowCount == 0 ? windowMillis : windowMillis / rowCount);
        return new DataSet(
                "extraction/" + entityName + "/" + version + "/" + start + "/" + end,
                rowCount,
                start.toEpochMilli(),
                step);
    }
}
