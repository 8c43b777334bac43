package io.cxone.kafka.sink.elasticsearch.writer;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.bulk.OperationType;
import co.elastic.clients.transport.ElasticsearchTransport;
import io.cxone.kafka.common.retry.Backoff;
import io.cxone.kafka.common.threads.PluginThreads;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends documents through the client's {@link BulkIngester} (operations, bytes, linger and concurrency from the
 * config) and settles each one: acknowledged items release their offsets in the {@link OffsetTracker}; items and
 * whole requests that failed for a transient reason (429, 5xx, timeouts, connection errors) are queued again after
 * an exponential backoff with jitter, forever unless {@code max.retries} is set; items Elasticsearch rejects as
 * malformed are handed to the task thread ({@link #drainRejected()}), which owns the DLQ and the behavior setting.
 * Operations on the same document are sent one at a time, in record order ({@link DocumentOrder}).
 *
 * <p>The bulk listener runs on the HTTP client's I/O thread and never blocks: re-queuing happens on a scheduler.
 * Requests go out through the {@link ElasticsearchTransport} it is given (the client's, or a fake in unit tests);
 * what happens to them is counted in {@link ElasticsearchSinkMetrics}, and runs of failures are logged by
 * {@link BulkFailureLog}.
 */
public final class BulkWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BulkWriter.class);

    /** A record's bulk operation in flight, with its attempts so far. */
    static final class Doc {
        final SinkRecord record;
        final TopicPartition tp;
        final BulkOperation operation;
        /** Index and id of the target document when other records may write it too; null when its id is unique. */
        final String document;

        int attempts;

        Doc(SinkRecord record, BulkOperation operation, String document) {
            this.record = record;
            this.tp = new TopicPartition(record.topic(), record.kafkaPartition());
            this.operation = operation;
            this.document = document;
        }
    }

    /** A document Elasticsearch refused for a reason retrying cannot fix. */
    public record Rejected(SinkRecord record, int status, String reason) {
        public void acknowledge(OffsetTracker tracker) {
            tracker.ack(new TopicPartition(record.topic(), record.kafkaPartition()), record.kafkaOffset());
        }
    }

    /** The bulk response fields the listener reads (took, errors, _index and status are required by the client). */
    static final String RESPONSE_FILTER = "took,errors,items.*._index,items.*.status,items.*.error";

    private final String connectorName;
    private final IntFunction<String> refusal;
    private final OffsetTracker tracker;
    private final ElasticsearchSinkMetrics metrics;
    private final Backoff backoff;
    private final int maxRetries;
    private final BulkIngester<Doc> ingester;
    private final ScheduledExecutorService retries;
    private final ExecutorService completions;
    /** Send time of each bulk request in flight, by execution id: for the latency metric. */
    private final Map<Long, Long> sentAtNanos = new ConcurrentHashMap<>();

    private final Queue<Rejected> rejected = new ConcurrentLinkedQueue<>();
    private final DocumentOrder<Doc> order = new DocumentOrder<>();
    private final AtomicReference<ConnectException> fatal = new AtomicReference<>();
    private final AtomicLong retrying = new AtomicLong();
    private final BulkFailureLog failureLog;

    /**
     * @param transport the sending side: the Elasticsearch client's transport (a fake one in tests)
     * @param refusal   what to tell the user when a bulk request is refused with this HTTP status (401/403: which
     *                  credential setting to fix), or null when there is nothing to add
     */
    public BulkWriter(
            ElasticsearchTransport transport,
            ElasticsearchSinkConfig config,
            String connectorName,
            OffsetTracker tracker,
            ElasticsearchSinkMetrics metrics,
            IntFunction<String> refusal) {
        this.refusal = refusal;
        this.connectorName = connectorName;
        this.tracker = tracker;
        this.metrics = metrics;
        this.backoff =
                new Backoff(Duration.ofMillis(config.retryBackoffMs()), Duration.ofMillis(config.retryBackoffMaxMs()));
        this.maxRetries = config.maxRetries();
        this.failureLog = new BulkFailureLog(connectorName, retrying::get, tracker::pending);
        this.retries =
                Executors.newSingleThreadScheduledExecutor(PluginThreads.daemon("es-sink-retry-" + connectorName));
        this.completions =
                Executors.newSingleThreadExecutor(PluginThreads.daemon("es-sink-bulk-done-" + connectorName));
        // Only what settling a document needs comes back: parsing Elasticsearch's full per-item answer (version,
        // shards, seq_no...) cost the sink a large share of its CPU, which a 2-core node shares with Elasticsearch.
        ElasticsearchAsyncClient async = new ElasticsearchAsyncClient(
                new HandOffTransport(transport, completions),
                transport.options().with(o -> o.setParameter("filter_path", RESPONSE_FILTER)));
        this.ingester = BulkIngester.of(b -> b.client(async)
                .maxOperations(config.batchSize())
                .maxSize(config.bulkSizeBytes())
                .maxConcurrentRequests(config.maxInFlightRequests())
                .flushInterval(Math.max(1, config.lingerMs()), TimeUnit.MILLISECONDS)
                .listener(new Listener()));
    }

    /**
     * Queues a document; blocks only while every in-flight slot is busy and the current batch is full.
     *
     * @param document index and id of the target document when other records may write the same one (ids from
     *                 keys): it then waits for the earlier operations on that document; null when the id is unique
     */
    public void add(SinkRecord record, BulkOperation operation, String document) {
        Doc doc = new Doc(record, operation, document);
        tracker.track(doc.tp, record.kafkaOffset());
        if (document == null || order.admit(document, doc)) {
            ingester.add(operation, doc);
        }
    }

    /** Sends the partial batch now. */
    public void flush() {
        ingester.flush();
    }

    /** A failure that must stop the task (retries exhausted, a request Elasticsearch refuses outright). */
    public ConnectException fatal() {
        return fatal.get();
    }

    public List<Rejected> drainRejected() {
        List<Rejected> out = new ArrayList<>();
        for (Rejected r; (r = rejected.poll()) != null; ) {
            out.add(r);
        }
        return out;
    }

    /** Documents held back until an earlier operation on the same document settles. */
    public int waitingForEarlierOperations() {
        return order.waiting();
    }

    /** Stops retrying, sends what is queued and waits up to {@code timeout} for in-flight requests. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(Duration timeout) {
        retries.shutdownNow();
        Thread closer = PluginThreads.daemonThread("es-sink-close-" + connectorName, ingester::close);
        closer.start();
        try {
            closer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        completions.shutdown();
        if (closer.isAlive()) {
            log.warn(
                    "connector {}: {} documents still in flight after {} ms; their offsets stay uncommitted and are re-read",
                    connectorName,
                    tracker.pending(),
                    timeout.toMillis());
        }
    }

    /**
     * {@code doc} will not be sent again: sends the next operation on its document, if one waits. From the scheduler
     * thread, because adding can block until an in-flight request completes, and this runs on the thread that
     * completes them.
     */
    private void settled(Doc doc) {
        if (doc.document == null) {
            return;
        }
        Doc next = order.settled(doc.document);
        if (next != null) {
            try {
                retries.execute(() -> ingester.add(next.operation, next));
            } catch (RejectedExecutionException e) {
                // Closing: the document stays unacknowledged, so its offset is not committed and it is re-read.
            }
        }
    }

    private void retry(List<Doc> docs, long executionId, String cause) {
        int attempt = 0;
        for (Doc doc : docs) {
            attempt = Math.max(attempt, ++doc.attempts);
        }
        if (maxRetries >= 0 && attempt > maxRetries) {
            metrics.bulkFailed();
            fatal.compareAndSet(
                    null,
                    new ConnectException("connector " + connectorName + ": giving up on " + docs.size()
                            + " documents after " + maxRetries + " retries (max.retries); last error: " + cause
                            + ". Their offsets were not committed; they are re-read when the task restarts"));
            log.error(
                    "connector {}: bulk {} failed, {} documents exceeded max.retries={}: {}",
                    connectorName,
                    executionId,
                    docs.size(),
                    maxRetries,
                    cause);
            return;
        }
        long delay = backoff.delay(attempt).toMillis();
        metrics.retry();
        failureLog.failed(executionId, docs.size(), attempt, delay, cause);
        retrying.addAndGet(docs.size());
        try {
            retries.schedule(
                    () -> {
                        retrying.addAndGet(-docs.size());
                        for (Doc doc : docs) {
                            ingester.add(doc.operation, doc);
                        }
                    },
                    delay,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing: the documents stay unacknowledged, so their offsets are not committed and they are re-read.
            retrying.addAndGet(-docs.size());
        }
    }

    private void completed(long executionId) {
        Long sentAt = sentAtNanos.remove(executionId);
        if (sentAt != null) {
            metrics.bulkCompleted(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt));
        }
    }

    private static String brief(Object cause) {
        String text = String.valueOf(cause).replaceAll("\\s+", " ");
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private final class Listener implements BulkListener<Doc> {
        @Override
        public void beforeBulk(long executionId, BulkRequest request, List<Doc> contexts) {
            sentAtNanos.put(executionId, System.nanoTime());
            metrics.bulkSent();
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Doc> contexts, BulkResponse response) {
            completed(executionId);
            List<Doc> again = new ArrayList<>();
            int written = 0;
            String cause = null;
            List<BulkResponseItem> items = response.items();
            for (int i = 0; i < contexts.size(); i++) {
                Doc doc = contexts.get(i);
                BulkResponseItem item = i < items.size() ? items.get(i) : null;
                if (item == null) {
                    again.add(doc);
                    cause = "response without an item";
                } else if (item.error() == null
                        || (item.operationType() == OperationType.Delete && item.status() == 404)) {
                    tracker.ack(doc.tp, doc.record.kafkaOffset());
                    written++;
                    settled(doc);
                } else if (RetryableFailures.retryableStatus(item.status())) {
                    again.add(doc);
                    cause = item.status() + " " + item.error().type() + ": "
                            + item.error().reason();
                } else {
                    rejected.add(new Rejected(
                            doc.record,
                            item.status(),
                            item.error().type() + ": " + item.error().reason()));
                    settled(doc);
                }
            }
            metrics.documentsWritten(written);
            if (again.size() < contexts.size()) {
                failureLog.succeeded();
            }
            if (!again.isEmpty()) {
                retry(
                        again,
                        executionId,
                        again.size() + " of " + contexts.size() + " items failed, last " + brief(cause));
            }
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Doc> contexts, Throwable failure) {
            completed(executionId);
            if (RetryableFailures.retryable(failure)) {
                retry(new ArrayList<>(contexts), executionId, brief(failure));
            } else {
                metrics.bulkFailed();
                String advice = refusal.apply(RetryableFailures.httpStatus(failure));
                fatal.compareAndSet(
                        null,
                        new ConnectException(
                                "connector " + connectorName + ": Elasticsearch refused a bulk request of "
                                        + contexts.size() + " documents" + (advice == null ? "" : ": " + advice) + ": "
                                        + failure,
                                failure));
                log.error(
                        "connector {}: bulk {} of {} documents refused, not retryable: {}",
                        connectorName,
                        executionId,
                        contexts.size(),
                        brief(failure));
            }
        }
    }
}
