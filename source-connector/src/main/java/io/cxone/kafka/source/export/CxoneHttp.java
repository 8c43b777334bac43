package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.common.ConnectionUrls;
import io.cxone.kafka.common.threads.PluginThreads;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP calls to CXone on the JDK client with the connector's retry rules: 429 waits for Retry-After without counting
 * as an attempt (up to {@link RetryPolicy#throttleBudget()} per call); 5xx, timeouts,
 * resets and unparseable bodies back off with full jitter up to {@link RetryPolicy#maxAttempts()}; a 401 drops the
 * cached token and retries once with a new one; any other 4xx, and an answer over {@code response.max.bytes}, fail at
 * once with the status. Each exchange, up to the last byte of its body, ends within the request timeout. Waits end
 * promptly when the calling thread is interrupted (task stop). Messages never carry request URLs' credentials or
 * bearer tokens.
 */
public final class CxoneHttp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CxoneHttp.class);
    static final ObjectMapper JSON = new ObjectMapper();

    /** Parses a successful body; throws {@link IOException} when it is malformed (then the call is retried). */
    @FunctionalInterface
    public interface BodyParser<T> {
        T parse(byte[] body) throws IOException;
    }

    /** Spaces calls to an API that accepts few per tenant ({@link TenantCallGate}). */
    public interface CallGate {
        /** Waits until the next call may go out. */
        void acquire();

        /** The call's answer arrived (or it failed): CXone handled it before now, so spacing counts from here. */
        void answered();

        /** CXone answered 429 anyway: no call before {@code retryAfter} from now. */
        void throttled(Duration retryAfter);
    }

    private final ExecutorService executor;
    private final HttpClient followingRedirects;
    private final HttpClient notFollowingRedirects;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final long maxBodyBytes;
    private final ExportMetrics metrics;

    /** Call from {@code start()}: the client's threads carry the caller's logging context. */
    public CxoneHttp(Duration timeout, RetryPolicy retry, long maxBodyBytes, ExportMetrics metrics) {
        this.executor = Executors.newCachedThreadPool(PluginThreads.daemon("cxone-export-http-%d"));
        this.followingRedirects = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(executor)
                .build();
        this.notFollowingRedirects = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        this.timeout = timeout;
        this.retry = retry;
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
    }

    public <T> T call(String what, HttpRequest.Builder request, TokenCache tokens, BodyParser<T> parser) {
        return call(what, request, tokens, null, parser);
    }

    /** As {@link #call(String, HttpRequest.Builder, TokenCache, BodyParser)}, each attempt waiting for {@code gate}. */
    public <T> T call(
            String what, HttpRequest.Builder request, TokenCache tokens, CallGate gate, BodyParser<T> parser) {
        boolean refreshedToken = false;
        Duration throttledFor = Duration.ZERO;
        String lastError = "";
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            if (tokens != null) {
                request.setHeader("Authorization", "Bearer " + tokens.get());
            }
            Duration wait;
            try {
                HttpResponse<byte[]> response;
                if (gate == null) {
                    response = exchange(request.build());
                } else {
                    gate.acquire();
                    try {
                        response = exchange(request.build());
                    } finally {
                        gate.answered();
                    }
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    try {
                        return parser.parse(response.body());
                    } catch (BoundedBody.TooLargeException e) {
                        throw e; // a parser's inflated content over the limit: as the body itself, not retried
                    } catch (IOException e) {
                        lastError = "malformed response body: " + e.getMessage();
                        wait = retry.delayAfter(attempt);
                    }
                } else if (status == 401 && tokens != null && !refreshedToken) {
                    log.info("CXone answered 401 to {}; fetching a new token and retrying once", what);
                    tokens.invalidate();
                    refreshedToken = true;
                    attempt--; // a token refresh is not a failed attempt
                    continue;
                } else if (status == 429) {
                    wait = retry.retryAfter(retryAfter(response, retry.delayAfter(attempt)));
                    lastError = "HTTP 429 (throttled)";
                    throttledFor = throttledFor.plus(wait);
                    if (throttledFor.compareTo(retry.throttleBudget()) <= 0) {
                        attempt--; // CXone pacing the caller is not a failed attempt
                    }
                    if (gate != null) {
                        gate.throttled(wait); // the gate waits before the next attempt
                        wait = Duration.ZERO;
                    }
                } else if (status >= 500) {
                    wait = retry.delayAfter(attempt);
                    lastError = "HTTP " + status + ": " + snippet(response.body());
                } else {
                    throw new CxoneApiException(
                            status, what + " failed with HTTP " + status + ": " + snippet(response.body()));
                }
            } catch (BoundedBody.TooLargeException e) {
                throw new CxoneApiException(
                        e.status(),
                        what + " failed: " + e.getMessage() + " (raise " + ExportSourceConfig.RESPONSE_MAX_BYTES
                                + " if such answers are expected)");
            } catch (IOException e) {
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                wait = retry.delayAfter(attempt);
            }
            if (attempt == retry.maxAttempts()) {
                break;
            }
            metrics.retry();
            log.warn(
                    "{} attempt {}/{} failed ({}); retrying in {} ms",
                    what,
                    attempt,
                    retry.maxAttempts(),
                    lastError,
                    wait.toMillis());
            sleep(wait);
        }
        throw new CxoneApiException(
                0, what + " failed after " + retry.maxAttempts() + " attempts; last error: " + lastError);
    }

    public JsonNode json(String what, HttpRequest.Builder request, TokenCache tokens) {
        return call(what, request, tokens, JSON::readTree);
    }

    public JsonNode json(String what, HttpRequest.Builder request, TokenCache tokens, CallGate gate) {
        return call(what, request, tokens, gate, JSON::readTree);
    }

    /**
     * One exchange, the body read within the limit, the whole of it bounded by the timeout (the JDK's request timeout
     * ends at the response headers). An interrupt cancels the exchange and ends the task's wait. Only a GET without a
     * bearer token follows redirects (a download URL may): the JDK client would carry the token, or re-send a token
     * request's secrets, to wherever a redirect points.
     */
    private HttpResponse<byte[]> exchange(HttpRequest request) throws IOException {
        boolean mayFollow = request.method().equals("GET")
                && request.headers().firstValue("Authorization").isEmpty();
        HttpClient client = mayFollow ? followingRedirects : notFollowingRedirects;
        CompletableFuture<HttpResponse<byte[]>> response = client.sendAsync(request, BoundedBody.handler(maxBodyBytes));
        try {
            return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            throw new TaskStoppedException();
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new IOException("no complete answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof BoundedBody.TooLargeException tooLarge) {
                    throw tooLarge;
                }
            }
            throw e.getCause() instanceof IOException io
                    ? io
                    : new IOException(String.valueOf(e.getCause()), e.getCause());
        }
    }

    /**
     * A request to {@code url} accepting gzip (inflated within the limit by {@link BoundedBody}): HTTP/2 where TLS
     * negotiates it, HTTP/1.1 on plain http (no h2c upgrade: neither the simulator nor proxies in between need to
     * understand one). A URL that does not parse is reported without its credentials.
     */
    public static HttpRequest.Builder request(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new CxoneApiException(0, "not a URL: " + ConnectionUrls.redact(url));
        }
        return HttpRequest.newBuilder(uri)
                .header("Accept-Encoding", "gzip")
                .version(
                        "https".equalsIgnoreCase(uri.getScheme())
                                ? HttpClient.Version.HTTP_2
                                : HttpClient.Version.HTTP_1_1);
    }

    public static HttpRequest.Builder postJson(String url, Object value) {
        try {
            return request(url)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(value)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An {@code application/x-www-form-urlencoded} POST, as OAuth token endpoints take. */
    public static HttpRequest.Builder postForm(String url, Map<String, String> fields) {
        return request(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields)));
    }

    /** {@code url} with the query parameters appended, each name and value encoded. */
    public static String withQuery(String url, Map<String, String> params) {
        return url + (url.contains("?") ? "&" : "?") + encode(params);
    }

    private static String encode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Duration retryAfter(HttpResponse<?> response, Duration fallback) {
        try {
            return response.headers()
                    .firstValue("Retry-After")
                    .map(v -> Duration.ofSeconds(Long.parseLong(v.trim())))
                    .orElse(fallback);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String snippet(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        return body.length > 300 ? text + "..." : text;
    }

    static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskStoppedException();
        }
    }

    /** The largest body {@link #call} reads, and the largest content a parser may inflate from it. */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Stops the client's threads; the JDK client (no {@code close()} before Java 21) lets go of its connections when collected. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Thrown out of waits when the task is stopping; never reported as a failure. */
    public static final class TaskStoppedException extends RuntimeException {
        public TaskStoppedException() {
            super("task stopping", null, false, false);
        }
    }
}
