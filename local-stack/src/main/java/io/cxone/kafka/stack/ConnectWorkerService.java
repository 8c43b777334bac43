package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A Kafka Connect distributed worker (exactly-once source support on) whose plugin.path holds the
 * project's built plugin folders. Settings come from {@code config/connect-distributed.properties}; connector secrets
 * from its config providers, fed by {@code config/secrets} ({@link WorkerSecrets}).
 */
public final class ConnectWorkerService implements StackService {

    private final String classpath;
    private final Path configTemplate;
    private final Path log4jConfig;
    private final List<Path> pluginPath;
    private final Path workDir;
    private final Path logFile;

    public ConnectWorkerService(
            String classpath,
            Path configTemplate,
            Path log4jConfig,
            List<Path> pluginPath,
            Path workDir,
            Path logFile) {
        this.classpath = classpath;
        this.configTemplate = configTemplate;
        this.log4jConfig = log4jConfig;
        this.pluginPath = pluginPath;
        this.workDir = workDir;
        this.logFile = logFile;
    }

    @Override
    public String name() {
        return "connect";
    }

    @Override
    public String url() {
        return StackConfig.load(configTemplate).getProperty("listeners");
    }

    @Override
    public List<Integer> ports() {
        return StackConfig.listenerPorts(url());
    }

    @Override
    public List<String> dependsOn() {
        return List.of("kafka");
    }

    @Override
    public Duration startTimeout() {
        return Duration.ofSeconds(120);
    }

    @Override
    public ManagedProcess start() {
        for (Path dir : pluginPath) {
            if (!Files.isDirectory(dir)) {
                throw new StackException("connect: plugin folder " + dir + " is missing: build the plugins first"
                        + " (mvn -q -DskipTests package)");
            }
        }
        Path workerProperties = workDir.resolve("connect-distributed.properties");
        try {
            Files.createDirectories(workDir);
            Properties props = StackConfig.load(configTemplate);
            props.setProperty(
                    "plugin.path", pluginPath.stream().map(Path::toString).collect(Collectors.joining(",")));
            Path secretsDir = WorkerSecrets.secretsDir(configTemplate);
            // the file provider refuses to start on a folder that does not exist (a template of its own, e.g. a test's)
            Files.createDirectories(secretsDir);
            props.putAll(WorkerSecrets.providerSettings(props, secretsDir));
            StackConfig.store(props, workerProperties, "generated from " + configTemplate + " by ./stack");
        } catch (IOException e) {
            throw new StackException("connect: could not write " + workerProperties + ": " + e.getMessage(), e);
        }
        List<String> jvmArgs = new ArrayList<>(JavaCommand.KAFKA_JVM_PERFORMANCE_OPTS);
        jvmArgs.add("-Dlog4j2.configurationFile=" + log4jConfig.toUri());
        return ManagedProcess.start(
                name(),
                JavaCommand.of(
                        "768m",
                        classpath,
                        jvmArgs,
                        "org.apache.kafka.connect.cli.ConnectDistributed",
                        List.of(workerProperties.toString())),
                WorkerSecrets.environment(WorkerSecrets.secretsDir(configTemplate)),
                workDir,
                logFile);
    }

    @Override
    public boolean isHealthy() {
        return HttpProbe.isOk(url() + "/connectors");
    }
}
