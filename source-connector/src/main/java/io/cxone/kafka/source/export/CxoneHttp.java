package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * HTTP calls to CXone with the connector's retry rules: 429 waits for Retry-After; 5xx, timeouts, resets and
 * unparseable bodies back off exponentially with jitter up to {@link RetryPolicy#maxAttempts()}; a 401 drops
 * the cached token and retries once with a new one; any other 4xx fails at once with the status and body.
 * Waits end promptly when the calling thread is interrupted (task stop).
 */
public final class CxoneHttp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CxoneHttp.class);
    static final MediaType JSON_TYPE = MediaType.get("application/json");
    static final ObjectMapper JSON = new ObjectMapper();

    /** Parses a successful body; throws {@link IOException} when it is malformed (then the call is retried). */
    @FunctionalInterface
    public interface BodyParser<T> {
        T parse(ResponseBody body) throws IOException;
    }

    private final OkHttpClient client;
    private final RetryPolicy retry;
    private final ExportMetrics metrics;

    public CxoneHttp(Duration timeout, RetryPolicy retry, ExportMetrics metrics) {
        this.client = new OkHttpClient.Builder()
                .callTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .build();
        this.retry = retry;
        this.metrics = metrics;
    }

    public <T> T call(String what, Request.Builder request, TokenCache tokens, BodyParser<T> parser) {
        boolean refreshedToken = false;
        String lastError = "";
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            if (tokens != null) {
                request.header("Authorization", "Bearer " + tokens.get());
            }
            Duration wait;
            try (Response response = client.newCall(request.build()).execute()) {
                int status = response.code();
                if (response.isSuccessful()) {
                    try {
                        return parser.parse(response.body());
                    } catch (IOException e) {
                        lastError = "malformed response body: " + e.getMessage();
                        wait = retry.backoff(attempt);
                    }
                } else if (status == 401 && tokens != null && !refreshedToken) {
                    log.info("CXone answered 401 to {}; fetching a new token and retrying once", what);
                    tokens.invalidate();
                    refreshedToken = true;
                    attempt--; // a token refresh is not a failed attempt
                    continue;
                } else if (status == 429) {
                    wait = retry.retryAfter(retryAfter(response, retry.backoff(attempt)));
                    lastError = "HTTP 429 (throttled)";
                } else if (status >= 500) {
                    wait = retry.backoff(attempt);
                    lastError = "HTTP " + status + ": " + snippet(response);
                } else {
                    throw new CxoneApiException(status, what + " failed with HTTP " + status + ": " + snippet(response));
                }
            } catch (IOException e) {
                if (Thread.interrupted()) {
                    throw new TaskStoppedException();
                }
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                wait = retry.backoff(attempt);
            }
            if (attempt == retry.maxAttempts()) {
                break;
            }
            metrics.retry();
            log.warn("{} attempt {}/{} failed ({}); retrying in {} ms", what, attempt, retry.maxAttempts(), lastError, wait.toMillis());
            sleep(wait);
        }
        throw new CxoneApiException(0, what + " failed after " + retry.maxAttempts() + " attempts; last error: " + lastError);
    }

    public JsonNode json(String what, Request.Builder request, TokenCache tokens) {
        return call(what, request, tokens, body -> JSON.readTree(body.byteStream()));
    }

    public static RequestBody jsonBody(Object value) {
        try {
            return RequestBody.create(JSON.writeValueAsBytes(value), JSON_TYPE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Duration retryAfter(Response response, Duration fallback) {
        String header = response.header("Retry-After");
        if (header == null) {
            return fallback;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String snippet(Response response) {
        try {
            String body = response.body() == null ? "" : response.body().string();
            return body.length() > 300 ? body.substring(0, 300) + "..." : body;
        } catch (IOException e) {
            return "(body unreadable)";
        }
    }

    static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskStoppedException();
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** Thrown out of waits when the task is stopping; never reported as a failure. */
    public static final class TaskStoppedException extends RuntimeException {
        public TaskStoppedException() {
            super("task stopping", null, false, false);
        }
    }
}
