package io.cxone.kafka.source.bench;

import java.util.Arrays;

/**
 * Latencies in microseconds, added from any thread, with percentiles over all of them: one figure of a benchmark
 * phase. Benchmarks keep every sample (tens of thousands per phase at most), so percentiles are exact.
 */
public final class LatencySamples {
    private long[] micros = new long[1024];
    private int count;

    public synchronized void add(long latencyMicros) {
        if (count == micros.length) {
            micros = Arrays.copyOf(micros, count * 2);
        }
        micros[count++] = latencyMicros;
    }

    public synchronized int count() {
        return count;
    }

    /** The p-th percentile in milliseconds (p in 0..1); NaN without samples. */
    public synchronized double percentileMillis(double p) {
        long[] sorted = Arrays.copyOf(micros, count);
        Arrays.sort(sorted);
        return percentile(sorted, p) / 1000.0;
    }

    /** Nearest-rank percentile of ascending values; NaN for none. */
    public static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))];
    }
}
