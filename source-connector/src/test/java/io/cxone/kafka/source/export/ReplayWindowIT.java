package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.testkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;

/**
 * Re-running one Data Extraction window through Connect's offsets REST API, exactly as docs/operations.md tells an
 * operator to (stop, {@code PATCH /connectors/{name}/offsets} with the checkpoint rewound to the start of the window,
 * resume): the window is exported again with a new manifest, the windows after it too, the ones before it not, and
 * every manifest matches the committed records of its pass (rows, chunks, digest over the chunk SHA-256s).
 */
class ReplayWindowIT {

    private final EmbeddedConnectCluster connect = TestServices.connect();

    @Test
    void aWindowRewoundThroughTheOffsetsApiIsExportedAgainWithANewManifestThatReconciles() throws Exception {
        try (CxoneSimulator sim = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .rowCount(WindowedExtraction.ROWS_PER_WINDOW)
                .jobRunningTime(Duration.ofMillis(100))
                .throttleInterval(Duration.ofMillis(500))
                .build())) {
            String name = "replay-" + Long.toString(System.nanoTime(), 36);
            String topic = name;
            String manifests = name + "-manifests";
            connect.kafka().createTopic(topic, 1);
            connect.kafka().createTopic(manifests, 1);
            WindowedExtraction export = new WindowedExtraction();
            List<String> windows = export.windows;
            Map<String, String> config = export.connector(sim, topic, manifests, 500);
            connect.configureConnector(name, config);
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> CommittedRecords.read(manifests).size() >= windows.size());

            // The recipe of docs/operations.md, "Re-run a window": rewind to the start of the middle window.
            String replayed = windows.get(1);
            String rest = connect.endpointForResource("connectors/" + name);
            ConnectRest.send("PUT", rest + "/stop", null);
            await().atMost(Duration.ofMinutes(1)).until(() -> ConnectRest.send("GET", rest + "/status", null)
                    .path("connector")
                    .path("state")
                    .asText()
                    .equals("STOPPED"));
            JsonNode before = ConnectRest.send("GET", rest + "/offsets", null);
            assertThat(before.path("offsets").get(0).path("offset").path("job").asText())
                    .as("the checkpoint before the rewind names the last window")
                    .isEqualTo(windows.get(2));
            ConnectRest.send(
                    "PATCH",
                    rest + "/offsets",
                    "{\"offsets\":[{\"partition\":{\"cxone.api\":\"data-extraction\",\"cxone.source\":\""
                            + WindowedExtraction.ENTITY
                            + "\"},\"offset\":{\"v\":1,\"job\":\"" + replayed
                            + "\",\"row_offset\":0,\"chunk_rows\":0}}]}");
            ConnectRest.send("PUT", rest + "/resume", null);

            // The rewound window and the one after it are exported again: two more manifests.
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> CommittedRecords.read(manifests).size() >= windows.size() + 2);
            ConnectRest.send("PUT", rest + "/stop", null);
            List<JsonNode> written = CommittedRecords.read(manifests).stream()
                    .map(r -> json(r.value()))
                    .toList();
            assertThat(written.stream().map(m -> m.path("job").asText()))
                    .as("manifests in commit order: every window once, then the rewound window and the ones after it")
                    .containsExactly(windows.get(0), windows.get(1), windows.get(2), windows.get(1), windows.get(2));

            Map<String, List<Pass>> passes = passesByWindow(CommittedRecords.read(topic));
            assertThat(passes.get(windows.get(0)))
                    .as("the window before the rewound one")
                    .hasSize(1);
            assertThat(passes.get(windows.get(1))).as("the rewound window").hasSize(2);
            assertThat(passes.get(windows.get(2)))
                    .as("the window after the rewound one")
                    .hasSize(2);
            assertThat(passes.get(replayed).get(1).keys)
                    .as("the replay wrote the rows of the first export, in the same order")
                    .isEqualTo(passes.get(replayed).get(0).keys);

            // Each manifest reconciles with the pass of its window it closed: rows, chunks, digest.
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (JsonNode manifest : written) {
                String window = manifest.path("job").asText();
                Pass pass = passes.get(window).get(seen.merge(window, 1, Integer::sum) - 1);
                assertThat(manifest.path("rows").asLong()).as(window).isEqualTo(pass.keys.size());
                assertThat(manifest.path("rows").asLong()).as(window).isEqualTo(WindowedExtraction.ROWS_PER_WINDOW);
                assertThat(manifest.path("chunks").asInt()).as(window).isEqualTo(pass.chunkShas.size());
                assertThat(manifest.path("digest_sha256").asText()).as(window).isEqualTo(pass.digest());
            }
            connect.deleteConnector(name);
        }
    }

    /** One export of a window: its records' keys and its chunks' SHA-256s, in commit order. */
    private static final class Pass {
        final List<String> keys = new ArrayList<>();
        final List<String> chunkShas = new ArrayList<>();

        String digest() {
            String digest = "";
            for (String sha : chunkShas) {
                digest = JobTally.chain(digest, sha);
            }
            return digest;
        }
    }

    /** Records grouped by window ({@code cxone.job.id}), then into passes: a pass starts where chunk offset 0 recurs. */
    private static Map<String, List<Pass>> passesByWindow(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, List<Pass>> out = new LinkedHashMap<>();
        String lastChunk = null;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String window = CommittedRecords.header(r, ChunkPipeline.HEADER_JOB_ID);
            String offset = CommittedRecords.header(r, ChunkPipeline.HEADER_CHUNK_OFFSET);
            String chunk = window + "@" + offset;
            List<Pass> passes = out.computeIfAbsent(window, w -> new ArrayList<>());
            if (!chunk.equals(lastChunk)) {
                if (offset.equals("0")) {
                    passes.add(new Pass());
                }
                passes.get(passes.size() - 1)
                        .chunkShas
                        .add(CommittedRecords.header(r, ChunkPipeline.HEADER_CHUNK_SHA256));
                lastChunk = chunk;
            }
            passes.get(passes.size() - 1).keys.add(new String(r.key(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static JsonNode json(byte[] value) {
        try {
            return CxoneHttp.JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
