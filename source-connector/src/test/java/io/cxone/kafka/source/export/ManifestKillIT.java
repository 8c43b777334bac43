package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.testkit.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Test;

/**
 * A crash between a window's last chunk and its manifest: the Connect worker runs in its own JVM and is killed with
 * SIGKILL while its task is held ({@link HoldAtManifest}) at the first manifest record, after the window's last chunk
 * went to the producer and before the manifest did. What a read_committed reader then sees has every window either
 * whole with its manifest or, the window in flight, without its last chunk and without a manifest: never a committed
 * last chunk without its manifest. After a restart every window's records and manifest are there exactly once, and each
 * manifest's rows, chunks and digest match the records.
 */
class ManifestKillIT {

    private static final Path WORK = Path.of("target/it-services/manifest-kill").toAbsolutePath();

    @Test
    void aCrashAtTheManifestLeavesNoCommittedLastChunkWithoutItsManifest() throws Exception {
        String suffix = Long.toString(System.nanoTime(), 36);
        Path marker = WORK.resolve("held-" + suffix);
        ForkedWorker worker = new ForkedWorker(TestServices.kafkaBootstrapServers(), WORK, List.of(holdPlugin()));
        worker.start();
        try (CxoneSimulator sim = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .rowCount(WindowedExtraction.ROWS_PER_WINDOW)
                .jobRunningTime(Duration.ZERO)
                .throttleInterval(Duration.ZERO)
                .build())) {
            String name = "manifest-kill-" + suffix;
            String manifests = name + "-manifests";
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestServices.kafkaBootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(name, 1, (short) 1), new NewTopic(manifests, 1, (short) 1)))
                        .all()
                        .get();
            }
            WindowedExtraction export = new WindowedExtraction();
            List<String> windows = export.windows;
            Map<String, String> config = export.connector(sim, name, manifests, 0);
            config.put("transforms", "hold");
            config.put("transforms.hold.type", HoldAtManifest.class.getName());
            config.put("transforms.hold." + HoldAtManifest.MARKER_FILE, marker.toString());
            ConnectRest.send(
                    "PUT",
                    worker.restUrl() + "/connectors/" + name + "/config",
                    CxoneHttp.JSON.writeValueAsString(config));

            awaitFile(marker, Duration.ofMinutes(3));
            worker.kill();
            String heldWindow =
                    Files.readString(marker).substring(("data-extraction/" + WindowedExtraction.ENTITY + "/").length());
            assertThat(heldWindow).as("the manifest held is the first window's").isEqualTo(windows.get(0));

            // At the crash: the held window's last chunk was sent in the open transaction, its manifest not.
            Map<String, Window> atCrash = windows(CommittedRecords.read(name), CommittedRecords.read(manifests));
            assertThat(
                            atCrash.get(heldWindow) == null
                                    ? 0
                                    : atCrash.get(heldWindow).rows())
                    .as("rows of the window in flight committed at the crash")
                    .isLessThan(WindowedExtraction.ROWS_PER_WINDOW);
            atCrash.forEach((window, seen) -> {
                if (seen.manifests.isEmpty()) {
                    assertThat(seen.rows())
                            .as("window %s has no manifest, so its last chunk is not committed either", window)
                            .isLessThan(WindowedExtraction.ROWS_PER_WINDOW);
                } else {
                    seen.assertWholeAndReconciled(window);
                }
            });

            worker.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (CommittedRecords.read(manifests).size() < windows.size() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            ConnectRest.send("PUT", worker.restUrl() + "/connectors/" + name + "/stop", null);
            Map<String, Window> after = windows(CommittedRecords.read(name), CommittedRecords.read(manifests));
            assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(windows);
            after.forEach((window, seen) -> seen.assertWholeAndReconciled(window));
            ConnectRest.send("DELETE", worker.restUrl() + "/connectors/" + name, null);
        } finally {
            worker.stop();
        }
    }

    /** A plugin folder holding only {@link HoldAtManifest}, registered for Connect's service-loader discovery. */
    private static Path holdPlugin() throws Exception {
        Path plugins = WORK.resolve("hold-plugin");
        Path root = plugins.resolve("hold-at-manifest");
        String classFile = HoldAtManifest.class.getName().replace('.', '/') + ".class";
        Path target = root.resolve(classFile);
        Files.createDirectories(target.getParent());
        Files.copy(Path.of("target/test-classes").resolve(classFile), target, StandardCopyOption.REPLACE_EXISTING);
        Path services = root.resolve("META-INF/services/" + Transformation.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, HoldAtManifest.class.getName() + "\n");
        return plugins;
    }

    /** What a read_committed reader sees of one window: its records' keys and chunks, and its manifests. */
    private static final class Window {
        final List<String> keys = new ArrayList<>();
        /** Chunk offset → its SHA-256, in commit order. */
        final Map<String, String> chunks = new LinkedHashMap<>();

        final List<JsonNode> manifests = new ArrayList<>();

        int rows() {
            return keys.size();
        }

        /** Every row once, in three chunks, and exactly one manifest whose counts and digest match them. */
        void assertWholeAndReconciled(String window) {
            Set<String> distinct = new HashSet<>(keys);
            assertThat(keys).as("records of window %s", window).hasSize(WindowedExtraction.ROWS_PER_WINDOW);
            assertThat(distinct).as("distinct keys of window %s", window).hasSize(WindowedExtraction.ROWS_PER_WINDOW);
            assertThat(chunks.keySet()).as("chunks of window %s", window).containsExactly("0", "100", "200");
            assertThat(manifests).as("manifests of window %s", window).hasSize(1);
            JsonNode manifest = manifests.get(0);
            String digest = "";
            for (String sha : chunks.values()) {
                digest = JobTally.chain(digest, sha);
            }
            assertThat(manifest.path("rows").asLong())
                    .as("manifest rows of %s", window)
                    .isEqualTo(keys.size());
            assertThat(manifest.path("chunks").asInt())
                    .as("manifest chunks of %s", window)
                    .isEqualTo(chunks.size());
            assertThat(manifest.path("digest_sha256").asText())
                    .as("manifest digest of %s", window)
                    .isEqualTo(digest);
        }
    }

    private static Map<String, Window> windows(
            List<ConsumerRecord<byte[], byte[]>> records, List<ConsumerRecord<byte[], byte[]>> manifests)
            throws Exception {
        Map<String, Window> out = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Window window =
                    out.computeIfAbsent(CommittedRecords.header(r, ChunkPipeline.HEADER_JOB_ID), w -> new Window());
            window.keys.add(new String(r.key(), StandardCharsets.UTF_8));
            window.chunks.putIfAbsent(
                    CommittedRecords.header(r, ChunkPipeline.HEADER_CHUNK_OFFSET),
                    CommittedRecords.header(r, ChunkPipeline.HEADER_CHUNK_SHA256));
        }
        for (ConsumerRecord<byte[], byte[]> r : manifests) {
            JsonNode manifest = CxoneHttp.JSON.readTree(r.value());
            out.computeIfAbsent(manifest.path("job").asText(), w -> new Window())
                    .manifests
                    .add(manifest);
        }
        return out;
    }

    private static void awaitFile(Path file, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the task was not held at a manifest within " + atMost);
            }
            Thread.sleep(100);
        }
    }
}
