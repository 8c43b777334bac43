package io.cxone.kafka.source.export.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.data.FieldSpec;
import io.cxone.kafka.simulator.data.FieldType;
import io.cxone.kafka.source.export.ExportSourceConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A CXone simulator in a JVM of its own, so that the benchmark JVM's CPU is the broker's and the Connect worker's
 * only. It serves the same {@code rows} contacts twice: as the Reporting API's {@code contacts/completed} backlog (the
 * last one completed at {@code nowMs}, one per second before it, on a clock that stays at {@code nowMs}: CXone frozen
 * at the moment the initial sync starts, so the backlog is exactly {@code rows} contacts), and as one Data Extraction
 * window of {@code rows} rows with the same columns and types. Jobs succeed at once and nothing is throttled. For the
 * backfill benchmark ({@link #startBackfill}) it runs on the real clock instead, with the Data Extraction throttle on.
 */
final class SimulatorProcess implements AutoCloseable {

    private static final String BACKFILL = "backfill";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
        return start(log, Long.toString(rows), Long.toString(nowMs));
    }

    /**
     * A simulator on the real clock for a Data Extraction backfill: every window's file has {@code rowsPerWindow} rows
     * of {@link #CONTACT_COLUMNS}, the tenant is throttled to one Data Extraction call per {@code throttle}, and a job
     * succeeds {@code jobRunningTime} after it was created.
     */
    static SimulatorProcess startBackfill(long rowsPerWindow, Duration throttle, Duration jobRunningTime, Path log)
            throws Exception {
        return start(
                log,
                BACKFILL,
                Long.toString(rowsPerWindow),
                Long.toString(throttle.toMillis()),
                Long.toString(jobRunningTime.toMillis()));
    }

    private static SimulatorProcess start(Path log, String... args) throws Exception {
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
        command.add(SimulatorProcess.class.getName());
        command.addAll(List.of(args));
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

    /** The export connector's CXone address and credentials (client and access key) for this simulator. */
    void signIn(Map<String, String> config) {
        config.put(ExportSourceConfig.BASE_URL, baseUrl);
        config.put(ExportSourceConfig.CLIENT_ID, clientId);
        config.put(ExportSourceConfig.CLIENT_SECRET, clientSecret);
        config.put(ExportSourceConfig.ACCESS_KEY_ID, accessKeyId);
        config.put(ExportSourceConfig.ACCESS_KEY_SECRET, accessKeySecret);
    }

    /** {@code csv.column.types} for the files of {@link #CONTACT_COLUMNS}: every column that is not a string. */
    static String csvColumnTypes() {
        return CONTACT_COLUMNS.stream()
                .filter(c -> !c.type().wireName().equals("string"))
                .map(c -> c.name() + ":" + c.type().wireName())
                .collect(Collectors.joining(","));
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

    /**
     * The Data Extraction throttle's counters since the last {@link #resetRequests}: {@code calls}, {@code throttled},
     * {@code throttledAfterFirst}, {@code firstAcceptedAtMs}, {@code lastAcceptedAtMs}.
     */
    JsonNode extractionThrottle() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/_sim/requests"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body()).path("dataExtractionThrottle");
    }

    /** Zeroes the simulator's request and throttle counters. */
    void resetRequests() throws IOException, InterruptedException {
        HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/_sim/requests"))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
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

    /**
     * Child side: {@code rows nowMs}, or {@code backfill rowsPerWindow throttleMs jobRunningMs}; prints
     * {@code READY baseUrl clientId clientSecret accessKeyId accessKeySecret}.
     */
    public static void main(String[] args) throws IOException {
        SimulatorOptions.Builder options = SimulatorOptions.builder()
                .port(0)
                .tokenLifetime(Duration.ofDays(1))
                .rowShape(CONTACT_COLUMNS);
        if (args[0].equals(BACKFILL)) {
            options.rowCount(Long.parseLong(args[1]))
                    .throttleInterval(Duration.ofMillis(Long.parseLong(args[2])))
                    .jobRunningTime(Duration.ofMillis(Long.parseLong(args[3])));
        } else {
            long rows = Long.parseLong(args[0]);
            long nowMs = Long.parseLong(args[1]);
            options.clock(Clock.fixed(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC))
                    .reporting(rows - 1, SPACING, 0.1, Duration.ofMinutes(10), Duration.ZERO)
                    .rowCount(rows)
                    .throttleInterval(Duration.ZERO)
                    .jobRunningTime(Duration.ZERO);
        }
        CxoneSimulator simulator = CxoneSimulator.start(options.build());
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
