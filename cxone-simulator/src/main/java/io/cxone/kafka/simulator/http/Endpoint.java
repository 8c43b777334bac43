package io.cxone.kafka.simulator.http;

import java.util.Arrays;
import java.util.Optional;

/**
 * The simulated CXone endpoints. The wire name is what fault specs ({@code "endpoint": "export-records"}) and the
 * request counters ({@code GET /_sim/requests}) use, so tests can target and count one endpoint.
 */
public enum Endpoint {
    /** {@code POST /api/v2/oauth/token} (seed) and {@code POST /auth/token} (real CXone): every grant type. */
    TOKEN("token"),
    OPENID_CONFIGURATION("openid-configuration"),
    CXONE_CONFIGURATION("cxone-configuration"),
    /** Seed API: {@code POST /api/v2/data-actions/exports}. */
    EXPORT_CREATE("export-create"),
    /** Seed API: {@code GET /api/v2/data-actions/exports/{id}/records}. */
    EXPORT_RECORDS("export-records"),
    /** Real API: {@code POST /data-extraction/v1/jobs}. */
    JOB_CREATE("job-create"),
    /** Real API: {@code GET /data-extraction/v1/jobs/{jobId}}. */
    JOB_STATUS("job-status"),
    /** The pre-signed result URL of a finished job: {@code GET /files/{token}.csv[.gz]}. */
    DOWNLOAD("download"),
    /** Real API: {@code GET /incontactapi/services/{version}/{entity}}, every Reporting API entity. */
    REPORTING("reporting");

    private final String wireName;

    Endpoint(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Endpoint> fromWireName(String name) {
        return Arrays.stream(values()).filter(e -> e.wireName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
