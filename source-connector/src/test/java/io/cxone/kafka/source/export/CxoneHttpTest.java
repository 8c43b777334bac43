package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxone.kafka.common.retry.Backoff;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.http.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CxoneHttp on the JDK client against the real simulator over HTTP: answers over the size limit fail at once (declared,
 * streamed, or inflated from gzip), 429 waits for its Retry-After, 5xx and answers slower than the timeout are retried.
 */
class CxoneHttpTest {

    private static final long LIMIT = 8 * 1024;
    private static CxoneSimulator simulator;
    private final ExportMetrics metrics = new ExportMetrics(null);
    private CxoneHttp http;

    @BeforeAll
    static void start() {
        simulator = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .rowCount(2_000)
                .jobRunningTime(Duration.ZERO)
                .throttleInterval(Duration.ZERO)
                .build());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @AfterEach
    void reset() {
        simulator.clearFaults();
        simulator.requests().reset();
        if (http != null) {
            http.close();
        }
        metrics.close();
    }

    private CxoneHttp http(Duration timeout, long maxBodyBytes) {
        http = new CxoneHttp(
                timeout,
                new RetryPolicy(3, new Backoff(Duration.ofMillis(1), Duration.ofSeconds(5))),
                maxBodyBytes,
                metrics);
        return http;
    }

    private static ExportSourceConfig config(String api) {
        Map<String, String> props = new HashMap<>();
        props.put(ExportSourceConfig.API_FLAVOUR, api);
        props.put(ExportSourceConfig.BASE_URL, simulator.baseUrl());
        props.put(ExportSourceConfig.CLIENT_ID, simulator.options().clientId());
        props.put(ExportSourceConfig.CLIENT_SECRET, simulator.options().clientSecret());
        props.put(ExportSourceConfig.ACCESS_KEY_ID, simulator.options().accessKeyId());
        props.put(ExportSourceConfig.ACCESS_KEY_SECRET, simulator.options().accessKeySecret());
        props.put(ExportSourceConfig.REPORTS, "http-report");
        props.put(ExportSourceConfig.ENTITIES, "recording-interaction-metadata");
        props.put(
                ExportSourceConfig.START_DATE,
                LocalDate.now(ZoneOffset.UTC).minusDays(2).toString());
        props.put(ExportSourceConfig.LAG_MINUTES, "0");
        props.put(ExportSourceConfig.EXTRACTION_CALL_INTERVAL_MS, "0"); // the simulator here has no call limit
        props.put(ExportSourceConfig.TOPIC, "t");
        return new ExportSourceConfig(props);
    }

    private ChunkReader records(CxoneHttp http) {
        ChunkReader reader = ChunkReader.create("http-report", config("records"), http, metrics);
        assertThat(reader.startNext()).isTrue();
        return reader;
    }

    @Test
    void aPageOverTheLimitFailsAtOnceNamingTheSetting() {
        ChunkReader reader = records(http(Duration.ofSeconds(10), LIMIT));
        assertThat(reader.read(0, 10)).hasSize(10);

        assertThatThrownBy(() -> reader.read(0, 1_000))
                .isInstanceOf(CxoneApiException.class)
                .hasMessageContaining("(Content-Length) exceeds the limit of " + LIMIT + " bytes")
                .hasMessageContaining(ExportSourceConfig.RESPONSE_MAX_BYTES);
        assertThat(simulator.requests().count(Endpoint.EXPORT_RECORDS))
                .as("not retried")
                .isEqualTo(2);
        assertThat(metrics.sensors().value("retries-total")).hasValue(0);
    }

