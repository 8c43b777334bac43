package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.stack.ConnectWorkerService;
import io.cxone.kafka.stack.HttpProbe;
import io.cxone.kafka.stack.ManagedProcess;
import io.cxone.kafka.stack.Ports;
import io.cxone.kafka.testkit.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The export across worker restarts as they happen in production: the Connect worker runs in its own JVM (so each
 * restart is a new JVM, with its own hash salt) and is killed with SIGKILL several times during one export, once or
 * more while a chunk's transaction is open. The worker runs the packaged plugin from {@code target/plugin} on the test
 * broker, as {@code ./stack} runs it.
 */
class ExportWorkerKillIT {

    private static final Path WORK = Path.of("target/it-services/export-kill").toAbsolutePath();

    /** A distributed worker in its own JVM, configured like the stack's, on the test broker and a free port. */
    private static final class ForkedWorker implements ExportKillRun.Worker {
        private final ConnectWorkerService service;
        private ManagedProcess process;

        ForkedWorker(String bootstrapServers) throws Exception {
            int port = Ports.freePort();
            String id = "kill-it-" + Long.toString(System.nanoTime(), 36);
            Properties props = new Properties();
            try (var in = Files.newInputStream(Path.of("../config/connect-distributed.properties"))) {
                props.load(in);
            }
            props.setProperty("bootstrap.servers", bootstrapServers);
            props.setProperty("group.id", id);
            props.setProperty("listeners", "http://127.0.0.1:" + port);
            props.setProperty("rest.advertised.port", Integer.toString(port));
            props.setProperty("config.storage.topic", id + "-configs");
            props.setProperty("offset.storage.topic", id + "-offsets");
            props.setProperty("status.storage.topic", id + "-status");
            props.setProperty("offset.flush.interval.ms", "1000");
            // A killed worker never leaves the group: its replacement waits for its session to expire (the broker's
            // minimum).
            props.setProperty("session.timeout.ms", "6000");
            props.setProperty("heartbeat.interval.ms", "2000");
            Files.createDirectories(WORK);
            Path template = WORK.resolve(id + ".properties");
            try (var out = Files.newOutputStream(template)) {
                props.store(out, "export kill test worker");
            }
            String classpath = Files.readString(Path.of("../local-stack/target/classpath.txt"))
                    .trim();
            service = new ConnectWorkerService(
                    classpath,
                    template,
                    Path.of("../config/log4j2.properties").toAbsolutePath(),
                    List.of(Path.of("target/plugin").toAbsolutePath()),
                    WORK.resolve(id),
                    WORK.resolve(id + ".log"));
        }

        @Override
        public String restUrl() {
            return service.url();
        }

        @Override
        public void kill() {
            ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
            handle.destroyForcibly(); // SIGKILL: no shutdown hook, no task stop, no transaction abort
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("worker pid " + process.pid() + " did not die", e);
            }
        }

        @Override
        public void start() {
            process = service.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!HttpProbe.isOk(service.url() + "/connectors")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "forked worker did not start; last log lines:\n" + process.logTail(30));
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        void stop() {
            if (process != null) {
                process.stop(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void everyRowExactlyOnceAndEveryChunkWholeAcrossSigkilledWorkerJvms() throws Exception {
        String bootstrap = TestServices.kafkaBootstrapServers();
        ForkedWorker worker = new ForkedWorker(bootstrap);
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
