package io.cxone.kafka.source.webhook;

import io.cxone.kafka.common.RejectionLog;
import io.cxone.kafka.source.avro.AvroConnectMapping;
import io.cxone.kafka.source.offsets.SourceMaps;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code POST <path>}: checks method, auth, size and content type, decodes the body into records of the
 * configured schema, queues them as one {@link PendingRequest}, and answers only when Kafka acknowledged every
 * event (200 with topic/partition/offset per event), or when they were not all accepted (4xx, 429, 503). Waiting
 * for Kafka holds no thread: the answer is written from the acknowledgement callback. How answers are written is
 * {@link WebhookAnswers}.
 */
final class WebhookRequestHandler extends Handler.Abstract.NonBlocking {

    private static final Logger log = LoggerFactory.getLogger(WebhookRequestHandler.class);
    /** Bodies up to this size are decoded on the thread that read them; larger ones on Jetty's pool. */
    static final int INLINE_DECODE_BYTES = 64 * 1024;
    /** After a refused request's body up to this size is dropped, its connection stays open (see rejectUnread). */
    static final int DISCARD_MAX_BYTES = 64 * 1024;
    /**
     * A refused request's body (wrong credential, too large...) is read and dropped up to this size after the answer,
     * before the connection closes: a caller still sending would otherwise meet a reset that can destroy the answer.
     * Reading costs time (within request.body.timeout.ms), never memory; a larger declared body is not read at all.
     */
    static final int OVERSIZE_DRAIN_MAX_BYTES = 8 * 1024 * 1024;

    private static final Pattern CALLER_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final WebhookConfig config;
    private final String path;
    private final RequestAuthenticator authenticator;
    private final BodyDecoder decoder;
    private final AvroConnectMapping mapping;
    private final IngestQueue queue;
    private final EventDeduplicator deduplicator; // null: dedupe off
    private final DeadLetterPublisher deadLetters; // null: DLQ off
    private final WebhookMetrics metrics;
    private final WebhookAnswers answers;
    private final Clock clock;
    private final Map<String, String> sourcePartition;
    private final RequestIds requestIds = new RequestIds();
    private Executor executor; // Jetty's pool, once started

    /** Turns a body of a supported media type into events: {@link EventBodyDecoder#decode}. */
    @FunctionalInterface
    interface BodyDecoder {
        /** The events of the body; {@link RejectedRequest} (400, 413) when it holds none that fit. */
        List<GenericRecord> decode(String mediaType, byte[] body);
    }

    WebhookRequestHandler(
            WebhookConfig config,
            RequestAuthenticator authenticator,
            BodyDecoder decoder,
            AvroConnectMapping mapping,
            IngestQueue queue,
            EventDeduplicator deduplicator,
            DeadLetterPublisher deadLetters,
            WebhookMetrics metrics,
            RejectionLog rejections,
            Clock clock) {
        this.config = config;
        this.path = config.path();
        this.authenticator = authenticator;
        this.decoder = decoder;
        this.mapping = mapping;
        this.queue = queue;
        this.deduplicator = deduplicator;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.answers = new WebhookAnswers(authenticator, metrics, rejections, config.retryAfterSeconds());
        this.clock = clock;
        this.sourcePartition = sourcePartition(config.taskIndex());
    }

    @Override
    protected void doStart() throws Exception {
        executor = getServer().getThreadPool();
        super.doStart();
    }

