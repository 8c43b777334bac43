package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.common.RejectionLog;
import io.cxone.kafka.common.metrics.PluginSensors;
import io.cxone.kafka.common.threads.PluginThreads;
import io.cxone.kafka.source.avro.AvroConnectMapping;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * {@link WebhookRequestHandler} on a real Jetty listener on a loopback port, with its collaborators made here: no
 * Kafka and no registry. The test stands in for the worker: it takes requests from the {@link IngestQueue} and
 * acknowledges their records with metadata of its own, as {@code commitRecord} would.
 */
class WebhookRequestHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "handler-test-token";
    private static final String TOPIC = "events";
    /** Guards against a request left unanswered; no assertion depends on it. */
    private static final long ANSWER_WAIT_SECONDS = 30;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger decodes = new AtomicInteger();
    /** The logging context of the thread that decoded last. */
    private final AtomicReference<String> decodedWithContext = new AtomicReference<>();
    /** Thrown by the next decode instead of decoding, when set. */
    private final AtomicReference<Throwable> nextDecodeFailure = new AtomicReference<>();

    private IngestQueue queue;
    private PluginSensors sensors;
    private WebhookListener listener;
    private String url;

    @AfterEach
    void stop() {
        MDC.clear();
        if (listener != null) {
            listener.stop();
        }
        sensors.close();
    }

    private void start(Map<String, String> settings) {
        Map<String, String> props = new HashMap<>(Map.of(
                WebhookConfig.TOPIC,
                TOPIC,
                WebhookConfig.BIND_ADDRESS,
                "127.0.0.1",
                WebhookConfig.PORT,
                "0",
                WebhookConfig.AUTH_MODE,
                "bearer",
                WebhookConfig.AUTH_BEARER_TOKEN,
                TOKEN,
                WebhookConfig.DEDUPE_WINDOW_MS,
                "600000"));
        props.putAll(settings);
        WebhookConfig config = new WebhookConfigValidator().parseValid(props);
        EventBodyDecoder decoder = new EventBodyDecoder(
                WebhookTestSupport.EVENT_SCHEMA, config.requestMaxEvents(), config.requestMaxDecodedBytes(), false);
        queue = new IngestQueue(config.queueMaxEvents());
        sensors = PluginSensors.of(null);
        WebhookMetrics metrics = new WebhookMetrics(sensors, queue::depth);
        RejectionLog rejections = new RejectionLog("webhook request");
        WebhookRequestHandler handler = new WebhookRequestHandler(
                config,
                new RequestAuthenticator(config, Clock.systemUTC()),
                (mediaType, body) -> {
                    decodes.incrementAndGet();
                    decodedWithContext.set(MDC.get(PluginThreads.CONNECTOR_CONTEXT));
                    Throwable failure = nextDecodeFailure.getAndSet(null);
                    if (failure instanceof Error error) {
                        throw error;
                    }
                    return decoder.decode(mediaType, body);
                },
                AvroConnectMapping.of(WebhookTestSupport.EVENT_SCHEMA),
                queue,
                new EventDeduplicator(config.dedupeWindow(), config.dedupeMaxEntries(), Clock.systemUTC()),
                null,
                metrics,
                rejections,
                Clock.systemUTC());
        listener = new WebhookListener(
                config,
                handler,
                new JsonErrorHandler(metrics, rejections),
                "handler-test",
                PluginThreads.daemon("handler-test-%d"));
        listener.start();
        url = "http://127.0.0.1:" + listener.port() + WebhookConfig.DEFAULT_PATH;
    }

    private CompletableFuture<HttpResponse<String>> post(String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(ANSWER_WAIT_SECONDS))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> postAuthorized(String body) {
        return post(body, "Authorization", "Bearer " + TOKEN);
    }

    private static String event(String id) {
        return "{\"event_id\":\"" + id + "\",\"timestamp\":1763000000000,\"action_type\":\"T\",\"metadata\":{}}";
    }

    /** What the worker does: takes the next queued request and acknowledges its records at offsets from {@code offset}. */
    private PendingRequest takeAndAcknowledge(long offset) throws InterruptedException {
        PendingRequest request = takeOne();
        acknowledge(request, offset);
        return request;
    }

    private PendingRequest takeOne() throws InterruptedException {
        List<PendingRequest> taken = queue.take(100, TimeUnit.SECONDS.toMillis(ANSWER_WAIT_SECONDS));
        assertThat(taken).hasSize(1);
        return taken.get(0);
    }

    private static void acknowledge(PendingRequest request, long offset) {
        for (WebhookRecord record : request.records()) {
            request.ack(
                    record.index(),
                    new RecordMetadata(
                            new TopicPartition(TOPIC, 0),
                            offset + record.index(),
                            0,
                            System.currentTimeMillis(),
                            0,
                            0));
        }
    }

    private static HttpResponse<String> answer(CompletableFuture<HttpResponse<String>> response) throws Exception {
        return response.get(ANSWER_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static JsonNode body(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    /** The 200 carries the place Kafka gave each event, so it cannot have been written before the acknowledgement. */
    @Test
    void answers200OnlyOnceTheQueuedEventsAreAcknowledged() throws Exception {
        start(Map.of());
        CompletableFuture<HttpResponse<String>> response =
                postAuthorized("[" + event("a-1") + "," + event("a-2") + "]");
        PendingRequest queued = takeOne();
        assertThat(queued.records()).hasSize(2);
        answer(post("{}", "Authorization", "Bearer wrong")); // a later exchange was answered meanwhile
        assertThat(response).as("no answer before Kafka acknowledged").isNotDone();

        acknowledge(queued, 40);
        HttpResponse<String> ok = answer(response);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode results = body(ok).get("results");
        assertThat(results.get(0).get("offset").asLong()).isEqualTo(40);
        assertThat(results.get(1).get("offset").asLong()).isEqualTo(41);
        assertThat(results.get(1).get("eventId").asText()).isEqualTo("a-2");
    }

    /** A request that does not fit the queue is refused whole, with Retry-After; nothing of it is queued. */
    @Test
    void aRequestThatDoesNotFitTheQueueIsRefusedWith429() throws Exception {
        start(Map.of(WebhookConfig.QUEUE_MAX_EVENTS, "1", WebhookConfig.REQUEST_MAX_EVENTS, "1"));
        CompletableFuture<HttpResponse<String>> first = postAuthorized(event("q-1"));
        PendingRequest queued = takeOne();

        HttpResponse<String> refused = answer(postAuthorized(event("q-2")));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(body(refused).get("error").asText()).contains("queue full");
        assertThat(queue.depth()).isEqualTo(1);

        acknowledge(queued, 0);
        assertThat(answer(first).statusCode()).isEqualTo(200);
    }

    /** Events the worker could not hand to Kafka answer 503 with Retry-After: the caller sends them again. */
    @Test
    void eventsKafkaDidNotTakeAnswer503() throws Exception {
        start(Map.of());
        CompletableFuture<HttpResponse<String>> response = postAuthorized(event("f-1"));
        takeOne().fail("the broker is unreachable");
        HttpResponse<String> unavailable = answer(response);
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(body(unavailable).get("error").asText()).contains("the broker is unreachable");
    }

    @Test
    void callersWithoutValidCredentialsAreRefusedBeforeTheBodyIsDecoded() throws Exception {
        start(Map.of());
        HttpResponse<String> missing = answer(post(event("x-1")));
        HttpResponse<String> wrong = answer(post(event("x-1"), "Authorization", "Bearer not-the-token"));

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(decodes).hasValue(0);
        assertThat(sensors.value("bytes-total")).hasValue(0);
        assertThat(sensors.value("requests-total", Map.of("status", "401"))).hasValue(1);
        assertThat(sensors.value("requests-total", Map.of("status", "403"))).hasValue(1);
    }

    /**
     * A caller still sending a body over request.max.bytes gets the 413, not a reset: the body is drained (up to
     * OVERSIZE_DRAIN_MAX_BYTES) before the answer, and the connection then closes.
     */
    @Test
    void aCallerSendingABodyOverTheLimitReadsThe413() throws Exception {
        start(Map.of(WebhookConfig.REQUEST_MAX_BYTES, "65536"));
        assertThat(postWholeBodyOverRawSocket("Bearer " + TOKEN, 7 * 1024 * 1024))
                .startsWith("HTTP/1.1 413")
                .containsIgnoringCase("connection: close")
                .contains("request.max.bytes");
        assertThat(decodes).hasValue(0);
    }

    /**
     * A caller with a wrong credential that is still sending a large body gets the 403, not a reset: the body is
     * drained before the answer (nothing of it decoded), and the connection then closes.
     */
    @Test
    void aCallerWithAWrongCredentialSendingALargeBodyReadsThe403() throws Exception {
        start(Map.of());
        assertThat(postWholeBodyOverRawSocket("Bearer " + TOKEN + "x", 7 * 1024 * 1024))
                .startsWith("HTTP/1.1 403")
                .containsIgnoringCase("connection: close")
                .contains("wrong bearer token");
        assertThat(decodes).hasValue(0);
    }

    /** Writes a whole body of {@code size} blanks in pieces, as a caller's client does, then reads the answer. */
    private String postWholeBodyOverRawSocket(String authorization, int size) throws Exception {
        byte[] body = new byte[size];
        java.util.Arrays.fill(body, (byte) ' ');
        try (java.net.Socket socket =
                new java.net.Socket("127.0.0.1", java.net.URI.create(url).getPort())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(ANSWER_WAIT_SECONDS));
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST " + WebhookConfig.DEFAULT_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                            + authorization + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int at = 0; at < body.length; at += 8192) {
                out.write(body, at, Math.min(8192, body.length - at));
            }
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBodyThatDoesNotDecodeIsRefusedWith400NamingTheProblem() throws Exception {
        start(Map.of());
        HttpResponse<String> refused = answer(postAuthorized("{\"event_id\":\"d-1\",\"timestamp\":\"not a number\"}"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(body(refused).get("error").asText()).contains("timestamp");
        assertThat(queue.depth()).isZero();
    }

    /** A caller's retry of an acknowledged event is answered with the first copy's place, and publishes nothing. */
    @Test
    void aDuplicateIdIsAnsweredWithTheOriginalPlaceWithoutASecondRecord() throws Exception {
        start(Map.of());
        CompletableFuture<HttpResponse<String>> first = postAuthorized(event("d-1"));
        takeAndAcknowledge(7);
        assertThat(answer(first).statusCode()).isEqualTo(200);

        HttpResponse<String> retry = answer(postAuthorized(event("d-1")));
        assertThat(retry.statusCode()).isEqualTo(200);
        JsonNode result = body(retry).get("results").get(0);
        assertThat(result.get("duplicate").asBoolean()).isTrue();
        assertThat(result.get("offset").asLong()).isEqualTo(7);
        assertThat(queue.take(100, 0)).as("nothing queued for the retry").isEmpty();
        assertThat(sensors.value("duplicates-total")).hasValue(1);
    }

    /** Even an Error thrown by a collaborator is that one request's 500; the listener goes on serving. */
    @Test
    void aThrowableFromACollaboratorIsA500AndTheListenerGoesOn() throws Exception {
        start(Map.of());
        nextDecodeFailure.set(new StackOverflowError("decoder blew up"));
        HttpResponse<String> failed = answer(postAuthorized(event("t-1")));
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(body(failed).get("error").asText()).contains("internal error");

        CompletableFuture<HttpResponse<String>> next = postAuthorized(event("t-2"));
        takeAndAcknowledge(0);
        assertThat(answer(next).statusCode()).isEqualTo(200);
    }

    /** Jetty's threads come from the factory made in start(), so what they log names the connector and task. */
    @Test
    void requestThreadsCarryTheTasksLoggingContext() throws Exception {
        MDC.put(PluginThreads.CONNECTOR_CONTEXT, "[webhook-test|task-0] ");
        start(Map.of());
        MDC.clear();
        CompletableFuture<HttpResponse<String>> response = postAuthorized(event("m-1"));
        takeAndAcknowledge(0);
        assertThat(answer(response).statusCode()).isEqualTo(200);
        assertThat(decodedWithContext).hasValue("[webhook-test|task-0] ");
    }
}
