package io.cxone.kafka.bridge.subscription;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.bridge.BridgeConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a client asks for: topics, where to start, and how frames are shaped. Comes from the query of
 * {@code GET /stream?topics=a,b&start=earliest&offsets=a:0:42&batch=50&compression=gzip} or from a text
 * message {@code {"type":"subscribe","topics":["a"],"start":"timestamp:1700000000000",
 * "offsets":{"a":{"0":42}},"batch":50,"compression":"gzip"}}.
 *
 * <p>{@code group=<name>} asks for group mode: the connection joins Kafka consumer group
 * {@code websocket-bridge.<name>} (partitions shared among the group's connections, offsets committed after
 * they were written to the socket); {@code start} then only applies where the group has no committed offset,
 * and must be latest or earliest; {@code offsets} are not allowed.
 *
 * <p>{@code offsets} (next offset to read, per partition) win over {@code start} for the partitions they
 * name; that is how a client resumes: it sends, per partition, the last delivered offset + 1, or the position
 * from the "subscribed" frame for partitions it has had nothing from.
 */
public record SubscribeRequest(
        List<String> topics,
        Start start,
        Map<String, Map<Integer, Long>> offsets,
        int batch,
        boolean gzip,
        String group) {

    /**
     * A subscribe message is at most three objects deep ({"offsets":{"topic":{"0":42}}}); deeper input is refused
     * by Jackson's own limits before it costs stack or memory (the message size is bounded by
     * {@code limits.message.max.bytes}).
     */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(8).build())
            .build());

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Set<String> JSON_FIELDS =
            Set.of("type", "topics", "start", "offsets", "batch", "compression", "group");
    private static final Set<String> QUERY_PARAMS =
            Set.of("topics", "start", "offsets", "batch", "compression", "group");
    private static final Pattern GROUP = Pattern.compile("[a-zA-Z0-9._-]{1,100}");

    /** Where partitions without an explicit offset start. */
    public record Start(Kind kind, long timestamp) {
        public enum Kind {
            LATEST,
            EARLIEST,
            TIMESTAMP
        }

        public static final Start LATEST = new Start(Kind.LATEST, -1);
        public static final Start EARLIEST = new Start(Kind.EARLIEST, -1);

        static Start parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("latest")) {
                return LATEST;
            }
            if (v.equals("earliest")) {
                return EARLIEST;
            }
            if (v.startsWith("timestamp:")) {
                try {
                    long ts = Long.parseLong(v.substring("timestamp:".length()));
                    if (ts >= 0) {
                        return new Start(Kind.TIMESTAMP, ts);
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
            }
            throw new BadSubscribeException(
                    "start: expected latest, earliest or timestamp:<epoch ms>, got '" + value + "'");
        }
    }

    /** Bounds on what one request may ask for; each refusal names the setting. */
    public record Limits(int batchMax, int topicsMax, int partitionsMax) {
        public static Limits of(BridgeConfig config) {
            return new Limits(
                    config.batchMaxRecords(), config.maxSubscriptionsPerClient(), config.maxPartitionsPerClient());
        }
    }

    /** A subscribe request that cannot be honoured; the message says what was wrong, for the client. */
    public static final class BadSubscribeException extends RuntimeException {
        public BadSubscribeException(String message) {
            super(message);
        }
    }

    /** From the upgrade request's query; null if it names no topics (the client will send a subscribe message). */
    public static SubscribeRequest fromQuery(Map<String, List<String>> params, Limits limits) {
        for (String key : params.keySet()) {
            if (!QUERY_PARAMS.contains(key)) {
                throw new BadSubscribeException("unknown query parameter '" + key + "'; allowed: " + QUERY_PARAMS);
            }
        }
        String topics = single(params, "topics");
        if (topics == null) {
            for (String key : List.of("start", "offsets", "batch", "compression", "group")) {
                if (params.containsKey(key)) {
                    throw new BadSubscribeException(key + " given without topics");
                }
            }
            return null;
        }
        List<String> topicList = new ArrayList<>();
        for (String t : topics.split(",")) {
            if (!t.isBlank()) {
                topicList.add(t.trim());
            }
        }
        Start start = single(params, "start") == null ? Start.LATEST : Start.parse(single(params, "start"));
        Map<String, Map<Integer, Long>> offsets = new LinkedHashMap<>();
        String offsetList = single(params, "offsets");
        if (offsetList != null) {
            for (String item : offsetList.split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                String[] parts = item.trim().split(":");
                if (parts.length != 3) {
                    throw new BadSubscribeException(
                            "offsets: expected topic:partition:offset, got '" + item.trim() + "'");
                }
                putOffset(offsets, parts[0], parts[1], parts[2]);
            }
        }
        int batch = parseBatch(single(params, "batch"), limits.batchMax());
        boolean gzip = parseCompression(single(params, "compression"));
        return validated(topicList, start, offsets, batch, gzip, single(params, "group"), limits);
    }

    public static SubscribeRequest fromJson(String text, Limits limits) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadSubscribeException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadSubscribeException("expected a JSON object like {\"type\":\"subscribe\",\"topics\":[\"t\"]}");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!JSON_FIELDS.contains(field)) {
                throw new BadSubscribeException("unknown field '" + field + "'; allowed: " + JSON_FIELDS);
            }
        }
        if (!"subscribe".equals(node.path("type").asText(null))) {
            throw new BadSubscribeException("type: expected \"subscribe\"");
        }
        JsonNode topicsNode = node.get("topics");
        if (topicsNode == null || !topicsNode.isArray() || topicsNode.isEmpty()) {
            throw new BadSubscribeException("topics: expected a non-empty array of topic names");
        }
        List<String> topics = new ArrayList<>();
        for (JsonNode t : topicsNode) {
            if (!t.isTextual()) {
                throw new BadSubscribeException("topics: expected strings, got " + t);
            }
            topics.add(t.asText());
        }
        JsonNode startNode = node.get("start");
        if (startNode != null && !startNode.isTextual()) {
            throw new BadSubscribeException("start: expected a string (latest, earliest or timestamp:<epoch ms>)");
        }
        Start start = startNode == null ? Start.LATEST : Start.parse(startNode.asText());
        Map<String, Map<Integer, Long>> offsets = new LinkedHashMap<>();
        JsonNode offsetsNode = node.get("offsets");
        if (offsetsNode != null) {
            if (!offsetsNode.isObject()) {
                throw new BadSubscribeException("offsets: expected {\"topic\":{\"partition\":offset}}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = offsetsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> topic = it.next();
                if (!topic.getValue().isObject()) {
                    throw new BadSubscribeException("offsets." + topic.getKey() + ": expected {\"partition\":offset}");
                }
                for (Iterator<Map.Entry<String, JsonNode>> ps = topic.getValue().fields(); ps.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = ps.next();
                    if (!p.getValue().canConvertToLong() || !p.getValue().isIntegralNumber()) {
                        throw new BadSubscribeException(
                                "offsets." + topic.getKey() + "." + p.getKey() + ": expected an integer offset");
                    }
                    putOffset(
                            offsets,
                            topic.getKey(),
                            p.getKey(),
                            Long.toString(p.getValue().asLong()));
                }
            }
        }
        JsonNode batchNode = node.get("batch");
        if (batchNode != null && !batchNode.isIntegralNumber()) {
            throw new BadSubscribeException("batch: expected an integer");
        }
        int batch = parseBatch(batchNode == null ? null : batchNode.asText(), limits.batchMax());
        JsonNode compression = node.get("compression");
        boolean gzip = parseCompression(compression == null ? null : compression.asText());
        JsonNode group = node.get("group");
        if (group != null && !group.isTextual()) {
            throw new BadSubscribeException("group: expected a string");
        }
        return validated(topics, start, offsets, batch, gzip, group == null ? null : group.asText(), limits);
    }

    private static SubscribeRequest validated(
            List<String> topics,
            Start start,
            Map<String, Map<Integer, Long>> offsets,
            int batch,
            boolean gzip,
            String group,
            Limits limits) {
        if (topics.isEmpty()) {
            throw new BadSubscribeException("topics: at least one topic is required");
        }
        if (topics.size() > limits.topicsMax()) {
            throw new BadSubscribeException("topics: " + topics.size() + " topics, at most " + limits.topicsMax()
                    + " per connection (" + BridgeConfig.LIMIT_SUBSCRIPTIONS_PER_CLIENT + ")");
        }
        int partitions = offsets.values().stream().mapToInt(Map::size).sum();
        if (partitions > limits.partitionsMax()) {
            throw new BadSubscribeException("offsets: " + partitions + " partitions, at most " + limits.partitionsMax()
                    + " per connection (" + BridgeConfig.LIMIT_PARTITIONS_PER_CLIENT + ")");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String t : topics) {
            if (!TOPIC.matcher(t).matches()) {
                throw new BadSubscribeException("topics: '" + t + "' is not a valid topic name");
            }
            if (!unique.add(t)) {
                throw new BadSubscribeException("topics: '" + t + "' listed twice");
            }
        }
        for (String t : offsets.keySet()) {
            if (!unique.contains(t)) {
                throw new BadSubscribeException("offsets: topic '" + t + "' is not in topics");
            }
        }
        if (group != null) {
            if (!GROUP.matcher(group).matches()) {
                throw new BadSubscribeException(
                        "group: expected 1-100 characters of [a-zA-Z0-9._-], got '" + group + "'");
            }
            if (!offsets.isEmpty()) {
                throw new BadSubscribeException(
                        "offsets cannot be combined with group (the group's committed offsets apply)");
            }
            if (start.kind() == Start.Kind.TIMESTAMP) {
                throw new BadSubscribeException(
                        "start: timestamp cannot be combined with group; use latest or earliest");
            }
        }
        return new SubscribeRequest(List.copyOf(unique), start, offsets, batch, gzip, group);
    }

    private static void putOffset(
            Map<String, Map<Integer, Long>> offsets, String topic, String partition, String offset) {
        int p;
        long o;
        try {
            p = Integer.parseInt(partition.trim());
            o = Long.parseLong(offset.trim());
        } catch (NumberFormatException e) {
            throw new BadSubscribeException("offsets: partition and offset must be integers in '" + topic + ":"
                    + partition + ":" + offset + "'");
        }
        if (p < 0 || o < 0) {
            throw new BadSubscribeException(
                    "offsets: partition and offset must not be negative in '" + topic + ":" + p + ":" + o + "'");
        }
        offsets.computeIfAbsent(topic.trim(), k -> new LinkedHashMap<>()).put(p, o);
    }

    private static int parseBatch(String value, int batchMax) {
        if (value == null) {
            return 1;
        }
        try {
            int batch = Integer.parseInt(value.trim());
            if (batch >= 1 && batch <= batchMax) {
                return batch;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadSubscribeException(
                "batch: expected an integer between 1 and " + batchMax + ", got '" + value + "'");
    }

    private static boolean parseCompression(String value) {
        if (value == null || value.equalsIgnoreCase("none")) {
            return false;
        }
        if (value.equalsIgnoreCase("gzip")) {
            return true;
        }
        throw new BadSubscribeException("compression: expected none or gzip, got '" + value + "'");
    }

    private static String single(Map<String, List<String>> params, String key) {
        List<String> values = params.get(key);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new BadSubscribeException(key + " given more than once");
        }
        return values.get(0);
    }
}
