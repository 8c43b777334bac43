package io.cxone.kafka.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.bridge.frame.FrameChecksum;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client on the JDK's HttpClient: it reads the response body as it arrives (a streaming body,
 * parsed as an event stream: fields, comments, events at blank lines), or does not read it at all until resumed, as a
 * slow client. Closing it drops the connection mid-stream.
 */
final class SseTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One dispatched event: the id it set (null: none), its data lines joined by LF. */
    record Event(String id, String data) {}

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
    final CountDownLatch ended = new CountDownLatch(1);
    /** The retry: of the stream, -1 until it came. */
    volatile long retry = -1;
    /** The last event id, as an EventSource keeps it for its reconnect. */
    volatile String lastEventId;

    private final HttpResponse<InputStream> response;
    private volatile Thread reader;

    private SseTestClient(HttpResponse<InputStream> response) {
        this.response = response;
    }

    static HttpRequest.Builder request(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        return request;
    }

    /** Opens a stream; fails unless it starts (200, text/event-stream). */
    static SseTestClient open(URI uri, Map<String, String> headers, boolean paused) throws Exception {
        HttpResponse<InputStream> response =
                HTTP.send(request(uri, headers).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            throw new AssertionError("stream refused: " + response.statusCode() + " " + body);
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            throw new AssertionError("not an event stream: " + response.headers());
        }
        SseTestClient client = new SseTestClient(response);
        if (!paused) {
            client.resume();
        }
        return client;
    }

    /** An answer that is not a stream: its status and body. */
    record Answer(int status, String body) {}

    /** The answer to a request that is not to start a stream (fails on a stream that started). */
    static Answer refused(URI uri, Map<String, String> headers) throws Exception {
        HttpResponse<InputStream> response =
                HTTP.send(request(uri, headers).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 200) {
            response.body().close();
            throw new AssertionError("stream started: " + uri);
        }
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Answer(response.statusCode(), body);
    }

    static HttpResponse<String> post(URI uri, Map<String, String> headers) throws Exception {
        return HTTP.send(
                request(uri, headers).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Starts reading the stream (a paused client has read nothing so far). */
    synchronized void resume() {
        if (reader != null) {
            return;
        }
        reader = new Thread(this::read, "sse-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            StringBuilder data = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (id != null) {
                        lastEventId = id;
                    }
                    if (data != null) {
                        events.add(new Event(id, data.toString()));
                    }
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(line);
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "data" ->
                            data = data == null
                                    ? new StringBuilder(value)
                                    : data.append('\n').append(value);
                        case "id" -> id = value;
                        case "retry" -> retry = Long.parseLong(value);
                        default -> throw new AssertionError("unexpected field: " + line);
                    }
                }
            }
        } catch (IOException e) {
            // closed by the test, or the connection dropped: the stream has ended either way
        } finally {
            ended.countDown();
        }
    }

    /** The next event; fails on timeout. */
    Event nextEvent(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event within " + timeout + (ended.getCount() == 0 ? " (stream ended)" : ""));
        }
        return event;
    }

    /** The next event's data as JSON, after checking that it is a frame whose checksum matches. */
    JsonNode next(Duration timeout) throws InterruptedException {
        return frame(nextEvent(timeout));
    }

    static JsonNode frame(Event event) {
        if (!FrameChecksum.verify(event.data())) {
            throw new AssertionError("checksum mismatch: " + event.data());
        }
        try {
            return JSON.readTree(event.data());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the server ended the stream (after the events before it were read). */
    void awaitEnded(Duration timeout) throws InterruptedException {
        if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("stream not ended within " + timeout);
        }
    }

    /** Drops the connection, wherever the stream is. */
    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
