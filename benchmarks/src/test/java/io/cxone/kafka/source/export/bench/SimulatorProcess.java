package io.cxone.kafka.source.export.bench;

import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.data.FieldSpec;
import io.cxone.kafka.simulator.data.FieldType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A CXone simulator in a JVM of its own, so that the benchmark JVM's CPU is the broker's and the Connect worker's
 * only. It serves the same {@code rows} contacts twice: as the Reporting API's {@code contacts/completed} backlog (the
 * last one completed at {@code nowMs}, one per second before it, on a clock that stays at {@code nowMs}: CXone frozen
 * at the moment the initial sync starts, so the backlog is exactly {@code rows} contacts), and as one Data Extraction
 * window of {@code rows} rows with the same columns and types. Jobs succeed at once and nothing is throttled.
 */
final class SimulatorProcess implements AutoCloseable {

    /** Completions one second apart: 1,000,000 contacts span 11.6 days, one Reporting API request window. */
    static final Duration SPACING = Duration.ofSeconds(1);
    /** The longest time from a contact's start to its completion in the simulator (ReportingTimeline). */
    private static final Duration LONGEST_CONTACT = Duration.ofMinutes(10);

    /**
     * The columns of {@code contacts/completed}, for the Data Extraction file; {@code id} stands for
     * {@code contactId} (the simulator keeps unique ids in that column).
     */
    static final List<FieldSpec> CONTACT_COLUMNS = List.of(
            FieldSpec.of("id", FieldType.LONG),
            FieldSpec.of("masterContactId", FieldType.LONG),
            FieldSpec.of("contactStartDate", FieldType.TIMESTAMP),
            FieldSpec.of("lastUpdateTime", FieldType.TIMESTAMP),
            FieldSpec.of("agentId", FieldType.LONG),
            FieldSpec.of("skillId", FieldType.LONG),
            FieldSpec.of("teamId", FieldType.LONG),
            FieldSpec.of("mediaTypeName", FieldType.STRING),
            FieldSpec.of("agentSeconds", FieldType.LONG),
            FieldSpec.of("inQueueSeconds", FieldType.LONG),
            FieldSpec.of("abandoned", FieldType.BOOLEAN),
            FieldSpec.of("dispositionNotes", FieldType.STRING),
            FieldSpec.of("fromAddress", FieldType.STRING),
            FieldSpec.of("toAddress", FieldType.STRING),
            FieldSpec.of("isWarehoused", FieldType.BOOLEAN),
            FieldSpec.of("tags", FieldType.STRING));

    private final Process process;
    private final String baseUrl;
    private final String clientId;
    private final String clientSecret;
    private final String accessKeyId;
    private final String accessKeySecret;

    private SimulatorProcess(Process process, List<String> ready) {
        this.process = process;
        this.baseUrl = ready.get(1);
        this.clientId = ready.get(2);
        this.clientSecret = ready.get(3);
        this.accessKeyId = ready.get(4);
        this.accessKeySecret = ready.get(5);
    }

    /** Starts the child JVM (its output goes to {@code log}) and waits until it serves. */
    static SimulatorProcess start(long rows, long nowMs, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-XX:+UseParallelGC",
                "-cp",
                System.getProperty("java.class.path")));
        String logConfig = System.getProperty("log4j2.configurationFile");
        if (logConfig != null) {
            command.add("-Dlog4j2.configurationFile=" + logConfig);
        }
        command.addAll(List.of(SimulatorProcess.class.getName(), Long.toString(rows), Long.toString(nowMs)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<List<String>> ready = new CompletableFuture<>();
        Thread drain = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                            PrintWriter file = new PrintWriter(Files.newBufferedWriter(log))) {
                        for (String line; (line = out.readLine()) != null; ) {
                            if (line.startsWith("READY ")) {
                                ready.complete(List.of(line.split(" ")));
                            }
                            file.println(line);
                            file.flush();
                        }
                    } catch (IOException e) {
                        ready.completeExceptionally(e);
                    }
                    ready.completeExceptionally(new IllegalStateException("the simulator process ended; see " + log));
                },
                "simulator-process-output");
        drain.setDaemon(true);
        drain.start();
        try {
            return new SimulatorProcess(process, ready.get(2, TimeUnit.MINUTES));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The first day of a history that holds every contact of the backlog ending at {@code nowMs}. */
    static LocalDate historyStart(long rows, long nowMs) {
        Instant firstStart = Instant.ofEpochMilli(nowMs)
                .minus(SPACING.multipliedBy(rows - 1))
                .minus(LONGEST_CONTACT);
        return LocalDate.ofInstant(firstStart, ZoneOffset.UTC);
    }

    String baseUrl() {
        return baseUrl;
    }

    String clientId() {
        return clientId;
    }

    String clientSecret() {
        return clientSecret;
    }

    String accessKeyId() {
        return accessKeyId;
    }

    String accessKeySecret() {
        return accessKeySecret;
    }

    /** CPU seconds the simulator process has used so far. */
    double cpuSeconds() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** Child side: {@code rows nowMs}; prints {@code READY baseUrl clientId clientSecret accessKeyId accessKeySecret}. */
    public static void main(String[] args) throws IOException {
        long rows = Long.parseLong(args[0]);
        long nowMs = Long.parseLong(args[1]);
        CxoneSimulator simulator = CxoneSimulator.start(SimulatorOptions.builder()
                .port(0)
                .clock(Clock.fixed(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC))
                .tokenLifetime(Duration.ofDays(1))
                .reporting(rows - 1, SPACING, 0.1, Duration.ofMinutes(10), Duration.ZERO)
                .rowCount(rows)
                .rowShape(CONTACT_COLUMNS)
                .throttleInterval(Duration.ZERO)
                .jobRunningTime(Duration.ZERO)
                .build());
        SimulatorOptions o = simulator.options();
        System.out.println(String.join(
                " ",
                "READY",
                simulator.baseUrl(),
                o.clientId(),
                o.clientSecret(),
                o.accessKeyId(),
                o.accessKeySecret()));
        System.out.flush();
        // Serves until the benchmark closes our standard input, or dies (its end of the pipe closes too).
        while (System.in.read() >= 0) {
            // nothing is sent
        }
        simulator.close();
        System.exit(0);
    }
}
