package io.cxone.kafka.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher contract of ./stack: {@code java -cp target/classes:<classpath.txt> CxoneSimulatorMain --port N}, probe /health. */
class CxoneSimulatorMainProcessTest {

    @Test
    void mainServesHealthOnTheGivenPortAndLogsWithoutSecrets(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String classpath = "target/classes:"
                + Files.readString(Path.of("target/classpath.txt")).trim();
        Path log = dir.resolve("simulator.log");
        Process process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-cp",
                        classpath,
                        CxoneSimulatorMain.class.getName(),
                        "--port",
                        Integer.toString(port),
                        "--client-secret",
                        "do-not-log-me"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            HttpResponse<String> health = awaitHealth(port, process);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        assertThat(output)
                .contains("CXone simulator listening on http://127.0.0.1:" + port)
                .doesNotContain("do-not-log-me");
    }

    private static HttpResponse<String> awaitHealth(int port, Process process)
            throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .build();
        Instant deadline = Instant.now().plusSeconds(40);
        while (true) {
            try {
                return client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException notYet) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new AssertionError(
                            "simulator process did not serve /health (alive=" + process.isAlive() + ")", notYet);
                }
                Thread.sleep(100);
            }
        }
    }
}
