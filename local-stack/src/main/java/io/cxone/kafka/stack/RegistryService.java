package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Apicurio Registry 2.6 (in-memory storage), serving the native API and the Confluent-compatible
 * {@code /apis/ccompat/v7} API on one port, management interface off.
 *
 * <p>In-memory storage forgets schemas on restart while Kafka topics keep the schema ids in their bytes.
 * So when given a {@code snapshot} file, the service exports its content there before it stops and
 * imports it after the next start; the export keeps global and content ids, so old records still resolve.
 */
public final class RegistryService implements StackService {

    private final Path runnerJar;
    private final Path workDir;
    private final Path logFile;
    private final int port;
    private final Path snapshot;

    public RegistryService(Path runnerJar, Path workDir, Path logFile, int port, Path snapshot) {
        this.runnerJar = runnerJar;
        this.workDir = workDir;
        this.logFile = logFile;
        this.port = port;
        this.snapshot = snapshot;
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
        List<String> command = List.of(JavaCommand.javaHome().resolve("bin/java").toString(),
                "-Xmx384m", "-jar", runnerJar.toString());
        Map<String, String> env = Map.of(
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_MANAGEMENT_ENABLED", "false",
                // Quarkus also opens a dev/test port unless told otherwise; keep everything on one port.
                "QUARKUS_HTTP_TEST_PORT", "0");
        return ManagedProcess.start(name(), command, env, workDir, logFile);
    }

    @Override
    public boolean isHealthy() {
        return HttpProbe.isOk(ccompatUrl() + "/subjects");
    }

    @Override
    public void afterStart() {
        if (snapshot == null || !Files.isRegularFile(snapshot)) {
            return;
        }
        try {
            var response = HttpProbe.postFile(apicurioApiUrl() + "/admin/import", "application/zip", snapshot);
            if (response.statusCode() / 100 != 2) {
                throw new StackException("schema-registry: restoring schemas from " + snapshot + " failed with HTTP "
                        + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new StackException("schema-registry: restoring schemas from " + snapshot + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void beforeStop() {
        if (snapshot == null || !isHealthy()) {
            return;
        }
        try {
            Files.createDirectories(snapshot.getParent());
            Path partial = snapshot.resolveSibling(snapshot.getFileName() + ".partial");
            var response = HttpProbe.download(apicurioApiUrl() + "/admin/export", partial);
            if (response.statusCode() == 200) {
                Files.move(partial, snapshot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(partial);
                System.err.println("schema-registry: export answered HTTP " + response.statusCode()
                        + "; schemas registered in this run will not survive the restart");
            }
        } catch (IOException e) {
            System.err.println("schema-registry: export failed (" + e.getMessage()
                    + "); schemas registered in this run will not survive the restart");
        }
    }
}
