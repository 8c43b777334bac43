package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxone.kafka.simulator.CxoneSimulator;
import io.cxone.kafka.simulator.SimulatorOptions;
import io.cxone.kafka.simulator.http.Endpoint;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Combinations reported on the setting to fix; the credentials check only when asked for; the enum spellings accepted. */
class ExportConfigValidatorTest {

    private final ExportConfigValidator validator = new ExportConfigValidator();

    private static Map<String, String> records(String baseUrl, String secret) {
        Map<String, String> props = ExportSourceConfigTest.records(baseUrl);
        props.put(ExportSourceConfig.CLIENT_SECRET, secret);
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        return ExportSourceConfigTest.errors(props);
    }

    @Test
    void eachCombinationErrorLandsOnTheSettingToFix() {
        Map<String, String> props = records("http://127.0.0.1:8700", "secret");
        props.remove(ExportSourceConfig.REPORTS);
        props.put(ExportSourceConfig.SCHEMA_DRIFT_POLICY, "route");
        props.put(ExportSourceConfig.RETRY_BACKOFF_MS, "5000");
        props.put(ExportSourceConfig.RETRY_BACKOFF_MAX_MS, "1000");

        Map<String, List<String>> errors = errors(props);
        assertThat(errors)
                .containsOnlyKeys(
                        ExportSourceConfig.REPORTS,
                        ExportSourceConfig.DRIFT_TOPIC,
                        ExportSourceConfig.RETRY_BACKOFF_MS);
        assertThat(errors.get(ExportSourceConfig.DRIFT_TOPIC))
                .singleElement()
                .asString()
                .contains("schema.drift.policy=route");
        assertThat(errors.get(ExportSourceConfig.RETRY_BACKOFF_MS))
                .singleElement()
                .asString()
                .contains("retry.backoff.max.ms");
        assertThatThrownBy(() -> validator.parseValid(props))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(errors)
                        .containsKey(e.getMessage().substring(0, e.getMessage().indexOf(": "))));

        Map<String, String> dataExtraction = records("http://127.0.0.1:8700", "secret");
        dataExtraction.put(ExportSourceConfig.API_FLAVOUR, "data-extraction");
        assertThat(errors(dataExtraction))
                .containsOnlyKeys(ExportSourceConfig.ENTITIES, ExportSourceConfig.ACCESS_KEY_ID);
    }

    @Test
    void combinationsWaitUntilEverySingleSettingIsValid() {
        Map<String, String> props = records("http://127.0.0.1:8700", "secret");
        props.remove(ExportSourceConfig.REPORTS);
        props.put(ExportSourceConfig.CHUNK_SIZE, "0");
        assertThat(errors(props)).containsOnlyKeys(ExportSourceConfig.CHUNK_SIZE);
    }

    @Test
    void enumSettingsAcceptTheSpellingsTheyAcceptedBefore() {
        Map<String, String> props = records("http://127.0.0.1:8700", "secret");
        props.put(ExportSourceConfig.API_FLAVOUR, "RECORDS");
        props.put(ExportSourceConfig.CHECKSUM_MISMATCH_POLICY, "Restart-Window");
        props.put(ExportSourceConfig.SCHEMA_DRIFT_POLICY, "EVOLVE");
        ExportSourceConfig config = validator.parseValid(props);
        assertThat(config.apiFlavour()).isEqualTo(ApiFlavour.RECORDS);
        assertThat(config.checksumMismatchPolicy()).isEqualTo(ExportSourceConfig.ChecksumMismatchPolicy.RESTART_WINDOW);
        assertThat(config.driftPolicy()).isEqualTo(ExportSourceConfig.DriftPolicy.EVOLVE);

        props.put(ExportSourceConfig.SCHEMA_DRIFT_POLICY, "drop");
        assertThat(errors(props).get(ExportSourceConfig.SCHEMA_DRIFT_POLICY))
                .singleElement()
                .asString()
                .contains("[fail, warn, route, evolve]");
    }

    @Test
    void credentialsAreCheckedAgainstCxoneOnlyWhenValidatingWithTheCheckOnAndARefusalLandsOnTheSecret() {
        try (CxoneSimulator simulator =
                CxoneSimulator.start(SimulatorOptions.builder().port(0).build())) {
            Map<String, String> wrongSecret = records(simulator.baseUrl(), "not-the-secret");
            wrongSecret.put(ExportSourceConfig.CLIENT_ID, simulator.options().clientId());

            assertThat(errors(wrongSecret)).as("off by default").isEmpty();
            assertThat(simulator.requests().count(Endpoint.TOKEN))
                    .as("no network when off")
                    .isZero();

            wrongSecret.put(ExportSourceConfig.VALIDATE_CREDENTIALS, "true");
            Map<String, List<String>> errors = errors(wrongSecret);
            assertThat(errors).containsOnlyKeys(ExportSourceConfig.CLIENT_SECRET);
            assertThat(errors.get(ExportSourceConfig.CLIENT_SECRET))
                    .singleElement()
                    .asString()
                    .contains("refused the credentials")
                    .doesNotContain("not-the-secret");
            assertThat(simulator.requests().count(Endpoint.TOKEN))
                    .as("one attempt, no retries")
                    .isEqualTo(1);
            assertThat(ExportConfigValidator.parseForStart(wrongSecret)
                            .getBoolean(ExportSourceConfig.VALIDATE_CREDENTIALS))
                    .isTrue();
            assertThat(simulator.requests().count(Endpoint.TOKEN))
                    .as("start() does not check again")
                    .isEqualTo(1);

            Map<String, String> rightSecret =
                    records(simulator.baseUrl(), simulator.options().clientSecret());
            rightSecret.put(ExportSourceConfig.CLIENT_ID, simulator.options().clientId());
            rightSecret.put(ExportSourceConfig.VALIDATE_CREDENTIALS, "true");
            assertThat(errors(rightSecret)).isEmpty();
        }
    }
}
