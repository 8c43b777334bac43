package io.cxone.kafka.common.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Enum-valued settings, written in configs as lower-case words with dashes ({@code DATA_EXTRACTION} is
 * {@code data-extraction}) unless the enum says otherwise ({@link Named}), and read case-insensitively with either
 * dashes or underscores, or as the name {@link Named} gives.
 */
public final class ConfigEnums {

    /** An enum whose values are written some other way, e.g. as the name another system gives them. */
    public interface Named {
        String configName();
    }

    private ConfigEnums() {}

    /** How a constant is written in a config: {@code data-extraction}, or what {@link Named} says. */
    public static String configName(Enum<?> constant) {
        return constant instanceof Named named
                ? named.configName()
                : constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every constant as written in a config, in declaration order. */
    public static List<String> configNames(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(ConfigEnums::configName)
                .toList();
    }

    /** The constant a config value names; {@link ConfigException} listing the choices otherwise. */
    public static <E extends Enum<E>> E parse(Class<E> type, String setting, String value) {
        String given = value == null ? "" : value.trim();
        String wanted = given.toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted) || configName(constant).equalsIgnoreCase(given)) {
                return constant;
            }
        }
        throw new ConfigException(setting, value, "must be one of " + configNames(type));
    }

    /** Accepts exactly what {@link #parse} accepts; documents the choices. */
    public static ConfigDef.Validator validator(Class<? extends Enum<?>> type) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                parseAny(type, name, value == null ? null : value.toString());
            }

            @Override
            public String toString() {
                return "one of " + configNames(type) + " (case-insensitive)";
            }
        };
    }

    /** Offers the choices to UIs that read Connect's validation answer. */
    public static ConfigDef.Recommender recommender(Class<? extends Enum<?>> type) {
        List<Object> values = List.copyOf(configNames(type));
        return new ConfigDef.Recommender() {
            @Override
            public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
                return values;
            }

            @Override
            public boolean visible(String name, Map<String, Object> parsedConfig) {
                return true;
            }
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void parseAny(Class<? extends Enum<?>> type, String setting, String value) {
        parse((Class) type, setting, value);
    }
}
