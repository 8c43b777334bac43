package io.cxone.kafka.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a Connect worker of this project gets connector secrets: the config providers of
 * {@code config/connect-distributed.properties} ({@code ${env:CXONE_...}} and {@code ${file:...}} under
 * {@code allowed.paths}), and the demo credentials of {@code config/secrets/local-stack.env}. Shared by {@code ./stack}'s
 * worker process and the test harness's embedded worker, so both resolve {@code connectors/*.json} alike.
 */
public final class WorkerSecrets {

    public static final String PROVIDERS_PREFIX = "config.providers";
    public static final String FILE_ALLOWED_PATHS = "config.providers.file.param.allowed.paths";
    public static final String ENV_ALLOWLIST_PATTERN = "config.providers.env.param.allowlist.pattern";
    public static final String ENV_FILE = "local-stack.env";

    private WorkerSecrets() {}

    /** {@code config/secrets} beside the worker template {@code config/connect-distributed.properties}. */
    public static Path secretsDir(Path workerTemplate) {
        return workerTemplate.toAbsolutePath().getParent().resolve("secrets");
    }

    /**
     * The template's {@code config.providers*} settings, the file provider allowed to read only {@code secretsDir}
     * (the template names the folder the production layouts mount; a checkout keeps it in {@code config/secrets}).
     */
    public static Map<String, String> providerSettings(Properties workerTemplate, Path secretsDir) {
        Map<String, String> settings = new TreeMap<>();
        for (String key : workerTemplate.stringPropertyNames()) {
            if (key.startsWith(PROVIDERS_PREFIX)) {
                settings.put(key, workerTemplate.getProperty(key));
            }
        }
        if (settings.containsKey(FILE_ALLOWED_PATHS)) {
            settings.put(
                    FILE_ALLOWED_PATHS, secretsDir.toAbsolutePath().normalize().toString());
        }
        return settings;
    }

    /**
     * The variables of {@code config/secrets/local-stack.env} (NAME=value lines), for the worker's environment; none
     * when the folder has no such file (a worker template of its own, e.g. a test's, that references no secret).
     */
    public static Map<String, String> environment(Path secretsDir) {
        Path file = secretsDir.resolve(ENV_FILE);
        if (!Files.exists(file)) {
            return Map.of();
        }
        Properties env = StackConfig.load(file);
        Map<String, String> variables = new TreeMap<>();
        env.stringPropertyNames().forEach(name -> variables.put(name, env.getProperty(name)));
        return variables;
    }
}
