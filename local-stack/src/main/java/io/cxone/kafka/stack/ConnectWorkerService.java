package io.cxone.kafka.stack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A Kafka Connect distributed worker (exactly-once source support on) whose plugin.path holds the
 * project's built plugin folders. Settings come from {@code config/connect-distributed.properties}, with per-worker
 * settings on top ({@link #memberSettings}); connector secrets from its config providers, fed by {@code
 * config/secrets} ({@link WorkerSecrets}).
 */
public final class ConnectWorkerService implements StackService {

    private final String name;
    private final String classpath;
    private final Path configTemplate;
    private final Map<String, String> overrides;
    private final Path log4jConfig;
    private final List<Path> pluginPath;
    private final Path workDir;
    private final Path logFile;
    private final List<String> dependsOn;

    /** The template's worker as it is, named {@code connect}. */
    public ConnectWorkerService(
            String classpath,
            Path configTemplate,
            Path log4jConfig,
            List<Path> pluginPath,
            Path workDir,
            Path logFile) {
        this(
                "connect",
                classpath,
                configTemplate,
                Map.of(),
                log4jConfig,
                pluginPath,
                workDir,
                logFile,
                List.of("kafka"));
    }

    public ConnectWorkerService(
            String name,
            String classpath,
            Path configTemplate,
            Map<String, String> overrides,
            Path log4jConfig,
            List<Path> pluginPath,
            Path workDir,
            Path logFile,
            List<String> dependsOn) {
        this.name = name;
        this.dependsOn = List.copyOf(dependsOn);
        this.classpath = classpath;
        this.configTemplate = configTemplate;
        this.overrides = Map.copyOf(overrides);
        this.log4jConfig = log4jConfig;
        this.pluginPath = pluginPath;
        this.workDir = workDir;
        this.logFile = logFile;
    }

    /**
     * Worker {@code index} (from 1) of the stack's Connect group: REST port of the template plus {@code index − 1}
     * (8083, 8084, …), every broker to bootstrap from, and internal topics replicated {@code replicationFactor} times.
     */
    public static Map<String, String> memberSettings(
            Properties template, int index, String bootstrapServers, int replicationFactor) {
        URI listener =
                URI.create(template.getProperty("listeners").split(",")[0].trim());
        int port = listener.getPort() + index - 1;
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap.servers", bootstrapServers);
        s.put("listeners", listener.getScheme() + "://" + listener.getHost() + ":" + port);
        s.put("rest.advertised.port", Integer.toString(port));
        for (String topic : List.of("config", "offset", "status")) {
            s.put(topic + ".storage.replication.factor", Integer.toString(replicationFactor));
        }
        return s;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String url() {
        return settings().getProperty("listeners");
    }

    /** How this worker names itself in connector and task status ({@code worker_id}). */
    public String workerId() {
        Properties s = settings();
        URI listener = URI.create(url());
        return s.getProperty("rest.advertised.host.name", listener.getHost()) + ":"
                + s.getProperty("rest.advertised.port", Integer.toString(listener.getPort()));
    }

    @Override
    public List<Integer> ports() {
        return StackConfig.listenerPorts(url());
    }

    @Override
    public List<String> dependsOn() {
        return dependsOn;
    }

    @Override
    public Duration startTimeout() {
        return Duration.ofSeconds(120);
    }

    private Properties settings() {
        return StackConfig.derived(configTemplate, overrides);
    }

    /** The generated worker config: template, per-worker settings, plugin.path and the secrets' config providers. */
    public Properties workerProperties() {
        Properties props = settings();
        props.setProperty("plugin.path", pluginPath.stream().map(Path::toString).collect(Collectors.joining(",")));
        props.putAll(WorkerSecrets.providerSettings(props, WorkerSecrets.secretsDir(configTemplate)));
        return props;
    }

    @Override
    public ManagedProcess start() {
        for (Path dir : pluginPath) {
            if (!Files.isDirectory(dir)) {
                throw new StackException(name + ": plugin folder " + dir + " is missing: build the plugins first"
                        + " (mvn -q -DskipTests package)");
            }
        }
        Path workerProperties = workDir.resolve("connect-distributed.properties");
        try {
            Files.createDirectories(workDir);
            // the file provider refuses to start on a folder that does not exist (a template of its own, e.g. a test's)
            Files.createDirectories(WorkerSecrets.secretsDir(configTemplate));
            StackConfig.store(workerProperties(), workerProperties, "generated from " + configTemplate + " by ./stack");
        } catch (IOException e) {
            throw new StackException(name + ": could not write " + workerProperties + ": " + e.getMessage(), e);
        }
        List<String> jvmArgs = new ArrayList<>(JavaCommand.KAFKA_JVM_PERFORMANCE_OPTS);
        jvmArgs.add("-Dlog4j2.configurationFile=" + log4jConfig.toUri());
        return ManagedProcess.start(
                name,
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
