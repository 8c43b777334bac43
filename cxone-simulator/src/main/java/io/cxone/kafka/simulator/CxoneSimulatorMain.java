package io.cxone.kafka.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxone.kafka.simulator.data.FieldSpec;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.http.ApiException;
import io.cxone.kafka.simulator.http.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * Runs the simulator as a process ({@code ./stack} starts it with {@code --port 8700} and probes {@code /health}).
 * No static logger here: the logging configuration is chosen in {@link #main} before the first logger exists.
 */
public final class CxoneSimulatorMain {
    static final int DEFAULT_PORT = 8700;

    private static final String USAGE = String.join(
            "\n",
            "usage: CxoneSimulatorMain [options]",
            "  --port N                    listen port (default 8700; 0 = free port)",
            "  --host H                    bind address (default 127.0.0.1)",
            "  --seed N                    data seed (default 42)",
            "  --rows N                    rows per report / per extraction window (default 1000)",
            "  --row-shape SPEC            name:type,... types string|long|double|boolean|timestamp",
            "  --client-id ID --client-secret S           OAuth client (both API flavours)",
            "  --access-key-id ID --access-key-secret S   access key of the password grant",
            "  --tenant-id ID              tenantId claim and discovery tenant",
            "  --token-ttl-seconds N       expires_in of tokens (default 3600)",
            "  --job-running-ms N          time a job stays RUNNING (default 2000)",
            "  --url-validity-seconds N    validity of download URLs (default 30)",
            "  --throttle-seconds N        one Data Extraction call per N s; 0 disables (default 30)",
            "  --max-window-days N         longest job window (default 14)",
            "  --gzip                      serve extraction files as CSV.gz",
            "  --reporting-backlog N       Reporting API rows of each entity completed before start (default 1000)",
            "  --reporting-spacing-ms N    time between two completions of each entity (default 1000)",
            "  --reporting-update-share F  share of contacts / custom data changed after completion, 0..1 (default 0.1)",
            "  --reporting-lag-seconds N   a version becomes visible N s after its lastUpdateTime (default 0)",
            "  --reporting-call-ms N       one Reporting API call per N ms; 0 disables (default 0)",
            "  --faults FILE               JSON fault or array of faults armed at start (see README)");

    private CxoneSimulatorMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        useBundledLogConfigUnlessGiven();
        SimulatorOptions options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            PrintStream err = System.err;
            err.println("cxone-simulator: " + e.getMessage());
            err.println(USAGE);
            System.exit(2);
            return;
        }
        CxoneSimulator simulator = CxoneSimulator.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            simulator.close();
                            stopped.countDown();
                        },
                        "cxone-simulator-shutdown"));
        LoggerFactory.getLogger(CxoneSimulatorMain.class).info("Ready: {}/health", simulator.baseUrl());
        stopped.await();
    }

    /** Parses the command line; every problem names the option. */
    static SimulatorOptions parse(String[] args) {
        SimulatorOptions.Builder builder = SimulatorOptions.builder().port(DEFAULT_PORT);
        String clientId = null;
        String clientSecret = null;
        String accessKeyId = null;
        String accessKeySecret = null;
        Path faultsFile = null;
        SimulatorOptions base = SimulatorOptions.defaults();
        long reportingBacklog = base.reporting().backlog();
        Duration reportingSpacing = base.reporting().spacing();
        double reportingUpdateShare = base.reporting().updateShare();
        Duration reportingLag = base.reporting().lag();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--gzip")) {
                builder.gzipDownloads(true);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--port" -> builder.port((int) number(option, value, 0, 65535));
                case "--host" -> builder.host(value);
                case "--seed" -> builder.seed(number(option, value, Long.MIN_VALUE, Long.MAX_VALUE));
                case "--rows" -> builder.rowCount(number(option, value, 0, Integer.MAX_VALUE));
                case "--row-shape" -> builder.rowShape(FieldSpec.parseShape(value));
                case "--client-id" -> clientId = value;
                case "--client-secret" -> clientSecret = value;
                case "--access-key-id" -> accessKeyId = value;
                case "--access-key-secret" -> accessKeySecret = value;
                case "--tenant-id" -> builder.tenantId(value);
                case "--token-ttl-seconds" ->
                    builder.tokenLifetime(Duration.ofSeconds(number(option, value, 1, Integer.MAX_VALUE)));
                case "--job-running-ms" ->
                    builder.jobRunningTime(Duration.ofMillis(number(option, value, 0, Integer.MAX_VALUE)));
                case "--url-validity-seconds" ->
                    builder.downloadUrlValidity(Duration.ofSeconds(number(option, value, 1, Integer.MAX_VALUE)));
                case "--throttle-seconds" ->
                    builder.throttleInterval(Duration.ofSeconds(number(option, value, 0, Integer.MAX_VALUE)));
                case "--max-window-days" -> builder.maxWindowDays((int) number(option, value, 1, 3650));
                case "--reporting-backlog" -> reportingBacklog = number(option, value, 0, 100_000_000);
                case "--reporting-spacing-ms" ->
                    reportingSpacing = Duration.ofMillis(number(option, value, 1, 86_400_000));
                case "--reporting-update-share" -> reportingUpdateShare = share(option, value);
                case "--reporting-lag-seconds" -> reportingLag = Duration.ofSeconds(number(option, value, 0, 86_400));
                case "--reporting-call-ms" ->
                    builder.reportingCallInterval(Duration.ofMillis(number(option, value, 0, 3_600_000)));
                case "--faults" -> faultsFile = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        builder.reporting(
                reportingBacklog,
                reportingSpacing,
                reportingUpdateShare,
                base.reporting().updateDelayMax(),
                reportingLag);
        SimulatorOptions defaults = builder.build();
        builder.client(
                clientId != null ? clientId : defaults.clientId(),
                clientSecret != null ? clientSecret : defaults.clientSecret());
        builder.accessKey(
                accessKeyId != null ? accessKeyId : defaults.accessKeyId(),
                accessKeySecret != null ? accessKeySecret : defaults.accessKeySecret());
        if (faultsFile != null) {
            builder.faults(readFaults(faultsFile, defaults.rowShape()));
        }
        return builder.build();
    }

    private static double share(String option, String value) {
        try {
            double share = Double.parseDouble(value);
            if (share >= 0 && share <= 1) {
                return share;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a number 0..1, got '" + value + "'");
    }

    private static List<FaultSpec> readFaults(Path file, List<FieldSpec> rowShape) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("--faults: cannot read " + file + ": " + e.getMessage());
        }
        List<FaultSpec> faults = new ArrayList<>();
        try {
            JsonNode node = Json.parse(text);
            if (node.isArray()) {
                node.forEach(fault -> faults.add(FaultSpec.fromJson(fault, rowShape)));
            } else {
                faults.add(FaultSpec.fromJson(node, rowShape));
            }
        } catch (ApiException e) {
            throw new IllegalArgumentException("--faults " + file + ": " + e.getMessage());
        }
        return faults;
    }

    private static long number(String option, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be an integer, got '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(option + " must be in " + min + ".." + max + ", got " + parsed);
        }
        return parsed;
    }

    private static void useBundledLogConfigUnlessGiven() {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            URL config = CxoneSimulatorMain.class.getResource("simulator-log4j2.properties");
            if (config != null) {
                System.setProperty("log4j2.configurationFile", config.toString());
            }
        }
    }
}
