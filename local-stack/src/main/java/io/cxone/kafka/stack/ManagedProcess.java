package io.cxone.kafka.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server running as a child process, its output appended to one log file.
 *
 * <p>Children run in their own session ({@code setsid}) so that a Ctrl-C in the terminal reaches only
 * the launcher, which then stops them in dependency order (Connect before Kafka). Stopping sends
 * SIGTERM to the process and its descendants, waits, then kills whatever is left.
 */
public final class ManagedProcess {

    private final String name;
    private final ProcessHandle handle;
    private final Path logFile;
    private final Process process;

    private ManagedProcess(String name, ProcessHandle handle, Process process, Path logFile) {
        this.name = name;
        this.handle = handle;
        this.process = process;
        this.logFile = logFile;
    }

    public static ManagedProcess start(
            String name, List<String> command, Map<String, String> env, Path workDir, Path logFile) {
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.getParent());
            List<String> full = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                full.add("/usr/bin/setsid");
            }
            full.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(full)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Files.writeString(
                    logFile,
                    "==== " + Instant.now() + " starting " + name + ": " + String.join(" ", command)
                            + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Process process = builder.start();
            return new ManagedProcess(name, process.toHandle(), process, logFile);
        } catch (IOException e) {
            throw new StackException(name + " could not be started (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** Re-attaches to a process started by an earlier launcher run, if it is still the same process. */
    public static Optional<ManagedProcess> attach(String name, long pid, Instant startedAt, Path logFile) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info()
                        .startInstant()
                        .map(s -> sameSecond(s, startedAt))
                        .orElse(false))
                .map(h -> new ManagedProcess(name, h, null, logFile));
    }

    private static boolean sameSecond(Instant a, Instant b) {
        return Math.abs(Duration.between(a, b).toMillis()) < 1000;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return handle.pid();
    }

    public Instant startedAt() {
        return handle.info().startInstant().orElse(Instant.EPOCH);
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** Exit code if the process has ended and was started by this JVM; empty otherwise. */
    public Optional<Integer> exitCode() {
        return process == null || process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** SIGTERM to the process and its descendants; SIGKILL to anything left after {@code grace}. */
    public void stop(Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        handle.descendants().forEach(tree::add);
        tree.add(handle);
        handle.destroy();
        long deadline = System.nanoTime() + grace.toNanos();
        while (handle.isAlive() && System.nanoTime() < deadline) {
            sleepQuietly(100);
        }
        // Descendants that outlived their parent's graceful stop (e.g. a server JVM under a launcher script).
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                h.destroy();
            }
        }
        long killDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < killDeadline) {
            sleepQuietly(100);
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** SIGKILL to the process and its descendants, as a crash would end them; returns once they are gone. */
    public void kill() {
        List<ProcessHandle> tree = new ArrayList<>();
        handle.descendants().forEach(tree::add);
        tree.add(handle);
        tree.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            sleepQuietly(50);
        }
    }

    /** The last {@code lines} lines of the log, to explain a failure without opening the file. */
    public String logTail(int lines) {
        return tail(logFile, lines);
    }

    public static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no log written: " + file + ")";
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
