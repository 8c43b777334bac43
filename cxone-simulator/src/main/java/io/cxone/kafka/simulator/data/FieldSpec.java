package io.cxone.kafka.simulator.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** One column of the generated rows. */
public record FieldSpec(String name, FieldType type) {

    public FieldSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isBlank()) {
            throw new IllegalArgumentException("field name must not be blank");
        }
    }

    /** The {@code --row-shape} form, {@code name:type}. */
    @Override
    public String toString() {
        return name + ":" + type.wireName();
    }

    public static FieldSpec of(String name, FieldType type) {
        return new FieldSpec(name, type);
    }

    /** The default shape: a unique id first (the connector's record key), then one field of every type. */
    public static List<FieldSpec> defaultShape() {
        return List.of(
                of("id", FieldType.STRING),
                of("event_time", FieldType.TIMESTAMP),
                of("agent_id", FieldType.STRING),
                of("duration_ms", FieldType.LONG),
                of("score", FieldType.DOUBLE),
                of("resolved", FieldType.BOOLEAN));
    }

    /** Parses {@code "id:string,event_time:timestamp,..."} (the {@code --row-shape} syntax). */
    public static List<FieldSpec> parseShape(String text) {
        List<FieldSpec> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String part : text.split(",")) {
            String[] nameAndType = part.trim().split(":");
            if (nameAndType.length != 2 || nameAndType[0].isBlank()) {
                throw new IllegalArgumentException("row shape entry '" + part.trim()
                        + "' must be name:type, type one of " + FieldType.allWireNames());
            }
            String name = nameAndType[0].trim();
            if (!names.add(name)) {
                throw new IllegalArgumentException("row shape names field '" + name + "' twice");
            }
            fields.add(of(name, FieldType.fromWireName("row shape type of '" + name + "'", nameAndType[1].trim())));
        }
        return List.copyOf(fields);
    }
}