    /**
     * Runs on the thread that parsed the request (the handler never blocks: it is declared non-blocking, so Jetty
     * need not hand each request to another thread). Checks the headers, reads the body without blocking, then
     * decodes and queues it; only bodies over {@link #INLINE_DECODE_BYTES} are decoded on Jetty's pool, so a large
     * container does not hold up the connections that share the selector.
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String callerId = request.getHeaders().get("X-Request-Id");
        String requestId =
                callerId != null && CALLER_REQUEST_ID.matcher(callerId).matches() ? callerId : requestIds.next();
        WebhookAnswers.Exchange exchange = answers.open(request, response, callback, requestId);
        String mediaType;
        try {
            if (!path.equals(Request.getPathInContext(request))) {
                throw new RejectedRequest(404, "no webhook at this path; POST to " + path);
            }
            if (!"POST".equals(request.getMethod())) {
                throw new RejectedRequest(405, "method " + request.getMethod() + " not allowed; use POST");
            }
            authenticator.checkHeaders(exchange::header);
            long declared = request.getLength();
            if (declared > config.requestMaxBytes()) {
                throw new RejectedRequest(
                        413, "body of " + declared + " bytes exceeds request.max.bytes=" + config.requestMaxBytes());
            }
            mediaType = EventBodyDecoder.mediaType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
            if (mediaType == null || !EventBodyDecoder.SUPPORTED.contains(mediaType)) {
                throw new RejectedRequest(
                        415,
                        "Content-Type " + (mediaType == null ? "missing" : mediaType)
                                + " not supported; use application/avro, avro/binary or application/json");
            }
        } catch (RejectedRequest e) {
            rejectUnread(exchange, e);
            return true;
        } catch (Throwable e) {
            exchange.fail(e);
            return true;
        }
        BoundedBodyReader.read(
                request, config.requestMaxBytes(), config.requestBodyTimeout().toMillis(), (body, unreadable) -> {
                    if (unreadable != null) {
                        exchange.closeConnection(); // the rest of the body was not read
                        exchange.reject(unreadable.status(), unreadable.reason());
                    } else if (body.length > INLINE_DECODE_BYTES) {
                        try {
                            executor.execute(() -> process(exchange, mediaType, body));
                        } catch (
                                RejectedExecutionException
                                        e) { // Jetty's pool and its queue are full: the caller retries later
                            exchange.reject(503, "listener busy: too many large bodies being decoded; retry later");
                        }
                    } else {
                        process(exchange, mediaType, body);
                    }
                });
        return true;
    }

    /**
     * Answers a request refused before its body was read (a wrong credential, path, method, type or size), keeping
     * nothing of the body. A declared body up to {@link #DISCARD_MAX_BYTES} (not a 413) is read and dropped, then
     * answered, and the connection stays open. A larger one up to {@link #OVERSIZE_DRAIN_MAX_BYTES}, or any 413, is
     * answered at once with {@code Connection: close}, and then read and dropped until it ends or
     * request.body.timeout.ms passes before the connection closes: a caller that never sends it has its answer at
     * once, and one still sending reads the answer instead of meeting the reset that closing a socket with unread
     * bytes causes (which destroys the answer). A larger declared or a chunked body is not read at all.
     */
    private void rejectUnread(WebhookAnswers.Exchange exchange, RejectedRequest rejection) {
        Request request = exchange.request();
        long declared = request.getLength();
        long timeoutMillis = config.requestBodyTimeout().toMillis();
        if (declared > 0 && declared <= DISCARD_MAX_BYTES && rejection.status() != 413) {
            BoundedBodyReader.discard(request, (int) declared, timeoutMillis, (dropped, unreadable) -> {
                if (unreadable != null) {
                    exchange.closeConnection();
                }
                exchange.reject(rejection.status(), rejection.reason());
            });
            return;
        }
        if (declared > 0 && declared <= OVERSIZE_DRAIN_MAX_BYTES) {
            exchange.closeConnection();
            exchange.rejectThen(
                    rejection.status(),
                    rejection.reason(),
                    done -> BoundedBodyReader.discard(
                            request, (int) declared, timeoutMillis, (dropped, unreadable) -> done.succeeded()));
            return;
        }
        // HTTP/1.1: a body comes with a Content-Length above 0 or a Transfer-Encoding (chunked, length -1)
        if (declared > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            exchange.closeConnection();
        }
        exchange.reject(rejection.status(), rejection.reason());
    }

