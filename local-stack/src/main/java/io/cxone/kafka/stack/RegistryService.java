package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Apicurio Registry 2.6, serving the native API and the Confluent-compatible {@code /apis/ccompat/v7} API on
 * one port, management interface off.
 *
 * <p>The 2.6 app keeps its "in-memory" storage in H2. Given a {@code storageDir}, H2 is pointed at a file
 * there instead, so schemas survive any restart (also a crash: {@code WRITE_DELAY=0} makes every commit reach
 * the file at once) and schema ids stored in Kafka records keep resolving. Without one (tests), storage stays
 * in memory and each run starts empty.
 */
public final class RegistryService implements StackService {

    private final Path runnerJar;
    private final Path workDir;
    private final Path logFile;
    private final int port;
    private final Path storageDir;

    public RegistryService(Path runnerJar, Path workDir, Path logFile, int port, Path storageDir) {
        this.runnerJar = runnerJar;
        this.workDir = workDir;
        this.logFile = logFile;
        this.port = port;
        this.storageDir = storageDir;
    }

    @Override
    public String name() {
        return "schema-registry";
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Base URL for the Apicurio converter ({@code apicurio.registry.url}). */
    public String apicurioApiUrl() {
        return url() + "/apis/registry/v2";
    }

    /** Base URL of the Confluent-compatible API. */
    public String ccompatUrl() {
        return url() + "/apis/ccompat/v7";
    }

    @Override
    public List<Integer> ports() {
        return List.of(port);
    }

    @Override
    public ManagedProcess start() {
        List<String> command = List.of(
                JavaCommand.javaHome().resolve("bin/java").toString(), "-Xmx384m", "-jar", runnerJar.toString());
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_MANAGEMENT_ENABLED", "false",
                // Quarkus also opens a dev/test port unless told otherwise; keep everything on one port.
                "QUARKUS_HTTP_TEST_PORT", "0"));
        if (storageDir != null) {
            try {
                Files.createDirectories(storageDir);
            } catch (IOException e) {
                throw new StackException(
                        "schema-registry: cannot create its storage directory " + storageDir + ": " + e.getMessage(),
                        e);
            }
            env.put("QUARKUS_DATASOURCE_JDBC_URL", h2FileUrl(storageDir));
        }
        return ManagedProcess.start(name(), command, env, workDir, logFile);
    }

    /** H2 file database in {@code dir}; the registry creates its tables on first start and reuses them after. */
    private static String h2FileUrl(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("registry") + ";WRITE_DELAY=0";
    }

    @Override
    public boolean isHealthy() {
        return HttpProbe.isOk(ccompatUrl() + "/subjects");
    }
}
