package io.cxone.kafka.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.junit.jupiter.api.Test;

/** The worker's config providers as ./stack and the test harness set them up, exercised with Kafka's own provider. */
class WorkerSecretsTest {

    private static final Path TEMPLATE =
            Path.of("../config/connect-distributed.properties").toAbsolutePath().normalize();

    @Test
    void theFileProviderReadsTheCheckoutsSecretsFolderAndNothingElse() {
        Path secretsDir = WorkerSecrets.secretsDir(TEMPLATE);
        Map<String, String> settings = WorkerSecrets.providerSettings(StackConfig.load(TEMPLATE), secretsDir);
        assertThat(settings)
                .containsEntry(WorkerSecrets.FILE_ALLOWED_PATHS, secretsDir.toString())
                .containsKeys("config.providers", WorkerSecrets.ENV_ALLOWLIST_PATTERN);
        Map<String, String> env = WorkerSecrets.environment(secretsDir);
        assertThat(env).containsKey("CXONE_CLIENT_SECRET");

        try (FileConfigProvider provider = new FileConfigProvider()) {
            provider.configure(Map.of("allowed.paths", settings.get(WorkerSecrets.FILE_ALLOWED_PATHS)));
            ConfigData inside =
                    provider.get(secretsDir.resolve(WorkerSecrets.ENV_FILE).toString(), Set.of("CXONE_CLIENT_SECRET"));
            assertThat(inside.data()).containsEntry("CXONE_CLIENT_SECRET", env.get("CXONE_CLIENT_SECRET"));
            assertThat(provider.get(TEMPLATE.toString(), Set.of("group.id")).data())
                    .as("outside allowed.paths")
                    .isEmpty();
        }
    }
}
