package io.cxone.kafka.source.webhook;

import io.cxone.kafka.common.RejectionLog;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.source.avro.AvroConnectMapping;
import io.cxone.kafka.source.offsets.SourceMaps;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Handles {@code POST <path>}: checks method, auth, size and content type, decodes the body into records of the
 * configured schema, queues them as one {@link PendingRequest}, and answers only when Kafka acknowledged every
 * event (200 with topic/partition/offset per event), or when they were not all accepted (4xx, 429, 503). Waiting
 * for Kafka holds no thread: the answer is written from the acknowledgement callback.
 */
final class WebhookRequestHandler extends Handler.Abstract.NonBlocking {

    private static final Logger log = LoggerFactory.getLogger(WebhookRequestHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bodies up to this size are decoded on the thread that read them; larger ones on Jetty's pool. */
    static final int INLINE_DECODE_BYTES = 64 * 1024;
    /** A refused request's declared body up to this size is read and dropped, not left unread (see rejectUnread). */
    static final int DISCARD_MAX_BYTES = 64 * 1024;
    private static final Pattern CALLER_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final WebhookConfig config;
    private final String path;
    private final RequestAuthenticator authenticator;
    private final EventBodyDecoder decoder;
    private final AvroConnectMapping mapping;
    private final IngestQueue queue;
    private final EventDeduplicator deduplicator; // null: dedupe off
    private final DeadLetterPublisher deadLetters; // null: DLQ off
    private final WebhookMetrics metrics;
    private final RejectionLog rejections;
    private final Clock clock;
    private final Map<String, String> sourcePartition;
    private final RequestIds requestIds = new RequestIds();
    private Executor executor; // Jetty's pool, once started

    WebhookRequestHandler(WebhookConfig config, RequestAuthenticator authenticator, EventBodyDecoder decoder,
                          AvroConnectMapping mapping, IngestQueue queue, EventDeduplicator deduplicator,
                          DeadLetterPublisher deadLetters, WebhookMetrics metrics, RejectionLog rejections, Clock clock) {
        this.config = config;
        this.path = config.path();
        this.authenticator = authenticator;
        this.decoder = decoder;
        this.mapping = mapping;
        this.queue = queue;
        this.deduplicator = deduplicator;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.rejections = rejections;
        this.clock = clock;
        this.sourcePartition = sourcePartition(config.taskIndex());
    }

    /** One exchange, answered exactly once. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final String requestId;
        final AtomicBoolean answered = new AtomicBoolean();
        /** The HMAC signature this request claimed (hmac-sha256 mode), freed unless the answer is 200. */
        volatile String signature;

        Exchange(Request request, Response response, Callback callback, String requestId) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.requestId = requestId;
        }

        String header(String name) {
            return request.getHeaders().get(name);
        }

