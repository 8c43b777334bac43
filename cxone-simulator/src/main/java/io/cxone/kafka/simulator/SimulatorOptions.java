package io.cxone.kafka.simulator;

import io.cxone.kafka.simulator.data.FieldSpec;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.reporting.ReportingOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything fixed for one simulator run. Defaults mirror real CXone where CXONE.md documents a value (token
 * lifetime, 30 s URL validity, one call per 30 s, 14-day windows); tests usually shorten the timings or inject a
 * {@link Clock} they advance by hand.
 */
public final class SimulatorOptions {
    private final String host;
    private final int port;
    private final long seed;
    private final long rowCount;
    private final List<FieldSpec> rowShape;
    private final String clientId;
    private final String clientSecret;
    private final String accessKeyId;
    private final String accessKeySecret;
    private final String tenantId;
    private final String area;
    private final String domain;
    private final Duration tokenLifetime;
    private final Duration jobRunningTime;
    private final Duration downloadUrlValidity;
    private final Duration throttleInterval;
    private final int maxWindowDays;
    private final boolean gzipDownloads;
    private final List<FaultSpec> faults;
    private final Clock clock;
    private final ReportingOptions reporting;

    private SimulatorOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.seed = b.seed;
        this.rowCount = b.rowCount;
        this.rowShape = List.copyOf(b.rowShape);
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.accessKeyId = b.accessKeyId;
        this.accessKeySecret = b.accessKeySecret;
        this.tenantId = b.tenantId;
        this.area = b.area;
        this.domain = b.domain;
        this.tokenLifetime = b.tokenLifetime;
        this.jobRunningTime = b.jobRunningTime;
        this.downloadUrlValidity = b.downloadUrlValidity;
        this.throttleInterval = b.throttleInterval;
        this.maxWindowDays = b.maxWindowDays;
        this.gzipDownloads = b.gzipDownloads;
        this.faults = List.copyOf(b.faults);
        this.clock = b.clock;
        this.reporting = b.reporting;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults everywhere, on a free port: the usual start for a test. */
    public static SimulatorOptions defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.seed = seed;
        b.rowCount = rowCount;
        b.rowShape = new ArrayList<>(rowShape);
        b.clientId = clientId;
        b.clientSecret = clientSecret;
        b.accessKeyId = accessKeyId;
        b.accessKeySecret = accessKeySecret;
        b.tenantId = tenantId;
        b.area = area;
        b.domain = domain;
        b.tokenLifetime = tokenLifetime;
        b.jobRunningTime = jobRunningTime;
        b.downloadUrlValidity = downloadUrlValidity;
        b.throttleInterval = throttleInterval;
        b.maxWindowDays = maxWindowDays;
        b.gzipDownloads = gzipDownloads;
        b.faults = new ArrayList<>(faults);
        b.clock = clock;
        b.reporting = reporting;
        return b;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public long seed() {
        return seed;
    }

    public long rowCount() {
        return rowCount;
    }

