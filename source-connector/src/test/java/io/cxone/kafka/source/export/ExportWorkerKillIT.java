package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.testkit.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The export across worker restarts as they happen in production: the Connect worker runs in its own JVM (so each
 * restart is a new JVM, with its own hash salt) and is killed with SIGKILL several times during one export, once or
 * more while a chunk's transaction is open. The worker runs the packaged plugin from {@code target/plugin} on the test
 * broker, as {@code ./stack} runs it.
 */
class ExportWorkerKillIT {

    private static final Path WORK = Path.of("target/it-services/export-kill").toAbsolutePath();

    @Test
    void everyRowExactlyOnceAndEveryChunkWholeAcrossSigkilledWorkerJvms() throws Exception {
        String bootstrap = TestServices.kafkaBootstrapServers();
        ForkedWorker worker = new ForkedWorker(bootstrap, WORK, List.of());
        worker.start();
        try {
            String suffix = Long.toString(System.nanoTime(), 36);
            ExportKillRun.Settings settings = new ExportKillRun.Settings(
                    bootstrap,
                    "export-kill-" + suffix,
                    "export-kill-" + suffix,
                    List.of("kill-report-1", "kill-report-2"),
                    3000,
                    250,
                    4,
                    Duration.ofMillis(150),
                    12345L,
                    1);
            ExportKillRun.Result result = new ExportKillRun(settings, worker).run();
            System.err.println("export-kill: " + result.line() + " " + result.checks());
            assertThat(result.kills()).as("worker JVMs killed").isEqualTo(4);
            assertThat(result.killsInOpenTransaction())
                    .as("kills while a chunk's transaction was open")
                    .isGreaterThanOrEqualTo(1);
            assertThat(result.committed()).isEqualTo(result.expected());
            assertThat(result.lost()).isZero();
            assertThat(result.dup()).isZero();
            assertThat(result.distinct()).isEqualTo(result.expected());
            assertThat(result.brokenChunks()).isZero();
            assertThat(result.badChecksums()).isZero();
            assertThat(result.jobsPerReport())
                    .allSatisfy((report, jobs) -> assertThat(jobs).as(report).isEqualTo(1));
            // A job is resumed from its checkpoint once a chunk of it committed; a kill between a report's job creation
            // and
            // its first commit leaves nothing to resume from, so that report legitimately starts one more job.
            assertThat(result.jobsCreated()).as("export jobs created").isBetween(2L, 2L + result.kills());
        } finally {
            worker.stop();
        }
    }
}
