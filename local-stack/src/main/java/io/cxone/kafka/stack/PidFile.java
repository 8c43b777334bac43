package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/** {@code .stack/run/<service>.pid}: pid and start time, so a later run finds the same process and never a reused pid. */
public final class PidFile {
    private PidFile() {}

    public static void write(Path runDir, ManagedProcess process) {
        try {
            Files.createDirectories(runDir);
            Properties p = new Properties();
            p.setProperty("pid", Long.toString(process.pid()));
            p.setProperty("started", process.startedAt().toString());
            p.setProperty("log", process.logFile().toString());
            StackConfig.store(p, runDir.resolve(process.name() + ".pid"), process.name());
        } catch (IOException e) {
            throw new StackException(
                    "cannot write pid file for " + process.name() + " in " + runDir + ": " + e.getMessage(), e);
        }
    }

    public static Optional<ManagedProcess> read(Path runDir, String service) {
        Path file = runDir.resolve(service + ".pid");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = StackConfig.load(file);
        try {
            return ManagedProcess.attach(
                    service,
                    Long.parseLong(p.getProperty("pid")),
                    Instant.parse(p.getProperty("started")),
                    Path.of(p.getProperty("log")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Services that have a pid file in {@code runDir}, running or not. */
    public static List<String> names(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runDir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".pid"))
                    .map(f -> f.substring(0, f.length() - ".pid".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new StackException("cannot list " + runDir + ": " + e.getMessage(), e);
        }
    }

    public static void delete(Path runDir, String service) {
        try {
            Files.deleteIfExists(runDir.resolve(service + ".pid"));
        } catch (IOException ignored) {
            // a stale pid file is re-checked against the process start time before use
        }
    }
}
