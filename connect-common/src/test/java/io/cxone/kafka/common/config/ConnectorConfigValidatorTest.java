package io.cxone.kafka.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class ConnectorConfigValidatorTest {

    static final ConfigDef DEF = new ConfigDef()
            .define("mode", ConfigDef.Type.STRING, "none", ConfigDef.Importance.HIGH, "auth mode")
            .define("user", ConfigDef.Type.STRING, "", ConfigDef.Importance.HIGH, "user")
            .define(
                    "port",
                    ConfigDef.Type.INT,
                    80,
                    ConfigDef.Range.between(1, 65_535),
                    ConfigDef.Importance.LOW,
                    "port");

    static final class Validator extends ConnectorConfigValidator<AbstractConfig> {
        int combinationChecks;

        Validator() {
            super(DEF);
        }

        @Override
        protected AbstractConfig parse(Map<String, String> props) {
            return new AbstractConfig(DEF, props, false);
        }

        @Override
        protected void checkCombinations(AbstractConfig config, ConfigProblems problems) {
            combinationChecks++;
            if (config.getString("mode").equals("basic")
                    && config.getString("user").isBlank()) {
                problems.add("user", "is required with mode=basic");
            }
            if (config.getInt("port") == 1) {
                problems.add("internal.setting", "port 1 is reserved");
            }
        }

        @Override
        protected String fallbackField() {
            return "mode";
        }
    }

    @Test
    void attachesACombinationProblemToTheSettingToFix() {
        Map<String, ConfigValue> result = errors(new Validator(), Map.of("mode", "basic"));
        assertThat(result.get("user").errorMessages()).containsExactly("is required with mode=basic");
        assertThat(result.get("mode").errorMessages()).isEmpty();
    }

    @Test
    void aProblemOnAnUnlistedSettingGoesOnTheFallbackNamingIt() {
        Map<String, ConfigValue> result = errors(new Validator(), Map.of("port", "1"));
        assertThat(result.get("mode").errorMessages()).containsExactly("internal.setting: port 1 is reserved");
    }

    @Test
    void combinationsWaitUntilEverySingleSettingParses() {
        Validator validator = new Validator();
        Map<String, ConfigValue> result = errors(validator, Map.of("mode", "basic", "port", "0"));
        assertThat(result.get("port").errorMessages()).hasSize(1);
        assertThat(result.get("user").errorMessages()).isEmpty();
        assertThat(validator.combinationChecks).isZero();
    }

    @Test
    void parseValidRefusesWithTheFirstErrorAndReturnsTheConfigOtherwise() {
        assertThatThrownBy(() -> new Validator().parseValid(Map.of("mode", "basic")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("user: is required with mode=basic");
        assertThat(new Validator()
                        .parseValid(Map.of("mode", "basic", "user", "u"))
                        .getString("user"))
                .isEqualTo("u");
    }

    @Test
    void problemsThrowTheFirstOneNamingItsSetting() {
        ConfigProblems problems =
                new ConfigProblems().add("a", "one").add("a", "two").add("b", "three");
        assertThat(problems.of("a")).containsExactly("one", "two");
        assertThatThrownBy(problems::throwIfAny).hasMessage("a: one; two");
        new ConfigProblems().throwIfAny();
    }

    private static Map<String, ConfigValue> errors(Validator validator, Map<String, String> props) {
        return validator.validate(props).configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, Function.identity()));
    }
}
