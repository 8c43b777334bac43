package io.cxone.kafka.simulator.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Value types of generated fields. JSON carries them natively; timestamps are ISO-8601 UTC strings with millis. */
public enum FieldType {
    STRING,
    LONG,
    DOUBLE,
    BOOLEAN,
    TIMESTAMP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FieldType fromWireName(String field, String name) {
        for (FieldType type : values()) {
            if (type.wireName().equalsIgnoreCase(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException(field + " '" + name + "' is not a field type; use one of " + allWireNames());
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(FieldType::wireName).collect(Collectors.joining(", "));
    }
}