    /** Authenticates the body (HMAC), decodes it and queues its events, or answers why not. */
    private void process(WebhookAnswers.Exchange exchange, String mediaType, byte[] body) {
        try {
            metrics.bodyBytes(body.length);
            exchange.signature = authenticator.checkBody(exchange::header, body);
            List<GenericRecord> events;
            try {
                events = decoder.decode(mediaType, body);
            } catch (RejectedRequest e) {
                deadLetter(exchange.requestId(), e, mediaType, body);
                throw e;
            }
            accept(exchange, mediaType, events);
        } catch (RejectedRequest e) {
            exchange.reject(e.status(), e.reason());
        } catch (Throwable e) {
            exchange.fail(e);
        }
    }

    private void accept(WebhookAnswers.Exchange exchange, String mediaType, List<GenericRecord> events) {
        String idField = config.eventIdField();
        List<String> ids = new ArrayList<>(events.size());
        for (GenericRecord event : events) {
            Object id = idField.isEmpty() || event.getSchema().getField(idField) == null ? null : event.get(idField);
            ids.add(id == null ? null : id.toString());
        }
        List<Object> values = new ArrayList<>(events.size());
        for (GenericRecord event : events) {
            values.add(mapping.toConnect(event)); // before claiming ids: nothing below can fail half-way
        }
        EventDeduplicator.Published[] duplicates = deduplicator == null
                ? new EventDeduplicator.Published[events.size()]
                : deduplicator.claim(exchange.requestId(), ids);
        int fresh = 0;
        for (EventDeduplicator.Published duplicate : duplicates) {
            if (duplicate == null) {
                fresh++;
            }
        }
        String ingestTime = Instant.now(clock).toString();
        String remote = config.remoteAddressHeader() ? Request.getRemoteAddr(exchange.request()) : null;
        long acceptedNanos = System.nanoTime();
        PendingRequest pending = new PendingRequest(exchange.requestId(), fresh, acceptedNanos);
        int[] recordIndex = new int[events.size()];
        List<String> claimedIds = new ArrayList<>();
        Schema valueSchema = mapping.connectSchema();
        Map<String, String> sourceOffset = sourceOffset(exchange.requestId());
        for (int i = 0, r = 0; i < events.size(); i++) {
            if (duplicates[i] != null) {
                recordIndex[i] = -1;
                continue;
            }
            ConnectHeaders headers = new ConnectHeaders();
            headers.addString("content-type", mediaType);
            headers.addString("ingest-time", ingestTime);
            headers.addString("request-id", exchange.requestId());
            if (ids.get(i) != null) {
                // read back by DedupeTopicReader: unlike the key, a header survives any key converter or key transform
                headers.addString(DedupeTopicReader.EVENT_ID_HEADER, ids.get(i));
            }
            if (remote != null) {
                headers.addString("remote-address", remote);
            }
            pending.add(new WebhookRecord(
                    pending,
                    r,
                    sourcePartition,
                    sourceOffset,
                    config.topic(),
                    Schema.OPTIONAL_STRING_SCHEMA,
                    ids.get(i),
                    valueSchema,
                    values.get(i),
                    headers));
            if (ids.get(i) != null) {
                claimedIds.add(ids.get(i));
            }
            recordIndex[i] = r++;
        }
        if (fresh < events.size()) {
            metrics.duplicates(events.size() - fresh);
        }
        if (fresh == 0) {
            exchange.answer(
                    200,
                    WebhookAnswers.successBody(
                            exchange.requestId(), ids, duplicates, recordIndex, new RecordMetadata[0]),
                    false);
            log.debug("webhook request {}: all {} events are duplicates", exchange.requestId(), events.size());
            return;
        }
        pending.expireAt(acceptedNanos + config.ackTimeout().toNanos(), () -> onTimeout(exchange, pending));
        if (!queue.offer(pending)) {
            release(exchange.requestId(), claimedIds);
            throw new RejectedRequest(
                    429,
                    "queue full (" + queue.depth() + " of " + queue.capacity()
                            + " events waiting for Kafka); nothing of this request was accepted, retry later");
        }
        // Kafka's acknowledgement arrives on the worker's task thread (commitRecord, after the transaction commit with
        // exactly-once); building and writing the answer there would hold up the next poll, so it runs on Jetty's pool.
        // (Not one answering thread for all: writing an answer goes on to read and handle the connection's next request
        // on the same thread, so a single thread for them all fell behind.)
        pending.acked()
                .whenCompleteAsync(
                        (metadata, error) -> {
                            if (error == null) {
                                long now = System.nanoTime();
                                long ackMillis = TimeUnit.NANOSECONDS.toMillis(now - acceptedNanos);
                                metrics.published(pending.size(), ackMillis);
                                metrics.requestTimes(
                                        pending.polledNanos() - acceptedNanos, now - pending.polledNanos());
                                if (deduplicator != null) {
                                    for (int i = 0; i < events.size(); i++) {
                                        if (recordIndex[i] >= 0
                                                && ids.get(i) != null
                                                && metadata[recordIndex[i]] != null) {
                                            deduplicator.published(
                                                    ids.get(i), exchange.requestId(), metadata[recordIndex[i]]);
                                        }
                                    }
                                }
                                if (exchange.answer(
                                        200,
                                        WebhookAnswers.successBody(
                                                exchange.requestId(), ids, duplicates, recordIndex, metadata),
                                        false)) {
                                    log.debug(
                                            "webhook request {}: {} events acknowledged in {} ms",
                                            exchange.requestId(),
                                            pending.size(),
                                            ackMillis);
                                } else {
                                    log.info(
                                            "webhook request {}: {} events acknowledged after the caller got 503 (ack.timeout.ms)",
                                            exchange.requestId(),
                                            pending.size());
                                }
                            } else {
                                release(exchange.requestId(), claimedIds);
                                Throwable cause = error instanceof CompletionException && error.getCause() != null
                                        ? error.getCause()
                                        : error;
                                exchange.reject(503, "not published: " + cause.getMessage() + "; retry later");
                            }
                        },
                        executor);
    }

