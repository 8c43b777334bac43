package io.cxone.kafka.simulator.reporting;

import java.time.Duration;
import java.util.List;

/**
 * How the simulated Reporting API's data moves: {@code backlog} rows of each entity completed before the start, then
 * one every {@code spacing}; {@code updateShare} of the updatable rows change once, up to {@code updateDelayMax} after
 * completion; each version visible {@code lag} after its {@code lastUpdateTime}; one call per {@code callInterval} per
 * tenant (ZERO: no limit); the version segments served.
 */
public record ReportingOptions(
        long backlog,
        Duration spacing,
        double updateShare,
        Duration updateDelayMax,
        Duration lag,
        Duration callInterval,
        List<String> versions) {

    public static final ReportingOptions DEFAULTS = new ReportingOptions(
            1000L,
            Duration.ofSeconds(1),
            0.1,
            Duration.ofMinutes(10),
            Duration.ZERO,
            Duration.ZERO,
            List.of("v26.0", "v27.0", "v28.0", "v29.0", "v30.0", "v31.0"));

    public ReportingOptions {
        if (backlog < 0 || updateShare < 0 || updateShare > 1) {
            throw new IllegalArgumentException(
                    "reporting backlog must be >= 0 and updateShare in 0..1, got " + backlog + ", " + updateShare);
        }
        if (spacing.isZero() || spacing.isNegative() || updateDelayMax.isZero() || updateDelayMax.isNegative()) {
            throw new IllegalArgumentException(
                    "reporting spacing and updateDelayMax must be positive, got " + spacing + ", " + updateDelayMax);
        }
        if (lag.isNegative() || callInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "reporting lag and callInterval must be >= 0, got " + lag + ", " + callInterval);
        }
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("serve at least one Reporting API version");
        }
        versions = List.copyOf(versions);
    }

    /** The same with other data timings. */
    public ReportingOptions withData(
            long backlog, Duration spacing, double updateShare, Duration updateDelayMax, Duration lag) {
        return new ReportingOptions(backlog, spacing, updateShare, updateDelayMax, lag, callInterval, versions);
    }

    public ReportingOptions withCallInterval(Duration callInterval) {
        return new ReportingOptions(backlog, spacing, updateShare, updateDelayMax, lag, callInterval, versions);
    }

    public ReportingOptions withVersions(List<String> versions) {
        return new ReportingOptions(backlog, spacing, updateShare, updateDelayMax, lag, callInterval, versions);
    }
}
