package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.stack.Topology;
import io.cxone.kafka.testkit.StackCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An export on a group of two Connect workers ({@code ./stack up --workers 2}, on free ports, by the stack's own
 * classes): the worker running the export task is killed with SIGKILL mid-export and not brought back. The group moves
 * the task to the survivor, which must go on from the last committed chunk of the same export job: under
 * read_committed every row exactly once, every chunk whole with its SHA-256 right, one job, and the first chunk after
 * the kill starts where the committed rows ended (not at 0).
 */
class ExportWorkerLossIT {

    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void exportTaskMovesToTheSurvivorAndResumesFromItsCommittedChunk() throws Exception {
        Path work = Path.of("target/it-services/export-loss-" + Long.toString(System.nanoTime(), 36))
                .toAbsolutePath();
        Map<String, String> workerSettings = new java.util.HashMap<>(StackCluster.QUICK_FAILOVER);
        workerSettings.put("offset.flush.interval.ms", "1000");
        try (StackCluster cluster = StackCluster.start(CHECKOUT, work, new Topology(1, 2), workerSettings)) {
            String suffix = Long.toString(System.nanoTime(), 36);
            String connector = "export-loss-" + suffix;
            TaskHostKiller killer = new TaskHostKiller(cluster, connector, false);
            ExportKillRun.Settings settings = new ExportKillRun.Settings(
                    cluster.bootstrapServers(),
                    connector,
                    "export-loss-" + suffix,
                    List.of("loss-report"),
                    3000,
                    200,
                    1,
                    Duration.ofMillis(100),
                    4242L,
                    1);
            ExportKillRun.Result result = new ExportKillRun(settings, killer).run();
            System.err.println("export-loss: " + result.line() + " " + result.checks() + " killed=" + killer.killed()
                    + " committed_at_kill=" + result.committedAtKills() + " next_chunk_offset="
                    + result.chunkOffsetsAfterKills());

            assertThat(result.kills()).as("worker JVMs killed").isEqualTo(1);
            assertThat(result.committed()).isEqualTo(result.expected());
            assertThat(result.lost()).isZero();
            assertThat(result.dup()).isZero();
            assertThat(result.brokenChunks()).isZero();
            assertThat(result.badChecksums()).isZero();
            // resumed, not restarted: the one export job of the report, and the first chunk committed after the kill
            // begins at the row after the last committed one
            assertThat(result.jobsCreated()).as("export jobs created").isEqualTo(1);
            long committedAtKill = result.committedAtKills().get(0);
            assertThat(committedAtKill).as("rows committed before the kill").isPositive();
            assertThat(result.chunkOffsetsAfterKills())
                    .as("chunk offset of the first record committed after the kill")
                    .containsExactly(committedAtKill);
        }
    }
}
