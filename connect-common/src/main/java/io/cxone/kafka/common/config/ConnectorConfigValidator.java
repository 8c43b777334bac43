package io.cxone.kafka.common.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The one validation flow of every connector: single settings first (the {@link ConfigDef}'s types, validators and
 * required values); only when they all parse, the combinations ({@link #checkCombinations}), each problem attached to
 * the setting to fix. Combinations of values that do not parse say nothing useful, so they wait.
 * {@code Connector.validate()} returns {@link #validate}; {@code start()} of connector and task call
 * {@link #parseValid}, which refuses the same configurations with the first error.
 *
 * @param <C> the connector's typed configuration
 */
public abstract class ConnectorConfigValidator<C extends AbstractConfig> {

    private final ConfigDef definition;

    protected ConnectorConfigValidator(ConfigDef definition) {
        this.definition = definition;
    }

    /** The typed configuration of settings that passed the {@code ConfigDef}. */
    protected abstract C parse(Map<String, String> props);

    /** Adds the problems between settings of a configuration whose single settings are valid. */
    protected abstract void checkCombinations(C config, ConfigProblems problems);

    /**
     * The setting a problem goes on when it names no listed setting, or when parsing fails for a reason no single
     * validator caught.
     */
    protected abstract String fallbackField();

    /** Connect's validation answer: per-setting errors, then combination errors on the settings to fix. */
    public final Config validate(Map<String, String> props) {
        List<ConfigValue> results = definition.validate(props);
        if (results.stream().allMatch(v -> v.errorMessages().isEmpty())) {
            problems(props).attachTo(results, fallbackField());
        }
        afterValidation(props, results);
        return new Config(results);
    }

    /** The typed configuration, or a {@link ConfigException} naming the first setting to fix. */
    public final C parseValid(Map<String, String> props) {
        for (ConfigValue value : validate(props).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                throw new ConfigException(value.name() + ": " + String.join("; ", value.errorMessages()));
            }
        }
        return parse(props);
    }

    /**
     * A last look at the answer, after every check: for checks that are costly or reach the network (only run when
     * all else is valid), or to redact values Connect would echo. Does nothing by default.
     */
    protected void afterValidation(Map<String, String> props, List<ConfigValue> results) {}

    private ConfigProblems problems(Map<String, String> props) {
        ConfigProblems problems = new ConfigProblems();
        C config;
        try {
            config = parse(props);
        } catch (ConfigException e) {
            return problems.add(fallbackField(), e.getMessage());
        }
        checkCombinations(config, problems);
        return problems;
    }
}
