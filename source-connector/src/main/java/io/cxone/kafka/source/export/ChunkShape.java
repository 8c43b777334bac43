package io.cxone.kafka.source.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Field names and types of a chunk (the union over its rows), in first-seen order. Immutable. */
public final class ChunkShape {

    private final Map<String, FieldType> fields;

    private ChunkShape(Map<String, FieldType> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    public static ChunkShape of(List<? extends JsonNode> typedRows) {
        return of(typedRows, Map.of());
    }

    /** The shape of the rows; {@code declared} types (CSV column configuration) win over types seen in values. */
    public static ChunkShape of(List<? extends JsonNode> typedRows, Map<String, FieldType> declared) {
        Map<String, FieldType> fields = new LinkedHashMap<>();
        for (JsonNode row : typedRows) {
            row.fields()
                    .forEachRemaining(e -> fields.merge(
                            e.getKey(),
                            declared.getOrDefault(e.getKey(), FieldType.of(e.getValue())),
                            FieldType::merge));
        }
        return new ChunkShape(fields);
    }

    public static ChunkShape of(Map<String, FieldType> fields) {
        return new ChunkShape(new LinkedHashMap<>(fields));
    }

    public Map<String, FieldType> fields() {
        return fields;
    }

    /** Baseline plus whatever this chunk adds; used by the evolve drift policy. */
    public ChunkShape union(ChunkShape other) {
        Map<String, FieldType> merged = new LinkedHashMap<>(fields);
        other.fields.forEach((name, type) -> merged.merge(name, type, FieldType::merge));
        return new ChunkShape(merged);
    }

    /** What changed from {@code baseline} to this chunk. */
    public SchemaDrift driftFrom(ChunkShape baseline) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> retyped = new ArrayList<>();
        fields.forEach((name, type) -> {
            FieldType before = baseline.fields.get(name);
            if (before == null) {
                added.add(name);
            } else if (before != FieldType.UNKNOWN && type != FieldType.UNKNOWN && before != type) {
                retyped.add(name + " " + before + "->" + type);
            }
        });
        baseline.fields.keySet().stream()
                .filter(name -> !fields.containsKey(name))
                .forEach(removed::add);
        return new SchemaDrift(added, removed, retyped);
    }

    /** Stable id of the field set and types (order-independent), kept in offsets and record headers. */
    public String fingerprint() {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(fields)
                .forEach((name, type) ->
                        canonical.append(name).append(':').append(type).append('\n'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkShape other && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
