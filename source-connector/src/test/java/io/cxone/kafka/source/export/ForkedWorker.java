package io.cxone.kafka.source.export;

import io.cxone.kafka.stack.ConnectWorkerService;
import io.cxone.kafka.stack.HttpProbe;
import io.cxone.kafka.stack.ManagedProcess;
import io.cxone.kafka.stack.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** A distributed worker in its own JVM, configured like the stack's, on the test broker and a free port. */
final class ForkedWorker implements ExportKillRun.Worker {
    private final ConnectWorkerService service;
    private ManagedProcess process;

    /**
     * A worker on {@code bootstrapServers} whose files go under {@code work}, with the packaged plugin and
     * {@code extraPluginPaths} (test-only plugins such as a transformation) on its plugin.path.
     */
    ForkedWorker(String bootstrapServers, Path work, List<Path> extraPluginPaths) throws Exception {
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
        Files.createDirectories(work);
        Path template = work.resolve(id + ".properties");
        try (var out = Files.newOutputStream(template)) {
            props.store(out, "export kill test worker");
        }
        String classpath =
                Files.readString(Path.of("../local-stack/target/classpath.txt")).trim();
        List<Path> pluginPath =
                new java.util.ArrayList<>(List.of(Path.of("target/plugin").toAbsolutePath()));
        pluginPath.addAll(extraPluginPaths);
        service = new ConnectWorkerService(
                classpath,
                template,
                Path.of("../config/log4j2.properties").toAbsolutePath(),
                pluginPath,
                work.resolve(id),
                work.resolve(id + ".log"));
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
                throw new IllegalStateException("forked worker did not start; last log lines:\n" + process.logTail(30));
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
