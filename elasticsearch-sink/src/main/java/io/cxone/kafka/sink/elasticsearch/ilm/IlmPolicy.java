package io.cxone.kafka.sink.elasticsearch.ilm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An ILM policy read from YAML ({@code config/ilm-policy.yaml}) and the exact JSON body of
 * {@code PUT _ilm/policy/<name>}. The YAML names only what the project uses:
 * <pre>
 * hot:
 *   rollover: {max_age: 7d, max_size: 50gb, max_primary_shard_size: 25gb, max_docs: 100000000}
 * warm:                      # optional
 *   min_age: 7d
 *   forcemerge_max_num_segments: 1
 *   shrink_number_of_shards: 1
 *   priority: 50
 * delete:                    # optional
 *   min_age: 30d
 * </pre>
 * Unknown keys, bad durations ({@code 30d}, {@code 12h}) and bad sizes ({@code 50gb}) are rejected with the key's path.
 */
public final class IlmPolicy {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DURATION = Pattern.compile("\\d+(d|h|m|s|ms|micros|nanos)");
    private static final Pattern SIZE = Pattern.compile("\\d+(b|kb|mb|gb|tb|pb)");

    private final ObjectNode body;

    private IlmPolicy(ObjectNode body) {
        this.body = body;
    }

    public static IlmPolicy fromFile(Path file) {
        try {
            return fromYaml(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read ILM policy file " + file + ": " + e.getMessage(), e);
        }
    }

    public static IlmPolicy fromYaml(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("ILM policy is not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("ILM policy YAML must be a mapping with hot, warm, delete");
        }
        onlyKeys(root, "", Set.of("hot", "warm", "delete"));

        ObjectNode phases = JSON.createObjectNode();
        JsonNode hot = root.path("hot");
        if (!hot.isObject()) {
            throw new IllegalArgumentException("hot: required, with a rollover");
        }
        onlyKeys(hot, "hot.", Set.of("rollover", "priority"));
        JsonNode rolloverYaml = hot.path("rollover");
        onlyKeys(rolloverYaml, "hot.rollover.", Set.of("max_age", "max_size", "max_primary_shard_size", "max_docs"));
        ObjectNode rollover = JSON.createObjectNode();
        copy(rolloverYaml, "hot.rollover.", "max_age", DURATION, rollover);
        copy(rolloverYaml, "hot.rollover.", "max_size", SIZE, rollover);
        copy(rolloverYaml, "hot.rollover.", "max_primary_shard_size", SIZE, rollover);
        if (rolloverYaml.has("max_docs")) {
            rollover.put("max_docs", positiveLong(rolloverYaml.get("max_docs"), "hot.rollover.max_docs"));
        }
        if (rollover.isEmpty()) {
            throw new IllegalArgumentException(
                    "hot.rollover: needs at least one of max_age, max_size, max_primary_shard_size, max_docs");
        }
        ObjectNode hotPhase = phases.putObject("hot");
        hotPhase.put("min_age", "0ms");
        ObjectNode hotActions = hotPhase.putObject("actions");
        hotActions.set("rollover", rollover);
        if (hot.has("priority")) {
            hotActions.putObject("set_priority").put("priority", positiveLong(hot.get("priority"), "hot.priority"));
        }

        JsonNode warm = root.path("warm");
        if (!warm.isMissingNode() && !warm.isNull()) {
            onlyKeys(
                    warm,
                    "warm.",
                    Set.of("min_age", "forcemerge_max_num_segments", "shrink_number_of_shards", "priority"));
            ObjectNode warmPhase = phases.putObject("warm");
            warmPhase.put("min_age", duration(warm, "warm.", "min_age"));
            ObjectNode actions = warmPhase.putObject("actions");
            if (warm.has("forcemerge_max_num_segments")) {
                actions.putObject("forcemerge")
                        .put(
                                "max_num_segments",
                                positiveLong(
                                        warm.get("forcemerge_max_num_segments"), "warm.forcemerge_max_num_segments"));
            }
            if (warm.has("shrink_number_of_shards")) {
                actions.putObject("shrink")
                        .put(
                                "number_of_shards",
                                positiveLong(warm.get("shrink_number_of_shards"), "warm.shrink_number_of_shards"));
            }
            if (warm.has("priority")) {
                actions.putObject("set_priority").put("priority", positiveLong(warm.get("priority"), "warm.priority"));
            }
        }

        JsonNode delete = root.path("delete");
        if (!delete.isMissingNode() && !delete.isNull()) {
            onlyKeys(delete, "delete.", Set.of("min_age"));
            ObjectNode deletePhase = phases.putObject("delete");
            deletePhase.put("min_age", duration(delete, "delete.", "min_age"));
            deletePhase.putObject("actions").putObject("delete");
        }

        ObjectNode body = JSON.createObjectNode();
        body.putObject("policy").set("phases", phases);
        return new IlmPolicy(body);
    }

    /** The body of {@code PUT _ilm/policy/<name>}, compact JSON. */
    public String toJson() {
        return body.toString();
    }

    public boolean hasRollover() {
        return body.path("policy").path("phases").path("hot").path("actions").has("rollover");
    }

    private static void onlyKeys(JsonNode node, String path, Set<String> allowed) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    path.isEmpty()
                            ? "ILM policy must be a mapping"
                            : path.substring(0, path.length() - 1) + ": must be a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(path + key + ": unknown key (allowed: " + allowed + ")");
            }
        }
    }

    private static void copy(JsonNode from, String path, String key, Pattern format, ObjectNode to) {
        if (from.has(key)) {
            String value = from.get(key).asText().trim();
            if (!format.matcher(value).matches()) {
                throw new IllegalArgumentException(path + key + ": '" + value + "' is not a valid "
                        + (format == DURATION ? "duration (e.g. 30d, 12h)" : "size (e.g. 50gb)"));
            }
            to.put(key, value);
        }
    }

    private static String duration(JsonNode from, String path, String key) {
        if (!from.has(key)) {
            throw new IllegalArgumentException(path + key + ": required");
        }
        String value = from.get(key).asText().trim();
        if (!DURATION.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    path + key + ": '" + value + "' is not a valid duration (e.g. 30d, 12h)");
        }
        return value;
    }

    private static long positiveLong(JsonNode node, String path) {
        if (!node.canConvertToLong() || node.asLong() < 1) {
            throw new IllegalArgumentException(path + ": must be a positive integer");
        }
        return node.asLong();
    }
}
