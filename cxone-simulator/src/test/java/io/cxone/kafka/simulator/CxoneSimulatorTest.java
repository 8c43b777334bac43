package io.cxone.kafka.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.http.Endpoint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Lifecycle, routing and the command line of the simulator. */
class CxoneSimulatorTest {

    @Test
    void startsOnAFreeLoopbackPortAnswersHealthAndStopsOnClose() {
        CxoneSimulator simulator = CxoneSimulator.start();
        SimClient client = new SimClient(simulator);
        try {
            assertThat(simulator.port()).isPositive();
            assertThat(simulator.baseUrl()).isEqualTo("http://127.0.0.1:" + simulator.port());

            HttpResponse<String> health = client.get("/health", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(SimClient.json(health).get("status").asText()).isEqualTo("UP");
        } finally {
            simulator.close();
        }
        assertThatThrownBy(() -> client.getBytes(simulator.baseUrl() + "/health"))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        try (CxoneSimulator simulator = CxoneSimulator.start()) {
            SimClient client = new SimClient(simulator);

            HttpResponse<String> missing = client.get("/api/v3/nothing", null);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(SimClient.json(missing).get("error").asText()).isEqualTo("not_found");

            // Route templates are literal: the dot of /.well-known is not a wildcard.
            assertThat(client.get("/Xwell-known/openid-configuration", null).statusCode())
                    .isEqualTo(404);

            HttpResponse<String> wrongMethod = client.get("/data-extraction/v1/jobs", null);
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        }
    }

    @Test
    void faultsInTheOptionsAreArmedBeforeTheFirstRequest() {
        SimulatorOptions options = SimulatorOptions.builder()
                .fault(FaultSpec.rateLimit(Endpoint.TOKEN, 9, 1))
                .build();
        try (CxoneSimulator simulator = CxoneSimulator.start(options)) {
            SimClient client = new SimClient(simulator);
            HttpResponse<String> first = client.postForm(
                    "/api/v2/oauth/token",
                    java.util.Map.of("grant_type", "client_credentials", "client_id", "x", "client_secret", "y"),
                    null);

            assertThat(first.statusCode()).isEqualTo(429);
            assertThat(first.headers().firstValue("Retry-After")).hasValue("9");
            assertThat(simulator.armedFaults()).isEmpty();
        }
    }

    @Test
    void secondSimulatorOnATakenPortFailsWithTheAddress() {
        try (CxoneSimulator first = CxoneSimulator.start()) {
            SimulatorOptions sameport =
                    SimulatorOptions.builder().port(first.port()).build();
            assertThatThrownBy(() -> CxoneSimulator.start(sameport))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port());
        }
    }

    @Test
    void commandLineDefaultsToPort8700AndReadsEveryOption(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        assertThat(CxoneSimulatorMain.parse(new String[0]).port()).isEqualTo(8700);

        Path faults = Files.writeString(dir.resolve("faults.json"), "[{\"type\":\"server-error\",\"status\":502}]");
        SimulatorOptions options = CxoneSimulatorMain.parse(new String[] {
            "--port",
            "0",
            "--seed",
            "9",
            "--rows",
            "5",
            "--row-shape",
            "id:string,n:long",
            "--client-id",
            "c",
            "--client-secret",
            "s",
            "--access-key-id",
            "k",
            "--access-key-secret",
            "ks",
            "--tenant-id",
            "t",
            "--token-ttl-seconds",
            "60",
            "--job-running-ms",
            "0",
            "--url-validity-seconds",
            "5",
            "--throttle-seconds",
            "0",
            "--max-window-days",
            "3",
            "--gzip",
            "--reporting-backlog",
            "50",
            "--reporting-spacing-ms",
            "250",
            "--reporting-update-share",
            "0.5",
            "--reporting-lag-seconds",
            "30",
            "--reporting-call-ms",
            "100",
            "--faults",
            faults.toString()
        });

        assertThat(options.port()).isZero();
        assertThat(options.seed()).isEqualTo(9);
        assertThat(options.rowCount()).isEqualTo(5);
        assertThat(options.rowShape()).extracting(Object::toString).containsExactly("id:string", "n:long");
        assertThat(options.clientId()).isEqualTo("c");
        assertThat(options.accessKeySecret()).isEqualTo("ks");
        assertThat(options.tenantId()).isEqualTo("t");
        assertThat(options.tokenLifetime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.jobRunningTime()).isZero();
        assertThat(options.downloadUrlValidity()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.throttleInterval()).isZero();
        assertThat(options.maxWindowDays()).isEqualTo(3);
        assertThat(options.gzipDownloads()).isTrue();
        assertThat(options.reporting().backlog()).isEqualTo(50);
        assertThat(options.reporting().spacing()).isEqualTo(Duration.ofMillis(250));
        assertThat(options.reporting().updateShare()).isEqualTo(0.5);
        assertThat(options.reporting().lag()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.reporting().callInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(options.faults()).singleElement().satisfies(f -> assertThat(f.status())
                .isEqualTo(502));
        assertThat(options.toString()).doesNotContain("ks").doesNotContain("client-secret");
    }

    @Test
    void badCommandLineNamesTheOption() {
        assertThatThrownBy(() -> CxoneSimulatorMain.parse(new String[] {"--port", "http"}))
                .hasMessageContaining("--port")
                .hasMessageContaining("http");
        assertThatThrownBy(() -> CxoneSimulatorMain.parse(new String[] {"--rows"}))
                .hasMessageContaining("--rows needs a value");
        assertThatThrownBy(() -> CxoneSimulatorMain.parse(new String[] {"--colour", "red"}))
                .hasMessageContaining("--colour");
        assertThatThrownBy(() -> CxoneSimulatorMain.parse(new String[] {"--faults", "/nonexistent/faults.json"}))
                .hasMessageContaining("--faults");
        assertThatThrownBy(() -> CxoneSimulatorMain.parse(new String[] {"--reporting-update-share", "1.5"}))
                .hasMessageContaining("--reporting-update-share")
                .hasMessageContaining("0..1");
    }
}