    private void onTimeout(WebhookAnswers.Exchange exchange, PendingRequest pending) {
        long millis = config.ackTimeout().toMillis();
        if (pending.withdraw("Kafka did not take the events within ack.timeout.ms=" + millis)) {
            return; // the acked() callback answers 503; nothing was published
        }
        log.warn(
                "webhook request {}: {} events handed to Kafka but not acknowledged within {} ms; answering 503",
                exchange.requestId(),
                pending.size(),
                millis);
        exchange.reject(
                503,
                "Kafka did not acknowledge within ack.timeout.ms=" + millis
                        + "; the events may still be published, retry later");
    }

    private void release(String requestId, List<String> claimedIds) {
        if (deduplicator != null && !claimedIds.isEmpty()) {
            deduplicator.released(requestId, claimedIds);
        }
    }

    private void deadLetter(String requestId, RejectedRequest rejection, String mediaType, byte[] body) {
        if (deadLetters != null && (rejection.status() == 400 || rejection.status() == 413)) {
            // on the pool: the DLQ producer may block (metadata, full buffer), and this may be a selector thread
            executor.execute(
                    () -> deadLetters.publish(requestId, rejection.status(), rejection.reason(), mediaType, body));
        }
    }

    /**
     * Ids for requests that bring no X-Request-Id: UUID-shaped, a random half drawn once per task start and a
     * sequence number, so they are unique without drawing from SecureRandom (a shared lock) for every request.
     */
    static final class RequestIds {
        private final long prefix = new SecureRandom().nextLong();
        private final AtomicLong sequence = new AtomicLong();

        String next() {
            return new UUID(prefix, sequence.incrementAndGet()).toString();
        }
    }

    /** The source partition of one listener task, in the one key order every JVM writes ({@link SourceMaps}). */
    static Map<String, String> sourcePartition(int taskIndex) {
        return SourceMaps.canonical("webhook.task", Integer.toString(taskIndex));
    }

    /** The source offset of one request's records. */
    static Map<String, String> sourceOffset(String requestId) {
        return SourceMaps.canonical("request.id", requestId);
    }
}
