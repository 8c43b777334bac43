package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Elasticsearch from the integ-test distribution: single node, security off, loopback only.
 *
 * <p>Elasticsearch refuses to run as root. When the launcher is root (CI and these machines), it runs the
 * server as the unprivileged system user {@value #ES_USER}, created on first use, owning only this
 * instance's folder (config copy, data, logs, tmp). The distribution itself stays read-only and shared.
 */
public final class ElasticsearchService implements StackService {

    static final String ES_USER = "cxone-es";

    private final Path home;
    private final Path instanceDir;
    private final Path logFile;
    private final int httpPort;
    private final int transportPort;
    private final String heap;

    public ElasticsearchService(
            Path home, Path instanceDir, Path logFile, int httpPort, int transportPort, String heap) {
        this.home = home;
        this.instanceDir = instanceDir;
        this.logFile = logFile;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
        this.heap = heap;
    }

    @Override
    public String name() {
        return "elasticsearch";
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    @Override
    public List<Integer> ports() {
        return List.of(httpPort, transportPort);
    }

    /**
     * Measured: with 30-60 runnable processes on 2 cores (parallel builds), Elasticsearch took about 150 s or more
     * from launch to healthy; 150 s failed most starts there, so the deadline leaves room for that.
     */
    @Override
    public Duration startTimeout() {
        return Duration.ofSeconds(300);
    }

    @Override
    public Duration stopGrace() {
        return Duration.ofSeconds(30);
    }

    @Override
    public ManagedProcess start() {
        Path config = instanceDir.resolve("config");
        try {
            for (String dir : List.of("data", "logs", "tmp")) {
                Files.createDirectories(instanceDir.resolve(dir));
            }
            copyConfig(home.resolve("config"), config);
            Files.writeString(
                    config.resolve("elasticsearch.yml"),
                    String.join(
                            "\n",
                            "cluster.name: cxone-local",
                            "node.name: cxone-local-1",
                            "path.data: " + instanceDir.resolve("data"),
                            "path.logs: " + instanceDir.resolve("logs"),
                            "network.host: 127.0.0.1",
                            "http.port: " + httpPort,
                            "transport.port: " + transportPort,
                            "discovery.type: single-node",
                            "xpack.security.enabled: false",
                            // A developer disk that is 90% full must not turn every index read-only.
                            "cluster.routing.allocation.disk.threshold_enabled: false",
                            "action.destructive_requires_name: false",
                            ""));
        } catch (IOException e) {
            throw new StackException("elasticsearch: could not prepare " + instanceDir + ": " + e.getMessage(), e);
        }

        List<String> command = new ArrayList<>();
        if (RunAs.isRoot()) {
            RunAs.ensureSystemUser(ES_USER);
            RunAs.requireReachable(ES_USER, home);
            RunAs.requireReachable(ES_USER, instanceDir);
            RunAs.chownTree(ES_USER, instanceDir);
            command.addAll(RunAs.prefix(ES_USER));
        }
        command.add(home.resolve("bin/elasticsearch").toString());
        Map<String, String> env = Map.of(
                "ES_JAVA_HOME", JavaCommand.javaHome().toString(),
                "ES_PATH_CONF", config.toString(),
                "ES_TMPDIR", instanceDir.resolve("tmp").toString(),
                "ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap,
                "HOME", instanceDir.toString());
        return ManagedProcess.start(name(), command, env, instanceDir, logFile);
    }

    private static void copyConfig(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target)) {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                    Files.setPosixFilePermissions(
                            target,
                            Set.of(
                                    PosixFilePermission.OWNER_READ,
                                    PosixFilePermission.OWNER_WRITE,
                                    PosixFilePermission.GROUP_READ));
                }
            }
        }
    }

    @Override
    public boolean isHealthy() {
        try {
            var response = HttpProbe.get(url() + "/_cluster/health");
            return response.statusCode() == 200 && !response.body().contains("\"status\":\"red\"");
        } catch (IOException e) {
            return false;
        }
    }
}