    @Test
    void aDownloadOverTheLimitFailsAsItStreamsOrAsItInflates() {
        CxoneHttp small = http(Duration.ofSeconds(10), LIMIT);
        assertThatThrownBy(() -> ChunkReader.create(
                                "recording-interaction-metadata", config("data-extraction"), small, metrics)
                        .startNext())
                .isInstanceOf(CxoneApiException.class)
                .hasMessageContaining("download of extraction job")
                .hasMessageContaining("answer exceeds the limit of " + LIMIT + " bytes"); // streamed: no Content-Length
        assertThat(simulator.requests().count(Endpoint.DOWNLOAD))
                .as("not retried")
                .isEqualTo(1);

        byte[] csv = "id,name\n1,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
                .repeat(1_000)
                .getBytes(StandardCharsets.UTF_8);
        byte[] gzipped = gzip(csv);
        assertThat(gzipped.length).isLessThan((int) LIMIT);
        assertThatThrownBy(() -> DataExtractionChunkReader.parseCsv(gzipped, LIMIT))
                .isInstanceOf(BoundedBody.TooLargeException.class)
                .hasMessageContaining("inflates to more than the limit of " + LIMIT + " bytes");
    }

    @Test
    void aThrottledCallWaitsForItsRetryAfterThenSucceeds() {
        ChunkReader reader = records(http(Duration.ofSeconds(10), 1 << 20));
        simulator.arm(FaultSpec.rateLimit(Endpoint.EXPORT_RECORDS, 1, 1));

        long started = System.nanoTime();
        assertThat(reader.read(0, 10)).hasSize(10);
        // The backoff alone would wait at most 1 ms: the second attempt came after the server's Retry-After.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(simulator.requests().count(Endpoint.EXPORT_RECORDS, 429)).isEqualTo(1);
        assertThat(simulator.requests().count(Endpoint.EXPORT_RECORDS, 200)).isEqualTo(1);
        assertThat(metrics.sensors().value("retries-total")).hasValue(1);
    }

    @Test
    void aLongRunOf429sIsWaitedOutWithoutCountingAsFailedAttempts() {
        ChunkReader reader = records(http(Duration.ofSeconds(10), 1 << 20)); // 3 attempts
        simulator.arm(FaultSpec.rateLimit(Endpoint.EXPORT_RECORDS, 0, 12));

        assertThat(reader.read(0, 10)).hasSize(10);
        assertThat(simulator.requests().count(Endpoint.EXPORT_RECORDS, 429)).isEqualTo(12);
        assertThat(metrics.sensors().value("retries-total")).hasValue(12);
    }

    @Test
    void aCallStillThrottledPastItsBudgetFails() {
        http = new CxoneHttp(
                Duration.ofSeconds(10),
                new RetryPolicy(1, new Backoff(Duration.ofMillis(1), Duration.ofMillis(100))),
                1 << 20,
                metrics);
        ChunkReader reader = records(http); // budget: 10 x 100 ms
        simulator.arm(FaultSpec.rateLimit(Endpoint.EXPORT_RECORDS, 1, 50));

        assertThatThrownBy(() -> reader.read(0, 10))
                .isInstanceOf(CxoneApiException.class)
                .hasMessageContaining("HTTP 429");
        assertThat(simulator.requests().count(Endpoint.EXPORT_RECORDS, 429))
                .as("Retry-After capped at 100 ms: ten waits, then the one attempt counts")
                .isBetween(10L, 12L);
    }

    @Test
    void serverErrorsAndAnswersSlowerThanTheTimeoutAreRetried() {
        ChunkReader reader = records(http(Duration.ofMillis(500), 1 << 20));
        simulator.arm(FaultSpec.serverError(Endpoint.EXPORT_RECORDS, 503, 1));
        simulator.arm(FaultSpec.delay(Endpoint.EXPORT_RECORDS, Duration.ofSeconds(3), 1));

        assertThat(reader.read(0, 10)).hasSize(10);
        assertThat(metrics.sensors().value("retries-total")).hasValue(2);
    }

    @Test
    void anExpiredTokenIsRefreshedOnceWithoutCountingAsAFailedAttempt() {
        ChunkReader reader = records(http(Duration.ofSeconds(10), 1 << 20));
        long tokens = simulator.requests().count(Endpoint.TOKEN);
        simulator.arm(FaultSpec.unauthorized(Endpoint.EXPORT_RECORDS, 1));

        assertThat(reader.read(0, 10)).hasSize(10);
        assertThat(simulator.requests().count(Endpoint.TOKEN)).isEqualTo(tokens + 1);
        assertThat(metrics.sensors().value("retries-total")).hasValue(0);
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
