package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.source.webhook.HostileRequests.Category;
import io.cxone.kafka.source.webhook.HostileRequests.Expect;
import io.cxone.kafka.source.webhook.HostileRequests.HostileRequest;
import io.cxone.kafka.source.webhook.HostileRequests.Target;
import io.cxone.kafka.testkit.TestServices;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The webhook listener under attack, on the real embedded worker whose heap is small (its own failsafe JVM, see the
 * module's pom): a seeded corpus of over a thousand hostile and malformed requests ({@link HostileRequests}) must
 * each get a 4xx with a JSON reason, or for protocol abuse a close, in bounded time; never a 5xx, never a hang, never
 * a record in the topic; the worker and tasks stay RUNNING, the heap after a GC stays near where it was, and a valid
 * event is accepted afterwards. A separate case holds hundreds of connections that declared a body and send none.
 *
 * <p>The seed is printed; {@code -Dwebhook.adversarial.seed=<seed>} replays the same corpus. To look into a failure,
 * {@code -Dwebhook.adversarial.categories=LENGTH_BOMB,CODEC} sends only those categories (the same cases as in the
 * whole corpus) and {@code -Dwebhook.adversarial.timeout.seconds} shortens the wait for an answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookAdversarialIT {

    private static final long SEED = Long.getLong("webhook.adversarial.seed", new SecureRandom().nextLong());
    private static final long MIB = 1024 * 1024;
    /** An answer slower than this is a hang: the fixed listener answers every case in milliseconds. */
    private static final Duration REQUEST_TIMEOUT =
            Duration.ofSeconds(Long.getLong("webhook.adversarial.timeout.seconds", 30));

    private static final Set<Category> CATEGORIES =
            categories(System.getProperty("webhook.adversarial.categories", ""));
    /** Slow bodies: the listener must end them by its body time limit, set short below. */
    private static final Duration SLOW_TIMEOUT = Duration.ofSeconds(45);

    private static final int HEADER_ONLY_CONNECTIONS = 300;

    /** Settings every adversarial listener shares: the corpus schema, and a short limit on slow bodies. */
    private static final Map<String, String> COMMON = Map.of(
            WebhookConfig.SCHEMA_INLINE,
            HostileRequests.SCHEMA.toString(),
            WebhookConfig.REQUEST_BODY_TIMEOUT_MS,
            "5000");

    private static final Map<Target, WebhookTestSupport.Webhook> WEBHOOKS = new EnumMap<>(Target.class);
    /** HTTP/1.1 only: a default client offers an h2c upgrade on every first request, which is not what a case sends. */
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** The last well-formed case per listener and what it got: printed with each resend, to find what closed it. */
    private static final Map<Integer, String> LAST_ON_PORT = new ConcurrentHashMap<>();

    private static final List<String> STALE_AFTER = new CopyOnWriteArrayList<>();
    private static final AtomicInteger STALE_CONNECTION_RETRIES = new AtomicInteger();

    @BeforeAll
    static void startListeners() throws Exception {
        System.out.printf(
                "webhook adversarial: seed %d (replay with -Dwebhook.adversarial.seed=%d), max heap %d MiB%n",
                SEED, SEED, Runtime.getRuntime().maxMemory() / MIB);
        WEBHOOKS.put(Target.OPEN, start("wh-adv-open", Map.of(WebhookConfig.AUTH_MODE, "none")));
        WEBHOOKS.put(
                Target.BASIC,
                start(
                        "wh-adv-basic",
                        Map.of(
                                WebhookConfig.AUTH_MODE,
                                "basic",
                                WebhookConfig.AUTH_BASIC_USERNAME,
                                HostileRequests.BASIC_USER,
                                WebhookConfig.AUTH_BASIC_PASSWORD,
                                HostileRequests.BASIC_PASSWORD)));
        // the header-only connections wait for their bodies on this one: long enough to measure them all open
        WEBHOOKS.put(
                Target.BEARER,
                start(
                        "wh-adv-bearer",
                        Map.of(
                                WebhookConfig.AUTH_MODE,
                                "bearer",
                                WebhookConfig.AUTH_BEARER_TOKEN,
                                HostileRequests.BEARER_TOKEN,
                                WebhookConfig.REQUEST_BODY_TIMEOUT_MS,
                                "120000",
                                WebhookConfig.MAX_CONNECTIONS,
                                Integer.toString(2 * HEADER_ONLY_CONNECTIONS))));
        WEBHOOKS.put(
                Target.HMAC,
                start(
                        "wh-adv-hmac",
                        Map.of(
                                WebhookConfig.AUTH_MODE,
                                "hmac-sha256",
                                WebhookConfig.AUTH_HMAC_SECRET,
                                HostileRequests.HMAC_SECRET,
                                WebhookConfig.AUTH_HMAC_TOLERANCE_SECONDS,
                                Integer.toString(HostileRequests.HMAC_TOLERANCE_SECONDS))));
    }

    private static WebhookTestSupport.Webhook start(String name, Map<String, String> settings)
            throws InterruptedException {
        Map<String, String> config = new HashMap<>(COMMON);
        config.putAll(settings);
        return WebhookTestSupport.start(name, config);
    }

    /**
     * Connections that send headers declaring a 1 MiB body and then nothing: two thirds authenticated (the listener
     * waits for the body), a third without credentials (refused). Memory must grow with bytes received, not with the
     * declared length: before the change each one held a 1 MiB buffer.
     */
    @Test
    @Order(1)
    void connectionsThatDeclareABodyAndSendNoneHoldNoMemory() throws Exception {
        WebhookTestSupport.Webhook bearer = WEBHOOKS.get(Target.BEARER);
        long before = heapAfterGc();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < HEADER_ONLY_CONNECTIONS; i++) {
                Socket socket = new Socket();
                sockets.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", bearer.port()), 10_000);
                String auth = i % 3 == 0 ? "" : "Authorization: Bearer " + HostileRequests.BEARER_TOKEN + "\r\n";
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + HostileRequests.PATH
                                + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/avro\r\n" + auth
                                + "Content-Length: " + MIB + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            // an answer on a connection opened after them all: the listener has taken up the ones before
            HttpResponse<String> after = CLIENT.send(
                    HttpRequest.newBuilder(URI.create(bearer.url()))
                            .GET()
                            .timeout(REQUEST_TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(405);
            long during = heapAfterGc();
            System.out.printf(
                    "webhook adversarial: %d header-only connections declaring %d bytes: heap after GC %d MiB before, "
                            + "%d MiB with them open (+%d MiB)%n",
                    HEADER_ONLY_CONNECTIONS, MIB, before / MIB, during / MIB, (during - before) / MIB);
            assertThat(during - before)
                    .as("heap held by %d connections that sent headers only", HEADER_ONLY_CONNECTIONS)
                    .isLessThan(32 * MIB);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    @Order(2)
    void everyHostileRequestIsRefusedAndTheWorkerStaysHealthy() throws Exception {
        HostileRequests corpus = new HostileRequests(SEED);
        long before = heapAfterGc();
        Map<Category, Map<String, Integer>> histogram = new EnumMap<>(Category.class);
        Map<String, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        ExecutorService slowSenders = Executors.newFixedThreadPool(16, r -> {
            Thread thread = new Thread(r, "adversarial-slow");
            thread.setDaemon(true);
            return thread;
        });
        List<Future<Result>> slow = new ArrayList<>();
        long started = System.nanoTime();
        int taken = 0;
        try {
            for (HostileRequest request : corpus) {
                if (!CATEGORIES.contains(request.category())) {
                    continue;
                }
                if (request.slow()) {
                    slow.add(slowSenders.submit(() -> send(request)));
                } else {
                    record(send(request), histogram, statuses, failures);
                }
                if (++taken % 200 == 0) { // progress, so a run that stalls shows where
                    System.out.printf(
                            "webhook adversarial: %d taken, %d s, statuses so far %s, %d failures%n",
                            taken,
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
                            statuses,
                            failures.size());
                }
            }
            for (Future<Result> result : slow) {
                record(result.get(SLOW_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS), histogram, statuses, failures);
            }
        } finally {
            slowSenders.shutdownNow();
        }
        long sentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        long after = heapAfterGc();

        Map<String, Integer> recordsByTopic = new TreeMap<>();
        for (WebhookTestSupport.Webhook webhook : WEBHOOKS.values()) {
            recordsByTopic.put(
                    webhook.topic(), WebhookTestSupport.readAll(webhook.topic()).size());
        }
        Map<String, String> states = new TreeMap<>();
        for (WebhookTestSupport.Webhook webhook : WEBHOOKS.values()) {
            states.put(webhook.name(), state(webhook.name()));
        }

        System.out.printf(
                "webhook adversarial: seed %d, %d requests in %d s; per category %s%n",
                SEED,
                statuses.values().stream().mapToInt(Integer::intValue).sum(),
                sentMillis / 1000,
                HostileRequests.counts());
        System.out.printf("webhook adversarial: statuses %s%n", statuses);
        System.out.printf(
                "webhook adversarial: %d requests resent on a fresh connection after a pooled one closed%n",
                STALE_CONNECTION_RETRIES.get());
        STALE_AFTER.forEach(line -> System.out.println("webhook adversarial: resent " + line));
        histogram.forEach((category, h) -> System.out.printf("webhook adversarial:   %-20s %s%n", category, h));
        System.out.printf(
                "webhook adversarial: heap after GC %d MiB before the corpus, %d MiB after (%+d MiB), max %d MiB; "
                        + "records in the topics %s; states %s; %d failures%n",
                before / MIB,
                after / MIB,
                (after - before) / MIB,
                Runtime.getRuntime().maxMemory() / MIB,
                recordsByTopic,
                states,
                failures.size());
        failures.stream().limit(40).forEach(f -> System.out.println("webhook adversarial: FAILED " + f));

        assertThat(failures)
                .as("hostile requests not refused with a 4xx and a JSON reason (seed %d)", SEED)
                .isEmpty();
        assertThat(recordsByTopic.values())
                .as("records of hostile requests in the topics")
                .containsOnly(0);
        assertThat(states.values())
                .as("connector and task states after the corpus")
                .containsOnly("RUNNING");
        assertThat(after - before)
                .as("heap after GC grew by %d MiB", (after - before) / MIB)
                .isLessThan(48 * MIB);

        // a valid event is still accepted, and lands, on every listener; a replayed HMAC request is refused
        for (Target target : Target.values()) {
            WebhookTestSupport.Webhook webhook = WEBHOOKS.get(target);
            byte[] body = HostileRequests.validJson("valid-after-" + target);
            long now = Instant.now().getEpochSecond();
            String[] auth = validAuth(target, body, now);
            HttpResponse<String> ok = WebhookTestSupport.post(CLIENT, webhook.url(), EventBodyDecoder.JSON, body, auth);
            assertThat(ok.statusCode()).as("%s: %s", target, ok.body()).isEqualTo(200);
            if (target == Target.HMAC) {
                HttpResponse<String> replay =
                        WebhookTestSupport.post(CLIENT, webhook.url(), EventBodyDecoder.JSON, body, auth);
                assertThat(replay.statusCode())
                        .as("replayed signature: %s", replay.body())
                        .isBetween(400, 499);
                assertThat(WebhookTestSupport.json(replay).path("error").asText())
                        .isNotBlank();
            }
            assertThat(WebhookTestSupport.readAll(webhook.topic()))
                    .as("%s topic", target)
                    .hasSize(1);
        }
        for (WebhookTestSupport.Webhook webhook : WEBHOOKS.values()) {
            assertThat(state(webhook.name())).as(webhook.name()).isEqualTo("RUNNING");
        }
    }

    private static Set<Category> categories(String names) {
        Set<Category> set = EnumSet.allOf(Category.class);
        if (!names.isBlank()) {
            set.clear();
            for (String name : names.split(",")) {
                set.add(Category.valueOf(name.trim()));
            }
        }
        return set;
    }

    /** What one request got, without its bytes (a thousand bodies are not kept in a small heap). */
    private record Result(String request, Category category, String outcome, String problem) {}

    private static void record(
            Result result,
            Map<Category, Map<String, Integer>> histogram,
            Map<String, Integer> statuses,
            List<String> failures) {
        histogram.computeIfAbsent(result.category, c -> new TreeMap<>()).merge(result.outcome, 1, Integer::sum);
        statuses.merge(result.outcome, 1, Integer::sum);
        if (result.problem != null) {
            failures.add(result.request + ": " + result.problem);
        }
    }

    private static Result send(HostileRequest request) {
        WebhookTestSupport.Webhook webhook = WEBHOOKS.get(request.target());
        RawHttpExchange.Outcome outcome;
        try {
            if (request.raw() != null) {
                outcome = RawHttpExchange.send(
                        new InetSocketAddress("127.0.0.1", webhook.port()),
                        request.raw(),
                        request.gapMillis(),
                        request.halfClose(),
                        request.slow() ? SLOW_TIMEOUT : REQUEST_TIMEOUT);
            } else {
                outcome = sendWellFormed(webhook, request);
            }
        } catch (Throwable e) { // an OutOfMemoryError here is the worker's heap too: report it with the case
            return new Result(request.toString(), request.category(), "client error", "client failed: " + e);
        }
        String label =
                switch (outcome.kind()) {
                    case ANSWERED -> Integer.toString(outcome.status());
                    case CLOSED -> "closed";
                    case TIMEOUT -> "timeout";
                };
        return new Result(request.toString(), request.category(), label, problem(request, outcome));
    }

    private static RawHttpExchange.Outcome sendWellFormed(WebhookTestSupport.Webhook webhook, HostileRequest request)
            throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + webhook.port() + request.path()))
                .timeout(REQUEST_TIMEOUT)
                .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
        List<String> headers = new ArrayList<>(request.headers());
        headers.addAll(List.of(hmacHeaders(request)));
        for (int i = 0; i < headers.size(); i += 2) {
            builder.header(headers.get(i), headers.get(i + 1));
        }
        RawHttpExchange.Outcome outcome = sendWellFormed(CLIENT, builder.build());
        String previous = LAST_ON_PORT.put(
                webhook.port(), request + " -> " + outcome.kind() + " " + outcome.status() + " " + outcome.detail());
        if (outcome.kind() == RawHttpExchange.Kind.CLOSED) {
            STALE_AFTER.add(request + " AFTER " + previous);
            // A pooled keep-alive connection can close between two requests while the client already writes the next
            // one on it (RFC 9112 9.3.1); a client cannot resend a POST on its own. Once more on a connection of its
            // own, to tell that race from a listener closing without an answer. The count is printed.
            STALE_CONNECTION_RETRIES.incrementAndGet();
            outcome = sendWellFormed(
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(10))
                            .build(),
                    builder.build());
        }
        return outcome;
    }

    private static RawHttpExchange.Outcome sendWellFormed(HttpClient client, HttpRequest httpRequest)
            throws InterruptedException {
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = client.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
            return new RawHttpExchange.Outcome(
                    RawHttpExchange.Kind.ANSWERED,
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null),
                    response.body(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    "connection: " + response.headers().firstValue("Connection").orElse("-"));
        } catch (HttpTimeoutException e) {
            return new RawHttpExchange.Outcome(
                    RawHttpExchange.Kind.TIMEOUT,
                    0,
                    null,
                    null,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    e.getMessage());
        } catch (IOException e) {
            return new RawHttpExchange.Outcome(
                    RawHttpExchange.Kind.CLOSED,
                    0,
                    null,
                    null,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    String.valueOf(e));
        }
    }

    /** Why the outcome is not an acceptable refusal, or null when it is. */
    private static String problem(HostileRequest request, RawHttpExchange.Outcome outcome) {
        switch (outcome.kind()) {
            case TIMEOUT:
                return "no answer and no close within " + (request.slow() ? SLOW_TIMEOUT : REQUEST_TIMEOUT).toSeconds()
                        + " s";
            case CLOSED:
                return request.expect() != Expect.REJECT_JSON
                        ? null
                        : "connection closed without an answer after " + outcome.millis() + " ms " + outcome.detail();
            default:
                break;
        }
        int status = outcome.status();
        boolean versionRefused = status == 505 && request.expect() == Expect.REJECT_VERSION_OR_CLOSE;
        if ((status < 400 || status > 499) && !versionRefused) {
            return "answered " + status + " after " + outcome.millis() + " ms: " + excerpt(outcome.body());
        }
        if (request.status() != 0 && status != request.status()) {
            return "answered " + status + ", expected " + request.status() + ": " + excerpt(outcome.body());
        }
        if ("HEAD".equals(request.method())) {
            return null; // no body in an answer to HEAD
        }
        String reason = reason(outcome);
        return reason == null || reason.isBlank()
                ? "answered " + status + " without a JSON reason: " + outcome.contentType() + " "
                        + excerpt(outcome.body())
                : null;
    }

    private static String reason(RawHttpExchange.Outcome outcome) {
        if (outcome.body() == null || outcome.body().length == 0) {
            return null;
        }
        try {
            JsonNode json = WebhookTestSupport.JSON.readTree(outcome.body());
            return json.path("error").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static String excerpt(byte[] body) {
        if (body == null) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return body.length > 160 ? text + "…" : text;
    }

    /** The HMAC headers a case asks for, signed now (the listener refuses times outside its tolerance). */
    private static String[] hmacHeaders(HostileRequest request) {
        long now = Instant.now().getEpochSecond();
        String secret = HostileRequests.HMAC_SECRET;
        long tolerance = HostileRequests.HMAC_TOLERANCE_SECONDS;
        byte[] body = request.body();
        return switch (request.auth()) {
            case NONE -> new String[0];
            case HMAC_OK -> signed(secret, now, body);
            case HMAC_EXPIRED -> signed(secret, now - tolerance - 120, body);
            case HMAC_FUTURE -> signed(secret, now + tolerance + 120, body);
            case HMAC_WRONG_SECRET -> signed(secret + "-wrong", now, body);
            case HMAC_OTHER_BODY -> signed(secret, now, "{\"other\":1}".getBytes(StandardCharsets.UTF_8));
            case HMAC_NO_SIGNATURE -> new String[] {"X-Cxone-Timestamp", Long.toString(now)};
            case HMAC_NO_TIMESTAMP ->
                new String[] {"X-Cxone-Signature", RequestAuthenticator.signature(secret, Long.toString(now), body)};
            case HMAC_NOT_HEX ->
                new String[] {"X-Cxone-Timestamp", Long.toString(now), "X-Cxone-Signature", "sha256=not-hex-at-all"};
        };
    }

    private static String[] signed(String secret, long epochSeconds, byte[] body) {
        String timestamp = Long.toString(epochSeconds);
        return new String[] {
            "X-Cxone-Timestamp",
            timestamp,
            "X-Cxone-Signature",
            "sha256=" + RequestAuthenticator.signature(secret, timestamp, body)
        };
    }

    private static String[] validAuth(Target target, byte[] body, long now) {
        return switch (target) {
            case OPEN -> new String[0];
            case BASIC ->
                new String[] {
                    "Authorization", HostileRequests.basic(HostileRequests.BASIC_USER, HostileRequests.BASIC_PASSWORD)
                };
            case BEARER -> new String[] {"Authorization", "Bearer " + HostileRequests.BEARER_TOKEN};
            case HMAC -> signed(HostileRequests.HMAC_SECRET, now, body);
        };
    }

    /** The connector's state, or the first of its tasks' states that is not RUNNING. */
    private static String state(String connector) {
        ConnectorStateInfo info = TestServices.connect().connectorStatus(connector);
        if (!"RUNNING".equals(info.connector().state())) {
            return "connector " + info.connector().state();
        }
        for (ConnectorStateInfo.TaskState task : info.tasks()) {
            if (!"RUNNING".equals(task.state())) {
                return "task " + task.id() + " " + task.state() + ": " + task.trace();
            }
        }
        return info.tasks().isEmpty() ? "no tasks" : "RUNNING";
    }

    /** Heap in use after full collections (System.gc() is a full collection with the JVM's default collector). */
    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
