package io.cxone.kafka.simulator.fault;

import io.cxone.kafka.simulator.http.Endpoint;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The faults the simulator can inject. Each names the endpoints it makes sense on and how many responses it affects
 * when the spec gives no {@code times} (one for "the next call fails" faults, unlimited for conditions like a
 * slow server or a changed schema).
 */
public enum FaultType {
    /** 401 {@code invalid_token} although the bearer token is valid. */
    UNAUTHORIZED(
            "unauthorized",
            1,
            EnumSet.of(
                    Endpoint.EXPORT_CREATE,
                    Endpoint.EXPORT_RECORDS,
                    Endpoint.JOB_CREATE,
                    Endpoint.JOB_STATUS,
                    Endpoint.REPORTING,
                    Endpoint.TOKEN)),
    /** Not stored: every token issued so far expires at once (the next call with one gets 401 "token expired"). */
    EXPIRE_TOKENS("expire-tokens", 1, EnumSet.noneOf(Endpoint.class)),
    /**
     * Not stored: the simulator forgets every records-API export and Data Extraction job created so far, as a restarted
     * (in-memory) simulator or an expired CXone job would; calls naming one then answer 404.
     */
    FORGET_JOBS("forget-jobs", 1, EnumSet.noneOf(Endpoint.class)),
    /** 429 with {@code Retry-After: retryAfterSeconds}. */
    RATE_LIMIT("rate-limit", 1, EnumSet.allOf(Endpoint.class)),
    /** A 5xx ({@code status}, default 503). */
    SERVER_ERROR("server-error", 1, EnumSet.allOf(Endpoint.class)),
    /** The response is held back {@code delayMs} before it is produced. */
    DELAY("delay", -1, EnumSet.allOf(Endpoint.class)),
    /** Rows from {@code fromRow} on have a field added, removed or retyped. */
    SCHEMA_DRIFT("schema-drift", -1, EnumSet.of(Endpoint.EXPORT_RECORDS, Endpoint.DOWNLOAD, Endpoint.REPORTING)),
    /** A second (third, ...) download of the same page or window returns other values for the same ids. */
    DIFFERENT_ROWS("different-rows", 1, EnumSet.of(Endpoint.EXPORT_RECORDS, Endpoint.DOWNLOAD)),
    /** The download URL answers 403 "expired" although it is within its validity. */
    EXPIRED_URL("expired-url", 1, EnumSet.of(Endpoint.DOWNLOAD)),
    /**
     * The body stops halfway and the connection is dropped: a JSON response announces its full Content-Length and
     * sends half the bytes; a (chunked) download file stops after half its rows, without the last chunk.
     */
    TRUNCATED_BODY("truncated-body", 1, EnumSet.allOf(Endpoint.class)),
    /** A complete 200 response whose JSON or CSV does not parse. */
    MALFORMED_BODY("malformed-body", 1, EnumSet.allOf(Endpoint.class)),
    /** Data Extraction calls are limited to one per {@code intervalSeconds} (overrides the run's throttle). */
    THROTTLE("throttle", -1, EnumSet.of(Endpoint.JOB_CREATE, Endpoint.JOB_STATUS)),
    /** 404 {@code not_found} as if CXone had forgotten the export / job the call names (it exists all the same). */
    JOB_NOT_FOUND("job-not-found", 1, EnumSet.of(Endpoint.EXPORT_RECORDS, Endpoint.JOB_STATUS)),
    /** Jobs created while active end in FAILED with an error message instead of SUCCEEDED. */
    JOB_FAILED("job-failed", 1, EnumSet.of(Endpoint.JOB_CREATE));

    private final String wireName;
    private final int defaultTimes;
    private final Set<Endpoint> endpoints;

    FaultType(String wireName, int defaultTimes, Set<Endpoint> endpoints) {
        this.wireName = wireName;
        this.defaultTimes = defaultTimes;
        this.endpoints = endpoints;
    }

    public String wireName() {
        return wireName;
    }

    /** Responses affected when the spec gives no {@code times}; -1 means until the fault is cleared. */
    public int defaultTimes() {
        return defaultTimes;
    }

    /** Actions run once when posted ({@code expire-tokens}, {@code forget-jobs}); they are never armed. */
    public boolean isAction() {
        return this == EXPIRE_TOKENS || this == FORGET_JOBS;
    }

    public boolean appliesTo(Endpoint endpoint) {
        return endpoints.contains(endpoint);
    }

    public Set<Endpoint> endpoints() {
        return java.util.Collections.unmodifiableSet(endpoints);
    }

    public static Optional<FaultType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(FaultType::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
