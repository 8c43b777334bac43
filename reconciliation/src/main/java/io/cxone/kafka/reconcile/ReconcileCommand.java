package io.cxone.kafka.reconcile;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reconcile}: for each export manifest, the window's rows as CXone gave them, its committed records in Kafka
 * and its documents in Elasticsearch, and its digest recomputed from each; one table (or JSON), exit 0 only when all
 * agree, 1 when any disagree, 2 when the check could not run.
 */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Checks every export window that has a manifest: the rows CXone gave (the manifest), the committed records in"
                    + " Kafka (read_committed) and the documents in Elasticsearch, and the window digest recomputed from"
                    + " the chunks each holds. Exit 0 when all agree, 1 when any disagree, 2 when the check cannot run."
        })
public final class ReconcileCommand implements Callable<Integer> {

    static final int AGREE = 0;
    static final int DISAGREE = 1;
    static final int CANNOT_RUN = 2;

    private static final long MAX_SECRET_BYTES = 4096;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers")
    String bootstrapServers;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*) for a secured cluster")
    Path kafkaConfig;

    @Option(
            names = "--registry-url",
            required = true,
            paramLabel = "URL",
            description =
                    "Apicurio Registry API the manifests' Avro schemas are in, e.g. http://host:8081/apis/registry/v2")
    String registryUrl;

    @Option(names = "--elasticsearch-url", required = true, paramLabel = "URL[,...]", description = "Elasticsearch")
    String elasticsearchUrl;

    @Option(names = "--elasticsearch-user", paramLabel = "NAME", description = "basic authentication user")
    String elasticsearchUser;

    @Option(
            names = "--elasticsearch-password-file",
            paramLabel = "FILE",
            description = "file holding the user's password (never pass a password on the command line)")
    Path elasticsearchPasswordFile;

    @Option(
            names = "--elasticsearch-api-key-file",
            paramLabel = "FILE",
            description = "file holding an API key (base64 id:key), instead of a user")
    Path elasticsearchApiKeyFile;

    @Option(
            names = "--elasticsearch-ca-file",
            paramLabel = "FILE",
            description = "PEM file of the CA that signed Elasticsearch's certificate (https)")
    Path elasticsearchCaFile;

    @Option(
            names = "--manifest-topic",
            defaultValue = "cxone.export.manifests",
            paramLabel = "TOPIC",
            description = "the export's manifest.topic (default: ${DEFAULT-VALUE})")
    String manifestTopic;

    @Option(
            names = "--connectors-dir",
            defaultValue = "connectors",
            paramLabel = "DIR",
            description = "connector JSON files: the sinks give each topic's index and document ids, the export source"
                    + " its Avro settings (default: ${DEFAULT-VALUE})")
    Path connectorsDir;

    @Option(
            names = "--index",
            paramLabel = "TOPIC=INDEX",
            description = "index of a topic's documents, one per record (overrides the connector JSON); repeatable")
    Map<String, String> indexOverrides = new LinkedHashMap<>();

    @Option(
            names = "--index-by-key",
            paramLabel = "TOPIC=INDEX",
            description = "index of a topic's documents, one per record key; repeatable")
    Map<String, String> keyIndexOverrides = new LinkedHashMap<>();

    @Option(names = "--json", description = "print one JSON document instead of the table")
    boolean json;

    @Option(
            names = "--max-ids",
            defaultValue = "10",
            paramLabel = "N",
            description = "missing or extra ids listed per window (default: ${DEFAULT-VALUE})")
    int maxIds;

    @Option(
            names = "--max-manifests",
            defaultValue = "10000",
            paramLabel = "N",
            description = "stop when the manifest topic holds more (default: ${DEFAULT-VALUE})")
    int maxManifests;

    @Option(
            names = "--max-records",
            defaultValue = "2000000",
            paramLabel = "N",
            description = "record and document ids held in memory, about 150 bytes each (default: ${DEFAULT-VALUE})")
    long maxRecords;

    @Option(
            names = "--timeout",
            defaultValue = "300",
            paramLabel = "SECONDS",
            description = "give up after this long (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    private PrintWriter out;

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:reconcile-log4j2.properties");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(out, err, args));
    }

    /** Runs the command with {@code args}, printing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        ReconcileCommand command = new ReconcileCommand();
        command.out = out;
        CommandLine cli = new CommandLine(command)
                .setOut(out)
                .setErr(err)
                .setOverwrittenOptionsAllowed(true) // ./stack reconcile gives defaults a user's options then replace
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    err.println("reconcile: " + (e instanceof ReconcileException ? "" : e + ": ") + e.getMessage());
                    err.flush();
                    return CANNOT_RUN;
                });
        cli.setParameterExceptionHandler((e, arguments) -> {
            err.println("reconcile: " + e.getMessage());
            e.getCommandLine().usage(err);
            err.flush();
            return CANNOT_RUN;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Reconciliation.Settings settings = settings();
        // Every wait inside is cut to --timeout; this bounds what is not (a call that hangs past its own timeout).
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "reconcile");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Future<Reconciliation.Outcome> run = runner.submit(() -> Reconciliation.run(settings));
            Reconciliation.Outcome outcome;
            try {
                outcome = run.get(timeoutSeconds + 30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                run.cancel(true);
                throw new ReconcileException("gave up after --timeout " + timeoutSeconds + " s");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            if (json) {
                ReportWriter.json(outcome, out);
            } else {
                ReportWriter.table(outcome, out);
            }
            return outcome.ok() ? AGREE : DISAGREE;
        } finally {
            runner.shutdownNow();
        }
    }

    private Reconciliation.Settings settings() {
        require(maxIds >= 1 && maxIds <= 10_000, "--max-ids must be 1..10000");
        require(maxManifests >= 1, "--max-manifests must be at least 1");
        require(maxRecords >= 1, "--max-records must be at least 1");
        require(timeoutSeconds >= 1 && timeoutSeconds <= 86_400, "--timeout must be 1..86400 seconds");
        require(
                elasticsearchPasswordFile == null || elasticsearchUser != null,
                "--elasticsearch-password-file needs --elasticsearch-user");
        require(
                elasticsearchUser == null || elasticsearchApiKeyFile == null,
                "give --elasticsearch-user or --elasticsearch-api-key-file, not both");
        Properties kafka = new Properties();
        if (kafkaConfig != null) {
            try (Reader in = Files.newBufferedReader(kafkaConfig, StandardCharsets.UTF_8)) {
                kafka.load(in);
            } catch (IOException e) {
                throw new ReconcileException("cannot read --kafka-config " + kafkaConfig + ": " + e.getMessage());
            }
        }
        kafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        kafka.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        kafka.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return new Reconciliation.Settings(
                kafka,
                registryUrl,
                new ElasticsearchDocuments.Settings(
                        elasticsearchUrl,
                        elasticsearchUser,
                        secret(elasticsearchPasswordFile, "--elasticsearch-password-file"),
                        secret(elasticsearchApiKeyFile, "--elasticsearch-api-key-file"),
                        elasticsearchCaFile),
                manifestTopic,
                connectorsDir,
                indexOverrides,
                keyIndexOverrides,
                maxIds,
                maxManifests,
                maxRecords,
                Duration.ofSeconds(timeoutSeconds));
    }

    /** The secret in {@code file} without its trailing line break; never echoed. */
    private static String secret(Path file, String option) {
        if (file == null) {
            return null;
        }
        try {
            if (Files.size(file) > MAX_SECRET_BYTES) {
                throw new ReconcileException(option + " " + file + " is larger than " + MAX_SECRET_BYTES + " bytes");
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ReconcileException("cannot read " + option + " " + file + ": " + e.getMessage());
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new ReconcileException(message);
        }
    }
}
