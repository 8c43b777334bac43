package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one process) from the kafka_2.13 jar.
 * Settings come from {@code config/kafka-server.properties}; only the data folder is added here.
 * The storage folder is formatted on first start, and kept across restarts until {@code ./stack reset}.
 */
public final class KafkaBrokerService implements StackService {

    private final String classpath;
    private final Path configTemplate;
    private final Path log4jConfig;
    private final Path dataDir;
    private final Path logFile;

    public KafkaBrokerService(String classpath, Path configTemplate, Path log4jConfig, Path dataDir, Path logFile) {
        this.classpath = classpath;
        this.configTemplate = configTemplate;
        this.log4jConfig = log4jConfig;
        this.dataDir = dataDir;
        this.logFile = logFile;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public String url() {
        return bootstrapServers();
    }

    public String bootstrapServers() {
        return StackConfig.load(configTemplate)
                .getProperty("advertised.listeners")
                .replace("PLAINTEXT://", "");
    }

    @Override
    public List<Integer> ports() {
        return StackConfig.listenerPorts(StackConfig.load(configTemplate).getProperty("listeners"));
    }

    @Override
    public ManagedProcess start() {
        Path serverProperties = dataDir.resolve("server.properties");
        Path logDirs = dataDir.resolve("log");
        try {
            Files.createDirectories(dataDir);
            Properties props = StackConfig.load(configTemplate);
            props.setProperty("log.dirs", logDirs.toString());
            StackConfig.store(props, serverProperties, "generated from " + configTemplate + " by ./stack");
        } catch (IOException e) {
            throw new StackException("kafka: could not write " + serverProperties + ": " + e.getMessage(), e);
        }
        List<String> jvmArgs = List.of("-Dlog4j2.configurationFile=" + log4jConfig.toUri());
        if (!Files.exists(logDirs.resolve("meta.properties"))) {
            format(serverProperties, jvmArgs);
        }
        List<String> brokerArgs = new ArrayList<>(JavaCommand.KAFKA_JVM_PERFORMANCE_OPTS);
        brokerArgs.addAll(jvmArgs);
        return ManagedProcess.start(
                name(),
                JavaCommand.of("512m", classpath, brokerArgs, "kafka.Kafka", List.of(serverProperties.toString())),
                Map.of(),
                dataDir,
                logFile);
    }

    private void format(Path serverProperties, List<String> jvmArgs) {
        List<String> command = JavaCommand.of(
                "256m",
                classpath,
                jvmArgs,
                "kafka.tools.StorageTool",
                List.of(
                        "format",
                        "--ignore-formatted",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        serverProperties.toString()));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new StackException("kafka: formatting the storage folder " + dataDir + " failed.\n"
                        + ManagedProcess.tail(logFile, 15));
            }
        } catch (IOException e) {
            throw new StackException("kafka: could not run the storage format tool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("kafka: interrupted while formatting storage", e);
        }
    }

    @Override
    public boolean isHealthy() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                    .nodes()
                    .get(4, TimeUnit.SECONDS)
                    .isEmpty();
        } catch (Exception e) {
            return false;
        }
    }
}
