package io.cxone.kafka.common.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Problems found between settings, each kept under the setting a user should change: Connect's validation answer
 * (and the UIs built on it) shows an error next to the field it is attached to, so "set X when Y" belongs on X.
 */
public final class ConfigProblems {

    private final Map<String, List<String>> byField = new LinkedHashMap<>();

    public ConfigProblems add(String field, String problem) {
        byField.computeIfAbsent(field, f -> new ArrayList<>()).add(problem);
        return this;
    }

    public boolean isEmpty() {
        return byField.isEmpty();
    }

    /** The problems of one setting, in the order found. */
    public List<String> of(String field) {
        return byField.getOrDefault(field, List.of());
    }

    public Map<String, List<String>> asMap() {
        return byField;
    }

    /**
     * Adds each problem to the result of its setting; a problem about a setting the results do not list (an internal
     * or unknown one) would vanish, so it goes on {@code fallbackField} naming the setting.
     */
    public void attachTo(List<ConfigValue> results, String fallbackField) {
        byField.forEach((field, problems) -> {
            ConfigValue target = find(results, field);
            for (String problem : problems) {
                if (target != null) {
                    target.addErrorMessage(problem);
                } else {
                    ConfigValue fallback = find(results, fallbackField);
                    if (fallback != null) {
                        fallback.addErrorMessage(field + ": " + problem);
                    }
                }
            }
        });
    }

    /** Throws the first problem as a {@link ConfigException} naming its setting: for {@code start()}. */
    public void throwIfAny() {
        byField.entrySet().stream().findFirst().ifPresent(first -> {
            throw new ConfigException(first.getKey() + ": " + String.join("; ", first.getValue()));
        });
    }

    private static ConfigValue find(List<ConfigValue> results, String field) {
        return results.stream().filter(v -> v.name().equals(field)).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return byField.toString();
    }
}
