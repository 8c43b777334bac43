package io.cxone.kafka.sink.elasticsearch.writer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs runs of failed bulk requests so that an outage reads as a few lines: one WARN when failures start, one every
 * 30 s while they last, DEBUG for each retry in between; short bursts (intermittent 429s) stay at DEBUG once
 * reported, so a throttled cluster does not flood the log. Called from the bulk listener and never blocks.
 */
final class BulkFailureLog {

    /** The writer's logger: the lines keep the category operators already configure and filter on. */
    private static final Logger log = LoggerFactory.getLogger(BulkWriter.class);

    private static final long FAILURE_REPORT_INTERVAL_MS = 30_000;

    private final String connectorName;
    /** Documents already scheduled for a retry. */
    private final LongSupplier awaitingRetry;
    /** Documents not yet acknowledged by Elasticsearch. */
    private final IntSupplier unacknowledged;
    /** Start of the current run of failed bulk requests, 0 while requests succeed; for one log line per outage. */
    private final AtomicLong failingSince = new AtomicLong();

    private final AtomicLong lastFailureReport = new AtomicLong(-FAILURE_REPORT_INTERVAL_MS);

    BulkFailureLog(String connectorName, LongSupplier awaitingRetry, IntSupplier unacknowledged) {
        this.connectorName = connectorName;
        this.awaitingRetry = awaitingRetry;
        this.unacknowledged = unacknowledged;
    }

    /** A bulk request failed and its {@code documents} are retried after {@code delay} ms. */
    void failed(long executionId, int documents, int attempt, long delay, String cause) {
        long now = System.currentTimeMillis();
        long last = lastFailureReport.get();
        boolean started = failingSince.compareAndSet(0, now);
        if (now - last >= FAILURE_REPORT_INTERVAL_MS && lastFailureReport.compareAndSet(last, now)) {
            if (started) {
                log.warn(
                        "connector {}: Elasticsearch bulk {} failed ({}); retrying with backoff, {} documents kept, offsets not "
                                + "committed, task stays RUNNING",
                        connectorName,
                        executionId,
                        cause,
                        documents);
            } else {
                log.warn(
                        "connector {}: Elasticsearch failing for {} s ({}); {} documents awaiting retry, {} unacknowledged",
                        connectorName,
                        (now - failingSince.get()) / 1000,
                        cause,
                        awaitingRetry.getAsLong() + documents,
                        unacknowledged.getAsInt());
            }
        } else {
            log.debug(
                    "connector {}: bulk {} failed ({}); retrying {} documents, attempt {}, in {} ms",
                    connectorName,
                    executionId,
                    cause,
                    documents,
                    attempt,
                    delay);
        }
    }

    /** A bulk request was accepted: ends the current run of failures, if any. */
    void succeeded() {
        long since = failingSince.getAndSet(0);
        if (since != 0) {
            long seconds = (System.currentTimeMillis() - since) / 1000;
            if (seconds >= 5) {
                log.info(
                        "connector {}: Elasticsearch accepts bulk requests again after {} s of failures",
                        connectorName,
                        seconds);
            } else {
                log.debug(
                        "connector {}: Elasticsearch accepts bulk requests again after {} s of failures",
                        connectorName,
                        seconds);
            }
        }
    }
}
