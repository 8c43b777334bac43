package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.common.retry.Backoff;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.http.Endpoint;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the tenant's calls spaced, the next window's job is created, polled and its file downloaded on a thread of its
 * own while the reader hands this window's rows over, so the reader never waits for a call slot between windows.
 */
class DataExtractionPrefetchTest {

    private static final String ENTITY = "recording-interaction-metadata";

    @Test
    void theNextWindowsFileIsDownloadedWhileThisWindowsRowsGoOut() {
        LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(3);
        try (CxoneSimulator sim = CxoneSimulator.start(SimulatorOptions.builder()
                        .port(0)
                        .rowCount(30)
                        .jobRunningTime(Duration.ZERO)
                        .throttleInterval(Duration.ofMillis(200))
                        .build());
                CxoneHttp http = new CxoneHttp(
                        Duration.ofSeconds(10),
                        new RetryPolicy(3, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50))),
                        1 << 20,
                        new ExportMetrics(null))) {
            Map<String, String> props = new HashMap<>();
            props.put(ExportSourceConfig.API_FLAVOUR, "data-extraction");
            props.put(ExportSourceConfig.BASE_URL, sim.baseUrl());
            props.put(ExportSourceConfig.CLIENT_ID, sim.options().clientId());
            props.put(ExportSourceConfig.CLIENT_SECRET, sim.options().clientSecret());
            props.put(ExportSourceConfig.ACCESS_KEY_ID, sim.options().accessKeyId());
            props.put(ExportSourceConfig.ACCESS_KEY_SECRET, sim.options().accessKeySecret());
            props.put(ExportSourceConfig.ENTITIES, ENTITY);
            props.put(ExportSourceConfig.START_DATE, first.toString());
            props.put(ExportSourceConfig.LAG_MINUTES, "0");
            props.put(ExportSourceConfig.EXTRACTION_CALL_INTERVAL_MS, "200");
            props.put(ExportSourceConfig.TOPIC, "t");
            ChunkReader reader =
                    ChunkReader.create(ENTITY, new ExportSourceConfig(props), http, new ExportMetrics(null));
            try {
                assertThat(reader.startNext()).isTrue();
                assertThat(reader.read(0, 100)).hasSize(30);

                // Nothing more is asked of the reader (its rows are being handed over): the next file comes meanwhile.
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> sim.requests().count(Endpoint.DOWNLOAD, 200) == 2);
                assertThat(reader.startNext()).isTrue();
                assertThat(reader.currentJob()).isEqualTo(first.plusDays(1) + "/" + first.plusDays(2));
                assertThat(reader.read(0, 100)).hasSize(30);
                assertThat(sim.requests().count(Endpoint.JOB_CREATE, 429)
                                + sim.requests().count(Endpoint.JOB_STATUS, 429))
                        .as("calls spaced to the tenant's limit meet no 429")
                        .isZero();
            } finally {
                reader.close();
            }
        }
    }
}
