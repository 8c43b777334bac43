package io.cxone.kafka.source.webhook;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.common.RejectionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the webhook answers: each request exactly once ({@link Exchange}), with its status counted, its rejection
 * logged, the headers its status calls for, and a JSON body (the 200 results per event, or the rejection reason).
 */
final class WebhookAnswers {

    private static final Logger log = LoggerFactory.getLogger(WebhookAnswers.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RequestAuthenticator authenticator;
    private final WebhookMetrics metrics;
    private final RejectionLog rejections;
    private final int retryAfterSeconds;

    WebhookAnswers(
            RequestAuthenticator authenticator,
            WebhookMetrics metrics,
            RejectionLog rejections,
            int retryAfterSeconds) {
        this.authenticator = authenticator;
        this.metrics = metrics;
        this.rejections = rejections;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The exchange of one request, not answered yet. */
    Exchange open(Request request, Response response, Callback callback, String requestId) {
        return new Exchange(request, response, callback, requestId);
    }

    /** One exchange, answered exactly once. */
    final class Exchange {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final String requestId;
        private final AtomicBoolean answered = new AtomicBoolean();
        /** The HMAC signature this request claimed (hmac-sha256 mode), freed unless the answer is 200. */
        volatile String signature;

        private Exchange(Request request, Response response, Callback callback, String requestId) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.requestId = requestId;
        }

        Request request() {
            return request;
        }

        String requestId() {
            return requestId;
        }

        String header(String name) {
            return request.getHeaders().get(name);
        }

        boolean answer(int status, ByteBuffer body, boolean retryAfter) {
            return answer(status, body, retryAfter, callback);
        }

        /** Writes the answer; {@code written} completes when it is (the exchange's own callback, or what goes on). */
        private boolean answer(int status, ByteBuffer body, boolean retryAfter, Callback written) {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            if (status != 200 && signature != null) {
                authenticator.releaseSignature(
                        signature); // not accepted: the caller may send the same signed request again
            }
            metrics.request(status);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put("X-Request-Id", requestId);
            if (retryAfter) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(retryAfterSeconds));
            }
            if (status == 405) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
            }
            if (status == 401) {
                response.getHeaders()
                        .put(
                                HttpHeader.WWW_AUTHENTICATE,
                                switch (authenticator.mode()) {
                                    case BASIC -> "Basic realm=\"cxone-webhook\"";
                                    case BEARER -> "Bearer realm=\"cxone-webhook\"";
                                    default -> "HMAC-SHA256 realm=\"cxone-webhook\"";
                                });
            }
            response.write(true, body, written);
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
            reject(status, reason, callback);
        }

        /**
         * Answers with the refusal at once, then runs {@code afterAnswer} with the exchange's callback, which it must
         * complete (e.g. once it has read and dropped the rest of the body): the connection lasts until then.
         */
        void rejectThen(int status, String reason, Consumer<Callback> afterAnswer) {
            reject(status, reason, Callback.from(() -> afterAnswer.accept(callback), callback::failed));
        }

        private void reject(int status, String reason, Callback written) {
            if (answer(
                    status,
                    ByteBuffer.wrap(rejectionBody(status, reason, requestId)),
                    status == 429 || status == 503,
                    written)) {
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

    /**
     * The 200 body: {@code {"requestId", "accepted", "results": [{"index", "eventId", "duplicate", "topic", "partition",
     * "offset"}]}}, streamed (it is written for every request, one result per event).
     */
    static ByteBuffer successBody(
            String requestId,
            List<String> ids,
            EventDeduplicator.Published[] duplicates,
            int[] recordIndex,
            RecordMetadata[] metadata) {
        // sized for the usual answer (ids of up to ~64 characters), so it is written into one array and sent without a
        // copy
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
                                ? new EventDeduplicator.Published(
                                        firstMetadata.topic(), firstMetadata.partition(), firstMetadata.offset())
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
                ? ByteBuffer.wrap(out.getCurrentSegment(), 0, out.size())
                : ByteBuffer.wrap(out.toByteArray());
    }

    private static void writePlace(JsonGenerator json, String topic, int partition, long offset) throws IOException {
        json.writeStringField("topic", topic);
        json.writeNumberField("partition", partition);
        json.writeNumberField("offset", offset);
    }
}