        boolean answer(int status, ByteBuffer body, boolean retryAfter) {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            if (status != 200 && signature != null) {
                authenticator.releaseSignature(signature); // not accepted: the caller may send the same signed request again
            }
            metrics.request(status);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put("X-Request-Id", requestId);
            if (retryAfter) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(config.retryAfterSeconds()));
            }
            if (status == 405) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
            }
            if (status == 401) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, switch (authenticator.mode()) {
                    case BASIC -> "Basic realm=\"cxone-webhook\"";
                    case BEARER -> "Bearer realm=\"cxone-webhook\"";
                    default -> "HMAC-SHA256 realm=\"cxone-webhook\"";
                });
            }
            response.write(true, body, callback);
            return true;
        }

        /** Ends the connection after the answer: the caller may still be sending a body nobody reads. */
        void closeConnection() {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }

        /**
         * Answers 500 for anything one request's handling threw, an {@code Error} too: it is this request's failure, and
         * letting it reach Jetty would leave the request unanswered on a pool thread or end the selector's work.
         */
        void fail(Throwable e) {
            log.error("webhook request {}: unexpected failure", requestId, e);
            reject(500, "internal error; request " + requestId + " was not accepted");
        }

        void reject(int status, String reason) {
            if (answer(status, ByteBuffer.wrap(rejectionBody(status, reason, requestId)), status == 429 || status == 503)) {
                rejections.rejected(requestId, Request.getRemoteAddr(request), status, reason);
            }
        }
    }

    /** The body of every rejection, the listener's own errors included: {@code {"status", "error", "requestId"}}. */
    static byte[] rejectionBody(int status, String reason, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", reason);
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            return ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        }
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
        String requestId = callerId != null && CALLER_REQUEST_ID.matcher(callerId).matches() ? callerId : requestIds.next();
        Exchange exchange = new Exchange(request, response, callback, requestId);
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
                throw new RejectedRequest(413, "body of " + declared + " bytes exceeds request.max.bytes=" + config.requestMaxBytes());
            }
            mediaType = EventBodyDecoder.mediaType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
            if (mediaType == null || !EventBodyDecoder.SUPPORTED.contains(mediaType)) {
                throw new RejectedRequest(415, "Content-Type " + (mediaType == null ? "missing" : mediaType)
                        + " not supported; use application/avro, avro/binary or application/json");
            }
        } catch (RejectedRequest e) {
            rejectUnread(exchange, e);
            return true;
        } catch (Throwable e) {
            exchange.fail(e);
            return true;
        }
        BoundedBodyReader.read(request, config.requestMaxBytes(), config.requestBodyTimeout().toMillis(), (body, unreadable) -> {
            if (unreadable != null) {
                exchange.closeConnection(); // the rest of the body was not read
                exchange.reject(unreadable.status(), unreadable.reason());
            } else if (body.length > INLINE_DECODE_BYTES) {
                try {
                    executor.execute(() -> process(exchange, mediaType, body));
                } catch (RejectedExecutionException e) { // Jetty's pool and its queue are full: the caller retries later
                    exchange.reject(503, "listener busy: too many large bodies being decoded; retry later");
                }
            } else {
                process(exchange, mediaType, body);
            }
        });
        return true;
    }

    /**
     * Answers a request refused before its body was read. A declared body up to {@link #DISCARD_MAX_BYTES} is read and
     * dropped first (nothing is kept), and the connection stays open; a larger or chunked one is not read at all: the
     * answer says {@code Connection: close} and the connection ends. One that declares no body keeps its connection.
     */
    private void rejectUnread(Exchange exchange, RejectedRequest rejection) {
        Request request = exchange.request;
        long declared = request.getLength();
        if (declared > 0 && declared <= DISCARD_MAX_BYTES) {
            // A small body (a caller with a wrong credential or type) is read and dropped before the answer: closing a
            // socket with unread bytes resets it, and the reset can destroy the answer before the caller reads it.
            BoundedBodyReader.discard(request, (int) declared, config.requestBodyTimeout().toMillis(), (dropped, unreadable) -> {
                if (unreadable != null) {
                    exchange.closeConnection();
                }
                exchange.reject(rejection.status(), rejection.reason());
            });
            return;
        }
        // HTTP/1.1: a body comes with a Content-Length above 0 or a Transfer-Encoding (chunked, length -1)
        if (declared > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            exchange.closeConnection();
        }
        exchange.reject(rejection.status(), rejection.reason());
    }

    /** Authenticates the body (HMAC), decodes it and queues its events, or answers why not. */
    private void process(Exchange exchange, String mediaType, byte[] body) {
        try {
            metrics.bodyBytes(body.length);
            exchange.signature = authenticator.checkBody(exchange::header, body);
            List<GenericRecord> events;
            try {
                events = decoder.decode(mediaType, body);
            } catch (RejectedRequest e) {
                deadLetter(exchange.requestId, e, mediaType, body);
                throw e;
            }
            accept(exchange, mediaType, events);
        } catch (RejectedRequest e) {
            exchange.reject(e.status(), e.reason());
        } catch (Throwable e) {
            exchange.fail(e);
        }
    }

    private void accept(Exchange exchange, String mediaType, List<GenericRecord> events) {
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
                ? new EventDeduplicator.Published[events.size()] : deduplicator.claim(exchange.requestId, ids);
        int fresh = 0;
        for (EventDeduplicator.Published duplicate : duplicates) {
            if (duplicate == null) {
                fresh++;
            }
        }
        String ingestTime = Instant.now(clock).toString();
        String remote = config.remoteAddressHeader() ? Request.getRemoteAddr(exchange.request) : null;
        long acceptedNanos = System.nanoTime();
        PendingRequest pending = new PendingRequest(exchange.requestId, fresh, acceptedNanos);
        int[] recordIndex = new int[events.size()];
        List<String> claimedIds = new ArrayList<>();
        Schema valueSchema = mapping.connectSchema();
        Map<String, String> sourceOffset = sourceOffset(exchange.requestId);
        for (int i = 0, r = 0; i < events.size(); i++) {
            if (duplicates[i] != null) {
                recordIndex[i] = -1;
                continue;
            }
            ConnectHeaders headers = new ConnectHeaders();
            headers.addString("content-type", mediaType);
            headers.addString("ingest-time", ingestTime);
            headers.addString("request-id", exchange.requestId);
            if (remote != null) {
                headers.addString("remote-address", remote);
            }
            pending.add(new WebhookRecord(pending, r, sourcePartition, sourceOffset, config.topic(),
                    Schema.OPTIONAL_STRING_SCHEMA, ids.get(i), valueSchema, values.get(i), headers));
            if (ids.get(i) != null) {
                claimedIds.add(ids.get(i));
            }
            recordIndex[i] = r++;
        }
        if (fresh < events.size()) {
            metrics.duplicates(events.size() - fresh);
        }
        if (fresh == 0) {
            exchange.answer(200, successBody(exchange.requestId, ids, duplicates, recordIndex, new RecordMetadata[0]), false);
            log.debug("webhook request {}: all {} events are duplicates", exchange.requestId, events.size());
            return;
        }
        pending.expireAt(acceptedNanos + config.ackTimeout().toNanos(), () -> onTimeout(exchange, pending));
        if (!queue.offer(pending)) {
            release(exchange.requestId, claimedIds);
            throw new RejectedRequest(429, "queue full (" + queue.depth() + " of " + queue.capacity()
                    + " events waiting for Kafka); nothing of this request was accepted, retry later");
        }
        // Kafka's acknowledgement arrives on the worker's task thread (commitRecord, after the transaction commit with
        // exactly-once); building and writing the answer there would hold up the next poll, so it runs on Jetty's pool.
        // (Not one answering thread for all: writing an answer goes on to read and handle the connection's next request
        // on the same thread, so a single thread for them all fell behind.)
        pending.acked().whenCompleteAsync((metadata, error) -> {
            if (error == null) {
                long now = System.nanoTime();
                long ackMillis = TimeUnit.NANOSECONDS.toMillis(now - acceptedNanos);
                metrics.published(pending.size(), ackMillis);
                metrics.requestTimes(pending.polledNanos() - acceptedNanos, now - pending.polledNanos());
                if (deduplicator != null) {
                    for (int i = 0; i < events.size(); i++) {
                        if (recordIndex[i] >= 0 && ids.get(i) != null && metadata[recordIndex[i]] != null) {
                            deduplicator.published(ids.get(i), exchange.requestId, metadata[recordIndex[i]]);
                        }
                    }
                }
                if (exchange.answer(200, successBody(exchange.requestId, ids, duplicates, recordIndex, metadata), false)) {
                    log.debug("webhook request {}: {} events acknowledged in {} ms", exchange.requestId, pending.size(), ackMillis);
                } else {
                    log.info("webhook request {}: {} events acknowledged after the caller got 503 (ack.timeout.ms)",
                            exchange.requestId, pending.size());
                }
            } else {
                release(exchange.requestId, claimedIds);
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                exchange.reject(503, "not published: " + cause.getMessage() + "; retry later");
            }
        }, executor);
    }

    private void onTimeout(Exchange exchange, PendingRequest pending) {
        long millis = config.ackTimeout().toMillis();
        if (pending.withdraw("Kafka did not take the events within ack.timeout.ms=" + millis)) {
            return; // the acked() callback answers 503; nothing was published
        }
        log.warn("webhook request {}: {} events handed to Kafka but not acknowledged within {} ms; answering 503",
                exchange.requestId, pending.size(), millis);
        exchange.reject(503, "Kafka did not acknowledge within ack.timeout.ms=" + millis
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
            executor.execute(() -> deadLetters.publish(requestId, rejection.status(), rejection.reason(), mediaType, body));
        }
    }

    /**
     * The 200 body: {@code {"requestId", "accepted", "results": [{"index", "eventId", "duplicate", "topic", "partition",
     * "offset"}]}}, streamed (it is written for every request, one result per event).
     */
    private static ByteBuffer successBody(String requestId, List<String> ids, EventDeduplicator.Published[] duplicates,
                                      int[] recordIndex, RecordMetadata[] metadata) {
        // sized for the usual answer (ids of up to ~64 characters), so it is written into one array and sent without a copy
        ByteArrayBuilder out = new ByteArrayBuilder(128 + 192 * ids.size());
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("requestId", requestId);
            json.writeNumberField("accepted", ids.size());
            json.writeArrayFieldStart("results");
            for (int i = 0; i < ids.size(); i++) {
                json.writeStartObject();
                json.writeNumberField("index", i);
                if (ids.get(i) != null) {
                    json.writeStringField("eventId", ids.get(i));
                }
                EventDeduplicator.Published duplicate = duplicates[i];
                if (duplicate != null) {
                    json.writeBooleanField("duplicate", true);
                    if (duplicate.topic() == null) {
                        // a repeat inside this request shares the first copy's place
                        int first = (int) duplicate.offset();
                        RecordMetadata firstMetadata = recordIndex[first] >= 0 ? metadata[recordIndex[first]] : null;
                        duplicate = firstMetadata != null
                                ? new EventDeduplicator.Published(firstMetadata.topic(), firstMetadata.partition(), firstMetadata.offset())
                                : duplicates[first];
                    }
                    if (duplicate != null) {
                        writePlace(json, duplicate.topic(), duplicate.partition(), duplicate.offset());
                    }
                } else {
                    RecordMetadata m = metadata[recordIndex[i]];
                    if (m != null) {
                        writePlace(json, m.topic(), m.partition(), m.hasOffset() ? m.offset() : -1);
                    }
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
        return out.size() == out.getCurrentSegmentLength()
                ? ByteBuffer.wrap(out.getCurrentSegment(), 0, out.size()) : ByteBuffer.wrap(out.toByteArray());
    }

    private static void writePlace(JsonGenerator json, String topic, int partition, long offset) throws IOException {
        json.writeStringField("topic", topic);
        json.writeNumberField("partition", partition);
        json.writeNumberField("offset", offset);
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
