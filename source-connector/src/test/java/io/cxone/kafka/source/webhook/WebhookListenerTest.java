package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.stack.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook task's listener on a real Jetty server (no Kafka: nothing here is accepted), spoken to over raw sockets:
 * what it does with requests it refuses, with callers that hold connections, and with requests Jetty itself refuses.
 */
class WebhookListenerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "listener-test-token";
    private final List<CxoneWebhookSourceTask> tasks = new ArrayList<>();

    @AfterEach
    void stop() {
        tasks.forEach(CxoneWebhookSourceTask::stop);
    }

    private int start(Map<String, String> settings) {
        Map<String, String> props = new HashMap<>();
        props.put(WebhookConfig.TOPIC, "events");
        props.put(WebhookConfig.BIND_ADDRESS, "127.0.0.1");
        props.put(WebhookConfig.PORT, "0");
        props.put(WebhookConfig.AUTH_MODE, "bearer");
        props.put(WebhookConfig.AUTH_BEARER_TOKEN, TOKEN);
        props.putAll(settings);
        CxoneWebhookSourceTask task = new CxoneWebhookSourceTask();
        task.start(props);
        tasks.add(task);
        return task.listenerPort();
    }

    /**
     * Requests refused on their headers, each declaring a 1 MiB body it never sends: the answer comes at once, with
     * Connection: close and the JSON reason, and the connection ends (the body was not read; it used to be read, up
     * to request.max.bytes, before the answer).
     */
    @Test
    void requestsRefusedOnTheirHeadersAreAnsweredWithoutReadingTheBody() throws Exception {
        int port = start(Map.of());
        String auth = "Authorization: Bearer " + TOKEN + "\r\n";
        Map<String, Integer> requests = Map.of(
                "POST /elsewhere HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\n", 404,
                "PUT " + WebhookConfig.DEFAULT_PATH + " HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\n",
                        405,
                "POST " + WebhookConfig.DEFAULT_PATH + " HTTP/1.1\r\nContent-Type: application/json\r\n", 401,
                "POST " + WebhookConfig.DEFAULT_PATH
                                + " HTTP/1.1\r\nAuthorization: Bearer wrong\r\nContent-Type: application/json\r\n",
                        403,
                "POST " + WebhookConfig.DEFAULT_PATH + " HTTP/1.1\r\n" + auth + "Content-Type: text/plain\r\n", 415);
        for (Map.Entry<String, Integer> request : requests.entrySet()) {
            String answer = exchange(port, request.getKey() + "Host: x\r\nContent-Length: 1048576\r\n\r\n");
            assertThat(answer)
                    .as(request.getKey())
                    .startsWith("HTTP/1.1 " + request.getValue())
                    .contains("Connection: close");
            assertThat(body(answer).get("status").asInt()).isEqualTo(request.getValue());
        }
    }

    /**
     * A refused request's small body that arrives after its headers is read and dropped: the answer is not lost to the
     * reset a close with unread bytes would cause, and the connection serves the next request.
     */
    @Test
    void aRefusedRequestsSmallBodyIsDroppedAndTheConnectionStaysUsable() throws Exception {
        int port = start(Map.of());
        String body = "{\"event_id\":\"e-1\"}";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            for (int i = 0; i < 3; i++) {
                send(
                        socket,
                        "POST " + WebhookConfig.DEFAULT_PATH + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n"
                                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n");
                Thread.sleep(100); // the body comes after the handler has refused the headers
                send(socket, body);
                String answer = readAnswer(socket.getInputStream());
                assertThat(answer).startsWith("HTTP/1.1 403").doesNotContain("Connection: close");
                assertThat(body(answer).get("status").asInt()).isEqualTo(403);
            }
        }
    }

    /** A body that does not arrive within request.body.timeout.ms answers 408 and closes the connection. */
    @Test
    void aBodyThatDoesNotArriveInTimeIsRefusedWith408() throws Exception {
        int port = start(Map.of(WebhookConfig.REQUEST_BODY_TIMEOUT_MS, "500"));
        String answer = exchange(
                port,
                "POST " + WebhookConfig.DEFAULT_PATH + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                        + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ev");
        assertThat(answer).startsWith("HTTP/1.1 408").contains("Connection: close");
        assertThat(body(answer).get("error").asText()).contains("request.body.timeout.ms=500");
    }

    /**
     * With listener.connections.max=2 and two connections open, a third is not served until one of them closes (it
     * waits in the accept queue); then it is.
     */
    @Test
    void connectionsBeyondTheLimitWaitUntilOneCloses() throws Exception {
        int port = start(Map.of(WebhookConfig.MAX_CONNECTIONS, "2"));
        String get = "GET " + WebhookConfig.DEFAULT_PATH + " HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Socket first = new Socket("127.0.0.1", port);
                Socket second = new Socket("127.0.0.1", port);
                Socket third = new Socket("127.0.0.1", port)) {
            for (Socket open : List.of(first, second)) { // both served, and kept open (keep-alive)
                send(open, get);
                assertThat(readAnswer(open.getInputStream())).startsWith("HTTP/1.1 405");
            }
            send(third, get);
            third.setSoTimeout(1_000);
            assertThatThrownBy(() -> third.getInputStream().read())
                    .as("the third connection is not served")
                    .isInstanceOf(SocketTimeoutException.class);
            first.close();
            third.setSoTimeout(10_000);
            assertThat(readAnswer(third.getInputStream())).startsWith("HTTP/1.1 405");
        }
    }

    /**
     * Requests Jetty refuses before the webhook sees them get the same JSON body as the webhook's own rejections: a
     * bad request line, an HTTP/2 request line on this HTTP/1.1 listener (426, which came with no body), an unknown
     * HTTP version, a URI and headers too large.
     */
    @Test
    void jettysOwnErrorsCarryAJsonReason() throws Exception {
        int port = start(Map.of());
        Map<String, Integer> requests = Map.of(
                "NOT A REQUEST LINE\r\n\r\n",
                400,
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                426,
                "POST " + WebhookConfig.DEFAULT_PATH + " HTTP/2.0\r\nHost: x\r\n\r\n",
                426,
                "GET / HTTP/3.7\r\nHost: x\r\n\r\n",
                505,
                "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                414,
                "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
                431);
        for (Map.Entry<String, Integer> request : requests.entrySet()) {
            String answer = exchange(port, request.getKey());
            String line =
                    request.getKey().substring(0, Math.min(40, request.getKey().length()));
            assertThat(answer)
                    .as(line)
                    .startsWith("HTTP/1.1 " + request.getValue())
                    .contains("Content-Type: application/json");
            JsonNode body = body(answer);
            assertThat(body.get("status").asInt()).as(line).isEqualTo(request.getValue());
            assertThat(body.get("error").asText()).as(line).isNotBlank();
        }
    }

    /**
     * Two tasks of one connector on one port (as on a worker that runs both, or two workers on one host): both start,
     * and health checks over new connections reach both, each naming itself. Once one stops, the other still answers
     * on the port.
     */
    @Test
    void tasksOfOneConnectorShareThePort() throws Exception {
        int port = Ports.freePort();
        Map<String, String> shared = Map.of(WebhookConfig.PORT, Integer.toString(port), "name", "wh-shared");
        start(withTask(shared, 0));
        start(withTask(shared, 1));
        assertThat(tasksAnsweringHealth(port, 40)).containsExactlyInAnyOrder(0, 1);

        tasks.remove(0).stop();
        assertThat(tasksAnsweringHealth(port, 10)).containsExactly(1);
    }

    /** The kernel would share a port with any listener that asks: a second connector of this worker is refused. */
    @Test
    void anotherConnectorCannotTakeAConnectorsPort() {
        int port = Ports.freePort();
        start(Map.of(WebhookConfig.PORT, Integer.toString(port), "name", "wh-first"));
        assertThatThrownBy(() -> start(Map.of(WebhookConfig.PORT, Integer.toString(port), "name", "wh-second")))
                .hasMessageContaining("port " + port + " is already the webhook port of connector 'wh-first'");
    }

    @Test
    void healthNeedsNoCredentialsAndAnswersOnlyGet() throws Exception {
        int port = start(Map.of("name", "wh-health"));
        String answer = exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200").contains("Cache-Control: no-store");
        assertThat(body(answer).toString()).isEqualTo("{\"status\":\"up\",\"connector\":\"wh-health\",\"task\":0}");
        assertThat(exchange(port, "POST /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 405")
                .contains("Allow: GET, HEAD");
    }

    private static Map<String, String> withTask(Map<String, String> settings, int index) {
        Map<String, String> props = new HashMap<>(settings);
        props.put(WebhookConfig.TASK_INDEX, Integer.toString(index));
        return props;
    }

    /** The task index each of {@code count} health checks reported, each over a connection of its own. */
    private static Set<Integer> tasksAnsweringHealth(int port, int count) throws IOException {
        Set<Integer> answered = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String answer = exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 200");
            answered.add(body(answer).get("task").asInt());
        }
        return answered;
    }

    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            send(socket, request);
            return BoundedBodyReaderTest.readUntilClosed(socket.getInputStream());
        }
    }

    private static void send(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** One answer with a Content-Length body, read without waiting for the connection to close. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static JsonNode body(String answer) throws IOException {
        return JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }
}
