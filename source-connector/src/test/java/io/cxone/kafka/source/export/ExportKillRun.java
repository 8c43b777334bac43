package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.http.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One export of several reports through a Connect worker that runs in its own JVM and is killed with SIGKILL several
 * times on the way, at random moments and, every other time, while a chunk's transaction is open. The simulator runs
 * in this JVM. Afterwards a read_committed consumer checks what a downstream user sees: every row exactly once, every
 * chunk whole with the SHA-256 of its rows, one export job per report. Used by {@code ExportWorkerKillIT} (a worker
 * forked on the test broker) and by {@code benchmarks/bin/export-kill-test} (the local stack's worker).
 */
public final class ExportKillRun {

    /** The worker under test: a separate JVM. */
    public interface Worker {
        String restUrl();

        /** Kills the worker's JVM with SIGKILL and waits until it is gone. */
        void kill();

        /** Starts the worker again and waits until its REST API answers. */
        void start();
    }

    public record Settings(
            String bootstrapServers,
            String connector,
            String topic,
            List<String> reports,
            int rowsPerReport,
            int chunkSize,
            int kills,
            Duration pageDelay,
            long seed,
            int replicationFactor) {}

    public record Result(
            int kills,
            int killsInOpenTransaction,
            long expected,
            long committed,
            long distinct,
            long lost,
            long dup,
            int chunks,
            int brokenChunks,
            int badChecksums,
            Map<String, Integer> jobsPerReport,
            long jobsCreated,
            List<Long> committedAtKills,
            List<Long> chunkOffsetsAfterKills) {

        public boolean exactlyOnce() {
            return lost == 0
                    && dup == 0
                    && committed == expected
                    && brokenChunks == 0
                    && badChecksums == 0
                    && jobsPerReport.values().stream().allMatch(n -> n == 1)
                    // one more job per kill at most: a kill before a job's first commit leaves no checkpoint to resume
                    && jobsCreated <= jobsPerReport.size() + kills;
        }

        public String line() {
            return "kills=" + kills + " expected=" + expected + " committed=" + committed + " distinct=" + distinct
                    + " lost=" + lost + " dup=" + dup;
        }

        public String checks() {
            return "kills_in_open_transaction=" + killsInOpenTransaction + " chunks=" + chunks + " broken_chunks="
                    + brokenChunks + " bad_sha256=" + badChecksums + " jobs_per_report=" + jobsPerReport
                    + " jobs_created=" + jobsCreated;
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Settings settings;
    private final Worker worker;
    private final Random random;
    private KafkaConsumer<byte[], byte[]> tail;
    private long tailCount;

    public ExportKillRun(Settings settings, Worker worker) {
        this.settings = settings;
        this.worker = worker;
        this.random = new Random(settings.seed());
    }

    public Result run() throws Exception {
        try (CxoneSimulator sim = CxoneSimulator.start(SimulatorOptions.builder()
                        .port(0)
                        .rowCount(settings.rowsPerReport())
                        .build());
                Admin admin = Admin.create(Map.of("bootstrap.servers", settings.bootstrapServers()))) {
            // Pages take a while, so kills land in every phase of a chunk: reading, verifying, sending, committing.
            sim.arm(FaultSpec.delay(Endpoint.EXPORT_RECORDS, settings.pageDelay(), -1));
            admin.createTopics(List.of(new NewTopic(settings.topic(), 1, (short) settings.replicationFactor())))
                    .all()
                    .get();
            long expected = (long) settings.rowsPerReport() * settings.reports().size();
            deploy(sim);
            int inTransaction = 0;
            int kills = 0;
            List<Long> committedAtKills = new ArrayList<>();
            for (int kill = 1; kill <= settings.kills(); kill++) {
                awaitTaskRunning();
                long before = committedCount(admin);
                boolean inOpenTransaction = kill % 2 == 0 && awaitOpenTransaction(admin, Duration.ofSeconds(30));
                if (!inOpenTransaction) {
                    // Some progress first (a chunk), then a random moment within the next few pages.
                    awaitProgress(admin, before, Duration.ofSeconds(60));
                    Thread.sleep(random.nextInt(
                            (int) Math.max(1, settings.pageDelay().toMillis() * 4)));
                }
                if (committedCount(admin) >= expected) {
                    log("export finished before kill " + kill + "; stopping the kills there");
                    break;
                }
                worker.kill();
                kills++;
                inTransaction += inOpenTransaction ? 1 : 0;
                committedAtKills.add(committedCount(admin));
                log("kill " + kill + (inOpenTransaction ? " (transaction open)" : "") + " at " + committedCount(admin)
                        + " committed rows");
                worker.start();
            }
            awaitTaskRunning();
            awaitStable(admin, expected, Duration.ofMinutes(30));
            Result result = verify(sim, expected, kills, inTransaction, committedAtKills);
            put("/connectors/" + settings.connector() + "/stop", null);
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(worker.restUrl() + "/connectors/" + settings.connector()))
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return result;
        } finally {
            if (tail != null) {
                tail.close();
            }
        }
    }

    /**
     * The export connector on {@code sim} with {@code tasks} tasks, exactly-once with one transaction per chunk, string
     * keys and headers, JSON values without schemas, quick retries; the API flavour and what it reads are the caller's.
     */
    static Map<String, String> exactlyOnceConnector(CxoneSimulator sim, int tasks) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", CxoneExportSourceConnector.class.getName());
        config.put("tasks.max", Integer.toString(tasks));
        config.put("exactly.once.support", "required");
        config.put("transaction.boundary", "connector");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        config.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put(ExportSourceConfig.BASE_URL, sim.baseUrl());
        config.put(ExportSourceConfig.CLIENT_ID, sim.options().clientId());
        config.put(ExportSourceConfig.CLIENT_SECRET, sim.options().clientSecret());
        config.put(ExportSourceConfig.RETRY_BACKOFF_MS, "50");
        config.put(ExportSourceConfig.RETRY_BACKOFF_MAX_MS, "2000");
        return config;
    }

    private void deploy(CxoneSimulator sim) throws Exception {
        Map<String, String> config = exactlyOnceConnector(sim, 1);
        config.put(ExportSourceConfig.API_FLAVOUR, "records");
        config.put(ExportSourceConfig.REPORTS, String.join(",", settings.reports()));
        config.put(ExportSourceConfig.TOPIC, settings.topic());
        config.put(ExportSourceConfig.KEY_FIELD, "id");
        config.put(ExportSourceConfig.CHUNK_SIZE, Integer.toString(settings.chunkSize()));
        config.put(ExportSourceConfig.EXPORT_INTERVAL_MS, "86400000");
        put("/connectors/" + settings.connector() + "/config", CxoneHttp.JSON.writeValueAsString(config));
    }

    private void put(String path, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(worker.restUrl() + path))
                        .header("Content-Type", "application/json")
                        .PUT(
                                json == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(
                    "PUT " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private void awaitTaskRunning() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(
                                        worker.restUrl() + "/connectors/" + settings.connector() + "/status"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                last = response.body();
                JsonNode tasks = CxoneHttp.JSON.readTree(last).path("tasks");
                if (tasks.size() == 1
                        && "RUNNING".equals(tasks.get(0).path("state").asText())) {
                    return;
                }
                if (tasks.size() == 1
                        && "FAILED".equals(tasks.get(0).path("state").asText())) {
                    throw new IllegalStateException(
                            "export task failed: " + tasks.get(0).path("trace").asText());
                }
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("export task not RUNNING within 3 minutes; last status: " + last);
    }

    /** True once the topic has an open transaction (its last stable offset is behind its end). */
    private boolean awaitOpenTransaction(Admin admin, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (endOffset(admin, IsolationLevel.READ_COMMITTED) < endOffset(admin, IsolationLevel.READ_UNCOMMITTED)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private void awaitProgress(Admin admin, long before, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (committedCount(admin) <= before && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Until the committed count reaches {@code expected} and stays there a while (a duplicate would come after). */
    private void awaitStable(Admin admin, long expected, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        long stableSince = 0;
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = committedCount(admin);
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (now >= expected && System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(5)) {
                return;
            }
            Thread.sleep(200);
        }
        log("committed count did not settle at " + expected + " within " + atMost + " (last " + last + ")");
    }

    /** Records committed so far: a read_committed consumer that tails the topic, so each call reads only what is new. */
    private long committedCount(Admin admin) {
        if (tail == null) {
            tail = consumer();
            TopicPartition tp = new TopicPartition(settings.topic(), 0);
            tail.assign(List.of(tp));
            tail.seekToBeginning(List.of(tp));
        }
        TopicPartition tp = new TopicPartition(settings.topic(), 0);
        long end = tail.endOffsets(List.of(tp)).get(tp); // the last stable offset under read_committed
        while (tail.position(tp) < end) {
            tailCount += tail.poll(Duration.ofMillis(200)).count();
        }
        return tailCount;
    }

    private long endOffset(Admin admin, IsolationLevel isolation) throws Exception {
        TopicPartition tp = new TopicPartition(settings.topic(), 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                .partitionResult(tp)
                .get()
                .offset();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props);
    }

    private void readCommitted(java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition tp = new TopicPartition(settings.topic(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp); // the last stable offset under read_committed
            while (consumer.position(tp) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private record RowAt(String report, int index) {}

    private Result verify(
            CxoneSimulator sim, long expected, int kills, int killsInTransaction, List<Long> committedAtKills)
            throws Exception {
        Map<String, RowAt> rowByKey = new HashMap<>();
        Map<String, List<JsonNode>> rowsByReport = new HashMap<>();
        for (String report : settings.reports()) {
            List<JsonNode> rows = new ArrayList<>();
            for (Map<String, Object> row : sim.expectedReportRows(report)) {
                rowByKey.put(String.valueOf(row.get("id")), new RowAt(report, rows.size()));
                rows.add(CxoneHttp.JSON.valueToTree(row));
            }
            rowsByReport.put(report, rows);
        }
        Set<String> seen = new HashSet<>();
        long[] committed = {0};
        long[] dup = {0};
        // Chunks in the order they were committed: job + chunk offset -> the keys of its records.
        Map<String, List<String>> chunkKeys = new LinkedHashMap<>();
        Map<String, String[]> chunkHeaders = new HashMap<>();
        Map<String, Set<String>> jobsByReport = new HashMap<>();
        // the chunk offset of the first record committed after each kill: where the export went on from
        Map<Long, Long> chunkOffsetAt = new HashMap<>();
        committedAtKills.forEach(at -> chunkOffsetAt.put(at, -1L));
        readCommitted(r -> {
            if (chunkOffsetAt.containsKey(committed[0])) {
                chunkOffsetAt.put(committed[0], Long.parseLong(header(r, ChunkPipeline.HEADER_CHUNK_OFFSET)));
            }
            committed[0]++;
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (!seen.add(key)) {
                dup[0]++;
            }
            String job = header(r, ChunkPipeline.HEADER_JOB_ID);
            String chunk = job + "@" + header(r, ChunkPipeline.HEADER_CHUNK_OFFSET);
            chunkKeys.computeIfAbsent(chunk, c -> new ArrayList<>()).add(key);
            chunkHeaders.putIfAbsent(chunk, new String[] {
                header(r, ChunkPipeline.HEADER_CHUNK_SIZE), header(r, ChunkPipeline.HEADER_CHUNK_SHA256)
            });
            RowAt at = rowByKey.get(key);
            if (at != null) {
                jobsByReport.computeIfAbsent(at.report(), k -> new HashSet<>()).add(job);
            }
        });
        long lost = rowByKey.keySet().stream().filter(k -> !seen.contains(k)).count();
        int broken = 0;
        int badSha = 0;
        for (Map.Entry<String, List<String>> chunk : chunkKeys.entrySet()) {
            List<String> keys = chunk.getValue();
            String[] headers = chunkHeaders.get(chunk.getKey());
            RowAt first = rowByKey.get(keys.get(0));
            long start = Long.parseLong(chunk.getKey().substring(chunk.getKey().lastIndexOf('@') + 1));
            boolean whole = first != null && first.index() == start && keys.size() == Integer.parseInt(headers[0]);
            for (int i = 0; whole && i < keys.size(); i++) {
                RowAt at = rowByKey.get(keys.get(i));
                whole = at != null && at.report().equals(first.report()) && at.index() == start + i;
            }
            if (!whole) {
                broken++;
                log("chunk " + chunk.getKey() + " is not whole: " + keys.size() + " records, header size "
                        + headers[0]);
                continue;
            }
            List<JsonNode> rows = rowsByReport.get(first.report()).subList((int) start, (int) start + keys.size());
            if (!ChunkChecksum.sha256(rows).equals(headers[1])) {
                badSha++;
                log("chunk " + chunk.getKey() + " has sha256 " + headers[1] + " but its rows hash to "
                        + ChunkChecksum.sha256(rows));
            }
        }
        Map<String, Integer> jobsPerReport = new java.util.TreeMap<>();
        settings.reports()
                .forEach(report -> jobsPerReport.put(
                        report, jobsByReport.getOrDefault(report, Set.of()).size()));
        return new Result(
                kills,
                killsInTransaction,
                expected,
                committed[0],
                seen.size(),
                lost,
                dup[0],
                chunkKeys.size(),
                broken,
                badSha,
                jobsPerReport,
                sim.requests().count(Endpoint.EXPORT_CREATE),
                List.copyOf(committedAtKills),
                committedAtKills.stream().map(chunkOffsetAt::get).toList());
    }

    private static void log(String message) {
        System.err.println("export-kill: " + message);
    }

    /**
     * The local stack's worker ({@code ./stack up --detach}): {@code ExportKillRun <root> <kills> <rowsPerReport> <chunkSize>}.
     * Kills the worker's JVM (pid from {@code .stack/run/connect.pid}) and brings it back with {@code ./stack restart connect}.
     */
    public static void main(String[] args) throws Exception {
        // stdout carries the result lines only; progress goes to stderr, and the simulator's per-request logs are
        // dropped.
        org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
        Path root = Path.of(args[0]).toAbsolutePath();
        int kills = Integer.parseInt(args[1]);
        int rows = Integer.parseInt(args[2]);
        int chunkSize = Integer.parseInt(args[3]);
        Path stateDir = System.getenv("CXONE_STACK_HOME") == null
                ? root.resolve(".stack")
                : Path.of(System.getenv("CXONE_STACK_HOME"));
        Path pidFile = stateDir.resolve("run/connect.pid");
        Worker stackWorker = new Worker() {
            @Override
            public String restUrl() {
                return "http://127.0.0.1:8083";
            }

            @Override
            public void kill() {
                try {
                    Properties pid = new Properties();
                    try (var in = Files.newInputStream(pidFile)) {
                        pid.load(in);
                    }
                    ProcessHandle handle = ProcessHandle.of(Long.parseLong(pid.getProperty("pid")))
                            .orElseThrow(() ->
                                    new IllegalStateException("Connect worker in " + pidFile + " is not running"));
                    handle.destroyForcibly(); // SIGKILL
                    handle.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("could not kill the stack's Connect worker: " + e.getMessage(), e);
                }
            }

            @Override
            public void start() {
                try {
                    Process restart = new ProcessBuilder(root.resolve("stack").toString(), "restart", "connect")
                            .directory(root.toFile())
                            .inheritIO()
                            .start();
                    if (restart.waitFor() != 0) {
                        throw new IllegalStateException("./stack restart connect failed");
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        };
        String suffix = Long.toString(System.currentTimeMillis(), 36);
        Settings settings = new Settings(
                "127.0.0.1:9092",
                "cxone-export-kill-" + suffix,
                "cxone.export.kill-" + suffix,
                List.of("kill-report-1", "kill-report-2"),
                rows,
                chunkSize,
                kills,
                Duration.ofMillis(100),
                System.nanoTime(),
                1);
        Result result = new ExportKillRun(settings, stackWorker).run();
        System.out.println(result.line());
        System.out.println(result.checks());
        System.exit(result.exactlyOnce() ? 0 : 1);
    }
}
