package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxone.kafka.common.retry.Backoff;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.http.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A job CXone no longer knows (expired, or forgotten by a restart) at resume and mid-export: the pipeline, reading
 * from the real simulator over HTTP, starts a new job for the same report and continues at the committed row after
 * re-checking the boundary chunk under the new job. Kafka plays no part here (see ExportConnectorIT for that).
 */
class JobRenewalTest {

    private static final String REPORT = "renewal-report";
    private static CxoneSimulator simulator;
    private final CxoneHttp http = new CxoneHttp(
            Duration.ofSeconds(10),
            new RetryPolicy(3, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50))),
            1 << 20,
            new ExportMetrics(null));

    @BeforeAll
    static void start() {
        simulator = CxoneSimulator.start(
                SimulatorOptions.builder().port(0).rowCount(500).build());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @AfterEach
    void reset() {
        simulator.clearFaults();
        http.close();
    }

    private static ExportSourceConfig config(String checksumPolicy) {
        Map<String, String> props = new HashMap<>();
        props.put(ExportSourceConfig.API_FLAVOUR, "records");
        props.put(ExportSourceConfig.BASE_URL, simulator.baseUrl());
        props.put(ExportSourceConfig.CLIENT_ID, simulator.options().clientId());
        props.put(ExportSourceConfig.CLIENT_SECRET, simulator.options().clientSecret());
        props.put(ExportSourceConfig.REPORTS, REPORT);
        props.put(ExportSourceConfig.TASK_SOURCES, REPORT);
        props.put(ExportSourceConfig.TOPIC, "t");
        props.put(ExportSourceConfig.KEY_FIELD, "id");
        props.put(ExportSourceConfig.CHUNK_SIZE, "100");
        props.put(ExportSourceConfig.EXPORT_INTERVAL_MS, "3600000");
        props.put(ExportSourceConfig.CHECKSUM_MISMATCH_POLICY, checksumPolicy);
        props.put(ExportSourceConfig.MANIFEST_TOPIC, ""); // ManifestTest covers them
        return new ExportSourceConfig(props);
    }

    private ChunkPipeline pipeline(String checksumPolicy, ExportOffset committed) {
        ExportSourceConfig config = config(checksumPolicy);
        return new ChunkPipeline(
                REPORT,
                ChunkReader.create(REPORT, config, http, new ExportMetrics(null)),
                config,
                new ExportMetrics(null),
                Optional.ofNullable(committed));
    }

    /** Chunks until the export job is done (the next export is an hour away). */
    private static List<ExportChunk> drain(ChunkPipeline pipeline) {
        List<ExportChunk> chunks = new ArrayList<>();
        for (Optional<ExportChunk> chunk = pipeline.next(); chunk.isPresent(); chunk = pipeline.next()) {
            chunks.add(chunk.get());
        }
        return chunks;
    }

    private static List<String> ids(List<ExportChunk> chunks) {
        return chunks.stream()
                .flatMap(c -> c.records().stream())
                .map(r -> ((Struct) r.value()).get("id").toString())
                .toList();
    }

    private static ExportOffset offsetOf(ExportChunk chunk) {
        SourceRecord last = chunk.records().get(chunk.records().size() - 1);
        return ExportOffset.fromMap(last.sourceOffset());
    }

    /** The first {@code chunks} chunks of a fresh export, and the offset committed with the last of them. */
    private ExportOffset exportPartWay(int chunks) {
        ChunkPipeline first = pipeline("fail", null);
        ExportChunk chunk = null;
        for (int i = 0; i < chunks; i++) {
            chunk = first.next().orElseThrow();
        }
        return offsetOf(chunk);
    }

    @Test
    void resumeWithAForgottenJobContinuesAtTheCommittedRowUnderANewJob() {
        List<String> all = ids(drain(pipeline("fail", null)));
        ExportOffset committed = exportPartWay(2);
        simulator.arm(FaultSpec.forgetJobs());

        List<ExportChunk> rest = drain(pipeline("fail", committed));

        assertThat(ids(rest)).as("rows 200-499, nothing again, nothing lost").isEqualTo(all.subList(200, 500));
        ExportOffset last = offsetOf(rest.get(rest.size() - 1));
        assertThat(last.job()).as("the offset names the new job").isNotEqualTo(committed.job());
        assertThat(rest).allMatch(c -> c.job().equals(last.job()));
        assertThat(last.rowOffset()).isEqualTo(500);
    }

    @Test
    void aJobForgottenMidExportIsReplacedAndTheExportContinues() {
        ChunkPipeline pipeline = pipeline("fail", null);
        List<ExportChunk> chunks = new ArrayList<>(
                List.of(pipeline.next().orElseThrow(), pipeline.next().orElseThrow()));
        simulator.arm(FaultSpec.jobNotFound(Endpoint.EXPORT_RECORDS, 1));
        chunks.addAll(drain(pipeline));

        assertThat(ids(chunks)).hasSize(500).doesNotHaveDuplicates();
        assertThat(chunks).extracting(ExportChunk::startRow).containsExactly(0L, 100L, 200L, 300L, 400L);
        assertThat(chunks.get(2).job()).isNotEqualTo(chunks.get(1).job());
    }

    @Test
    void aFinishedJobIsNotReadAgainSoItsExpiryWhileTheNextExportIsNotDueChangesNothing() {
        ChunkPipeline pipeline = pipeline("fail", null);
        assertThat(drain(pipeline)).hasSize(5);
        long reads = simulator.requests().count(Endpoint.EXPORT_RECORDS);
        long created = simulator.requests().count(Endpoint.EXPORT_CREATE);
        simulator.arm(FaultSpec.forgetJobs());

        assertThat(pipeline.next()).as("the next export is an hour away").isEmpty();
        assertThat(simulator.requests().count(Endpoint.EXPORT_RECORDS)).isEqualTo(reads);
        assertThat(simulator.requests().count(Endpoint.EXPORT_CREATE)).isEqualTo(created);
    }

    @Test
    void changedDataUnderTheNewJobFollowsTheChecksumMismatchPolicy() {
        ExportOffset committed = exportPartWay(1);
        simulator.arm(FaultSpec.forgetJobs());
        simulator.arm(FaultSpec.differentRows(Endpoint.EXPORT_RECORDS, 1));
        assertThatThrownBy(() -> pipeline("fail", committed).next())
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("Checksum mismatch")
                .hasMessageContaining("re-read from new job")
                .hasMessageContaining("checksum.mismatch.policy=fail");

        simulator.arm(FaultSpec.forgetJobs());
        simulator.arm(FaultSpec.differentRows(Endpoint.EXPORT_RECORDS, 1));
        List<ExportChunk> rest = drain(pipeline("warn", committed));
        assertThat(rest).extracting(ExportChunk::startRow).containsExactly(100L, 200L, 300L, 400L);
    }

    @Test
    void aNewJobThatIsUnknownAtOnceFailsClearlyInsteadOfLooping() {
        ExportOffset committed = exportPartWay(1);
        simulator.arm(FaultSpec.jobNotFound(Endpoint.EXPORT_RECORDS, 3));
        int created = (int) simulator.requests().count(Endpoint.EXPORT_CREATE, 201);

        assertThatThrownBy(() -> pipeline("fail", committed).next())
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("does not know " + REPORT + " job")
                .hasMessageContaining("either")
                .hasMessageContaining(ExportSourceConfig.BASE_URL);
        assertThat(simulator.requests().count(Endpoint.EXPORT_CREATE, 201))
                .as("one new job, not more")
                .isEqualTo(created + 1);
    }

    /** Data Extraction: a checkpoint names a window, so a resume always creates a job; a job forgotten while polled is replaced. */
    @Test
    void anExtractionJobForgottenWhilePolledIsReplacedOnceForTheSameWindow() {
        try (CxoneSimulator sim = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .rowCount(50)
                .jobRunningTime(Duration.ZERO)
                .throttleInterval(Duration.ZERO)
                .build())) {
            Map<String, String> props = new HashMap<>();
            props.put(ExportSourceConfig.API_FLAVOUR, "data-extraction");
            props.put(ExportSourceConfig.BASE_URL, sim.baseUrl());
            props.put(ExportSourceConfig.CLIENT_ID, sim.options().clientId());
            props.put(ExportSourceConfig.CLIENT_SECRET, sim.options().clientSecret());
            props.put(ExportSourceConfig.ACCESS_KEY_ID, sim.options().accessKeyId());
            props.put(ExportSourceConfig.ACCESS_KEY_SECRET, sim.options().accessKeySecret());
            props.put(ExportSourceConfig.ENTITIES, "recording-interaction-metadata");
            props.put(ExportSourceConfig.START_DATE, "2026-01-01");
            props.put(ExportSourceConfig.LAG_MINUTES, "0");
            props.put(ExportSourceConfig.EXTRACTION_CALL_INTERVAL_MS, "0"); // the simulator here has no call limit
            props.put(ExportSourceConfig.TOPIC, "t");
            ExportSourceConfig config = new ExportSourceConfig(props);

            sim.arm(FaultSpec.jobNotFound(Endpoint.JOB_STATUS, 1));
            ChunkReader reader =
                    ChunkReader.create("recording-interaction-metadata", config, http, new ExportMetrics(null));
            assertThat(reader.startNext()).isTrue();
            assertThat(reader.read(0, 100)).hasSize(50);
            assertThat(sim.requests().count(Endpoint.JOB_CREATE, 202))
                    .as("the forgotten job and its replacement")
                    .isEqualTo(2);

            sim.arm(FaultSpec.jobNotFound(Endpoint.JOB_STATUS, 2));
            assertThatThrownBy(reader::restart)
                    .isInstanceOf(CxoneApiException.class)
                    .hasMessageContaining("does not know extraction job")
                    .hasMessageContaining("either");
            assertThat(sim.requests().count(Endpoint.JOB_CREATE, 202))
                    .as("one replacement, not more")
                    .isEqualTo(4);
        }
    }
}