    public List<FieldSpec> rowShape() {
        return rowShape;
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String accessKeySecret() {
        return accessKeySecret;
    }

    public String tenantId() {
        return tenantId;
    }

    public String area() {
        return area;
    }

    public String domain() {
        return domain;
    }

    public Duration tokenLifetime() {
        return tokenLifetime;
    }

    public Duration jobRunningTime() {
        return jobRunningTime;
    }

    public Duration downloadUrlValidity() {
        return downloadUrlValidity;
    }
    /** Minimum gap between two Data Extraction calls of the tenant; {@link Duration#ZERO} disables the throttle. */
    public Duration throttleInterval() {
        return throttleInterval;
    }

    public int maxWindowDays() {
        return maxWindowDays;
    }

    public boolean gzipDownloads() {
        return gzipDownloads;
    }
    /** Faults armed at start, as if posted to {@code /_sim/faults} before the first request. */
    public List<FaultSpec> faults() {
        return faults;
    }

    public Clock clock() {
        return clock;
    }
    /** How the Reporting API's data moves, and its call limit. */
    public ReportingOptions reporting() {
        return reporting;
    }

    /** Never prints the secrets: options end up in logs. */
    @Override
    public String toString() {
        return "SimulatorOptions{host=" + host + ", port=" + port + ", seed=" + seed + ", rowCount=" + rowCount
                + ", rowShape=" + rowShape + ", clientId=" + clientId + ", accessKeyId=" + accessKeyId
                + ", tenantId=" + tenantId + ", tokenLifetime=" + tokenLifetime + ", jobRunningTime=" + jobRunningTime
                + ", downloadUrlValidity=" + downloadUrlValidity + ", throttleInterval=" + throttleInterval
                + ", maxWindowDays=" + maxWindowDays + ", gzipDownloads=" + gzipDownloads + ", reporting=" + reporting
                + ", faults="
                + faults.size() + "}";
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private long seed = 42L;
        private long rowCount = 1000L;
        private List<FieldSpec> rowShape = new ArrayList<>(FieldSpec.defaultShape());
        private String clientId = "sim-client";
        private String clientSecret = "sim-client-secret";
        private String accessKeyId = "sim-access-key";
        private String accessKeySecret = "sim-access-key-secret";
        private String tenantId = "11111111-2222-4333-8444-555555555555";
        private String area = "na1";
        private String domain = "niceincontact.com";
        private Duration tokenLifetime = Duration.ofHours(1);
        private Duration jobRunningTime = Duration.ofSeconds(2);
        private Duration downloadUrlValidity = Duration.ofSeconds(30);
        private Duration throttleInterval = Duration.ofSeconds(30);
        private int maxWindowDays = 14;
        private boolean gzipDownloads = false;
        private List<FaultSpec> faults = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private ReportingOptions reporting = ReportingOptions.DEFAULTS;

        private Builder() {}

        /** Interface to bind; the simulator is meant for loopback. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** 0 picks a free port; read it back with {@link CxoneSimulator#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Rows per seed report and per Data Extraction window. */
        public Builder rowCount(long rowCount) {
            if (rowCount < 0) {
                throw new IllegalArgumentException("rowCount must be >= 0, got " + rowCount);
            }
            this.rowCount = rowCount;
            return this;
        }

        public Builder rowShape(List<FieldSpec> rowShape) {
            if (rowShape.isEmpty()) {
                throw new IllegalArgumentException("rowShape must have at least one field");
            }
            this.rowShape = new ArrayList<>(rowShape);
            return this;
        }

        /** OAuth client of both flavours (client_credentials, and client auth of the password grant). */
        public Builder client(String clientId, String clientSecret) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
            return this;
        }

        /** Access key of the real CXone password grant (username / password). */
        public Builder accessKey(String accessKeyId, String accessKeySecret) {
            this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
            this.accessKeySecret = Objects.requireNonNull(accessKeySecret, "accessKeySecret");
            return this;
        }

        public Builder tenantId(String tenantId) {
            this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
            return this;
        }

        public Builder area(String area) {
            this.area = Objects.requireNonNull(area, "area");
            return this;
        }

        public Builder domain(String domain) {
            this.domain = Objects.requireNonNull(domain, "domain");
            return this;
        }

        /** {@code expires_in} of issued tokens; a call with an older token gets 401. */
        public Builder tokenLifetime(Duration tokenLifetime) {
            this.tokenLifetime = positive(tokenLifetime, "tokenLifetime");
            return this;
        }

        /** How long a Data Extraction job reports RUNNING before SUCCEEDED (ZERO: done at once). */
        public Builder jobRunningTime(Duration jobRunningTime) {
            this.jobRunningTime = notNegative(jobRunningTime, "jobRunningTime");
            return this;
        }

        public Builder downloadUrlValidity(Duration downloadUrlValidity) {
            this.downloadUrlValidity = positive(downloadUrlValidity, "downloadUrlValidity");
            return this;
        }

        /** ZERO disables the one-call-per-interval limit of the Data Extraction API. */
        public Builder throttleInterval(Duration throttleInterval) {
            this.throttleInterval = notNegative(throttleInterval, "throttleInterval");
            return this;
        }

        public Builder maxWindowDays(int maxWindowDays) {
            if (maxWindowDays < 1) {
                throw new IllegalArgumentException("maxWindowDays must be >= 1, got " + maxWindowDays);
            }
            this.maxWindowDays = maxWindowDays;
            return this;
        }

        /** Serve Data Extraction results as CSV.gz ({@code application/gzip}) instead of plain CSV. */
        public Builder gzipDownloads(boolean gzipDownloads) {
            this.gzipDownloads = gzipDownloads;
            return this;
        }

        public Builder fault(FaultSpec fault) {
            this.faults.add(Objects.requireNonNull(fault, "fault"));
            return this;
        }

        public Builder faults(List<FaultSpec> faults) {
            this.faults = new ArrayList<>(faults);
            return this;
        }

        /** Time source of token expiry, job progress, URL validity and the throttle. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The Reporting API's data timings, call limit and versions ({@link ReportingOptions}). */
        public Builder reporting(ReportingOptions reporting) {
            this.reporting = Objects.requireNonNull(reporting, "reporting");
            return this;
        }

        /** The Reporting API's data timings ({@link ReportingOptions#withData}). */
        public Builder reporting(
                long backlog, Duration spacing, double updateShare, Duration updateDelayMax, Duration lag) {
            return reporting(reporting.withData(backlog, spacing, updateShare, updateDelayMax, lag));
        }

        /** ZERO (the default) lets every Reporting API call through; otherwise one call per interval, 429 for the rest. */
        public Builder reportingCallInterval(Duration interval) {
            return reporting(reporting.withCallInterval(interval));
        }

        public SimulatorOptions build() {
            return new SimulatorOptions(this);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }

        private static Duration notNegative(Duration value, String name) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be >= 0, got " + value);
            }
            return value;
        }
    }
}
