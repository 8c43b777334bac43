package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.common.retry.Backoff;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Job manifests, from the pipeline reading the real simulator over HTTP: one per job, as the last record of the job's
 * last chunk (so in its transaction), or on its own when the last page was full; right after restarts at every chunk.
 */
class ManifestTest {

    private static final String REPORT = "manifest-report";
    private static CxoneSimulator simulator;
    private final ExportMetrics metrics = new ExportMetrics(null);
    private final CxoneHttp http = new CxoneHttp(
            Duration.ofSeconds(10),
            new RetryPolicy(3, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50))),
            1 << 20,
            metrics);

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
    void close() {
        http.close();
        metrics.close();
    }

    private static ExportSourceConfig config(int chunkSize, String manifestTopic) {
        Map<String, String> props = new HashMap<>();
        props.put(ExportSourceConfig.BASE_URL, simulator.baseUrl());
        props.put(ExportSourceConfig.CLIENT_ID, simulator.options().clientId());
        props.put(ExportSourceConfig.CLIENT_SECRET, simulator.options().clientSecret());
        props.put(ExportSourceConfig.REPORTS, REPORT);
        props.put(ExportSourceConfig.TOPIC, "rows");
        props.put(ExportSourceConfig.KEY_FIELD, "id");
        props.put(ExportSourceConfig.CHUNK_SIZE, Integer.toString(chunkSize));
        props.put(ExportSourceConfig.EXPORT_INTERVAL_MS, "3600000");
        props.put(ExportSourceConfig.MANIFEST_TOPIC, manifestTopic);
        return ExportConfigValidator.parseForStart(props);
    }

    private ChunkPipeline pipeline(ExportSourceConfig config, Optional<ExportOffset> committed) {
        return new ChunkPipeline(REPORT, ChunkReader.create(REPORT, config, http, metrics), config, metrics, committed);
    }

    /** Every record until the job is done (the next export is an hour away), restarting from each chunk's checkpoint. */
    private List<SourceRecord> exportWithRestarts(ExportSourceConfig config) {
        List<SourceRecord> records = new ArrayList<>();
        Optional<ExportOffset> committed = Optional.empty();
        for (Optional<ExportChunk> chunk = pipeline(config, committed).next();
                chunk.isPresent();
                chunk = pipeline(config, committed).next()) {
            List<SourceRecord> written = chunk.get().records();
            records.addAll(written);
            committed = Optional.of(
                    ExportOffset.fromMap(written.get(written.size() - 1).sourceOffset()));
        }
        return records;
    }

    @Test
    void theLastChunkCarriesTheManifestWhichAgreesWithTheRecordsAfterRestartsAtEveryChunk() {
        List<SourceRecord> records = exportWithRestarts(config(70, "manifests"));

        List<SourceRecord> manifests =
                records.stream().filter(r -> r.topic().equals("manifests")).toList();
        assertThat(manifests).hasSize(1);
        SourceRecord last = records.get(records.size() - 1);
        assertThat(last).as("the manifest closes the last chunk's transaction").isSameAs(manifests.get(0));
        List<SourceRecord> rows =
                records.stream().filter(r -> r.topic().equals("rows")).toList();
        assertThat(rows).hasSize(500);
        SourceRecord lastRow = rows.get(rows.size() - 1);
        assertThat(last.sourceOffset()).isEqualTo(lastRow.sourceOffset());

        Struct manifest = (Struct) last.value();
        assertThat(manifest.schema()).isEqualTo(Manifest.SCHEMA);
        assertThat(manifest.getInt64("rows")).isEqualTo(500L);
        assertThat(manifest.getInt32("chunks")).isEqualTo(8);
        assertThat(manifest.getInt64("first_chunk_offset")).isZero();
        assertThat(manifest.getInt64("last_chunk_offset")).isEqualTo(490L);
        assertThat(manifest.getString("topic")).isEqualTo("rows");
        assertThat(manifest.getString("api")).isEqualTo("records");
        assertThat(manifest.getString("source")).isEqualTo(REPORT);
        String job = manifest.getString("job");
        assertThat(manifest.<String>getArray("jobs")).containsExactly(job);
        assertThat(last.key()).isEqualTo("records/" + REPORT + "/" + job);
        assertThat(manifest.getString("digest_sha256")).isEqualTo(digestFromHeaders(rows));
        assertThat(metrics.sensors().value("manifests-total")).hasValue(1.0);
    }

    @Test
    void aFullLastPageIsFollowedByTheManifestOnItsOwn() {
        List<SourceRecord> records = exportWithRestarts(config(100, "manifests"));

        assertThat(records).hasSize(501);
        SourceRecord manifest = records.get(500);
        assertThat(manifest.topic()).isEqualTo("manifests");
        assertThat(((Struct) manifest.value()).getInt32("chunks")).isEqualTo(5);
        assertThat(((Struct) manifest.value()).getString("digest_sha256"))
                .isEqualTo(digestFromHeaders(records.subList(0, 500)));
        ExportOffset offset = ExportOffset.fromMap(manifest.sourceOffset());
        assertThat(offset.rowOffset()).isEqualTo(500);
        assertThat(offset.tally().manifestWritten()).isTrue();
    }

    @Test
    void noManifestsWhenTheTopicIsEmpty() {
        List<SourceRecord> records = exportWithRestarts(config(100, ""));
        assertThat(records).hasSize(500).allSatisfy(r -> assertThat(r.topic()).isEqualTo("rows"));
    }

    /** The window digest as anyone can recompute it from the records' chunk headers, in chunk order. */
    private static String digestFromHeaders(List<SourceRecord> rows) {
        String digest = "";
        long previousChunk = -1;
        for (SourceRecord row : rows) {
            long chunk = (Long) row.headers()
                    .lastWithName(ChunkPipeline.HEADER_CHUNK_OFFSET)
                    .value();
            if (chunk != previousChunk) {
                digest = JobTally.chain(digest, (String) row.headers()
                        .lastWithName(ChunkPipeline.HEADER_CHUNK_SHA256)
                        .value());
                previousChunk = chunk;
            }
        }
        return digest;
    }
}
