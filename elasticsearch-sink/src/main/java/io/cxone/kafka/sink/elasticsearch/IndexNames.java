package io.cxone.kafka.sink.elasticsearch;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a record is written: the topic (or its entry in {@code topic.index.map}) placed into
 * {@code index.name.pattern}, whose {@code {yyyy.MM}}-style parts take the record timestamp in UTC. Also the
 * index pattern an index template must match for every index this produces ({@code cxone-events-*}).
 */
public final class IndexNames {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");
    private static final Pattern INVALID_CHARS = Pattern.compile("[\\\\/*?\"<>| ,#:]");
    private static final Pattern INVALID_CHARS_BUT_WILDCARD = Pattern.compile("[\\\\/?\"<>| ,#:]");

    private final List<Object> parts; // String literal, TOPIC marker, or DateTimeFormatter
    private final Map<String, String> topicIndexMap;
    private final boolean timeBased;
    private static final Object TOPIC = new Object();
    /** Names per topic, computed once: sanitizing is a regex, too costly for every record of a bulk stream. */
    private final Map<String, String> indexByTopic = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, String> patternByTopic = new java.util.concurrent.ConcurrentHashMap<>();

    private IndexNames(List<Object> parts, Map<String, String> topicIndexMap) {
        this.parts = parts;
        this.topicIndexMap = topicIndexMap;
        this.timeBased = parts.stream().anyMatch(p -> p instanceof DateTimeFormatter);
    }

    public static IndexNames of(ElasticsearchSinkConfig config) {
        return new IndexNames(compile(config.indexNamePattern()), config.topicIndexMap());
    }

    public static IndexNames of(String pattern, Map<String, String> topicIndexMap) {
        return new IndexNames(compile(pattern), topicIndexMap);
    }

    static List<Object> compile(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        List<Object> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(pattern);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                parts.add(pattern.substring(last, m.start()));
            }
            String name = m.group(1);
            if ("topic".equals(name)) {
                parts.add(TOPIC);
            } else {
                try {
                    parts.add(DateTimeFormatter.ofPattern(name, Locale.ROOT).withZone(ZoneOffset.UTC));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "{" + name + "} is neither {topic} nor a date pattern: " + e.getMessage());
                }
            }
            last = m.end();
        }
        if (last < pattern.length()) {
            parts.add(pattern.substring(last));
        }
        String rest = pattern.replaceAll("\\{[^{}]+}", "");
        if (rest.contains("{") || rest.contains("}")) {
            throw new IllegalArgumentException("unbalanced braces in " + pattern);
        }
        if (!rest.equals(rest.toLowerCase(Locale.ROOT))
                || INVALID_CHARS.matcher(rest).find()) {
            throw new IllegalArgumentException("index names are lower case without \\ / * ? \" < > | space , # :");
        }
        return parts;
    }

    public boolean timeBased() {
        return timeBased;
    }

    /** The concrete index for a record of {@code topic} with timestamp {@code timestampMs} (null: now). */
    public String index(String topic, Long timestampMs) {
        if (!timeBased) {
            return indexByTopic.computeIfAbsent(topic, t -> build(t, null));
        }
        return build(topic, timestampMs);
    }

    private String build(String topic, Long timestampMs) {
        Instant at = timestampMs == null || timestampMs < 0 ? Instant.now() : Instant.ofEpochMilli(timestampMs);
        StringBuilder name = new StringBuilder();
        for (Object part : parts) {
            if (part == TOPIC) {
                name.append(topicIndex(topic));
            } else if (part instanceof DateTimeFormatter f) {
                name.append(f.format(at));
            } else {
                name.append(part);
            }
        }
        return sanitize(name.toString());
    }

    /** The index template pattern covering every index of {@code topic}: date parts become '*'. */
    public String templatePattern(String topic) {
        return patternByTopic.computeIfAbsent(topic, this::buildTemplatePattern);
    }

    private String buildTemplatePattern(String topic) {
        StringBuilder name = new StringBuilder();
        for (Object part : parts) {
            if (part == TOPIC) {
                name.append(topicIndex(topic));
            } else if (part instanceof DateTimeFormatter) {
                if (name.length() == 0 || name.charAt(name.length() - 1) != '*') {
                    name.append('*');
                }
            } else {
                name.append(part);
            }
        }
        return sanitizeKeepingWildcards(name.toString());
    }

    private String topicIndex(String topic) {
        String mapped = topicIndexMap.get(topic);
        return mapped != null ? mapped : topic;
    }

    /** Elasticsearch index rules: lower case, no \ / * ? " < > | space , # :, not starting with - _ +, at most 255 bytes. */
    static String sanitize(String name) {
        String s = INVALID_CHARS.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("_");
        return trimStartAndLength(s);
    }

    private static String sanitizeKeepingWildcards(String name) {
        String s = INVALID_CHARS_BUT_WILDCARD
                .matcher(name.toLowerCase(Locale.ROOT))
                .replaceAll("_");
        return trimStartAndLength(s);
    }

    private static String trimStartAndLength(String s) {
        while (!s.isEmpty() && "-_+".indexOf(s.charAt(0)) >= 0) {
            s = s.substring(1);
        }
        if (s.isEmpty() || s.equals(".") || s.equals("..")) {
            throw new IllegalArgumentException("no valid index name left after sanitizing");
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 255) {
            s = new String(bytes, 0, 255, StandardCharsets.UTF_8);
        }
        return s;
    }

    static void requireValidName(String configKey, String index) {
        if (index.isEmpty()
                || !index.equals(index.toLowerCase(Locale.ROOT))
                || INVALID_CHARS.matcher(index).find()
                || "-_+".indexOf(index.charAt(0)) >= 0) {
            throw new ConfigException(configKey, index, "not a valid Elasticsearch index name");
        }
    }

    /** The entries of {@code topic.index.map}, in order; {@link ConfigException} on a malformed or repeated topic. */
    static Map<String, String> parseTopicIndexMap(List<String> entries) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : entries) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new ConfigException(ElasticsearchSinkConfig.TOPIC_INDEX_MAP, entry, "expected topic:index");
            }
            String topic = trimmed.substring(0, colon).trim();
            if (map.put(topic, trimmed.substring(colon + 1).trim()) != null) {
                throw new ConfigException(
                        ElasticsearchSinkConfig.TOPIC_INDEX_MAP, entry, "topic " + topic + " is mapped twice");
            }
        }
        return map;
    }

    /** Each entry of {@code topic.index.map} is topic:index with a valid index name, each topic once. */
    static final class TopicIndexMapValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> entries = (List<String>) value;
            Map<String, String> map = parseTopicIndexMap(entries == null ? List.of() : entries);
            for (String index : map.values()) {
                requireValidName(name, index);
            }
        }

        @Override
        public String toString() {
            return "topic:index pairs, comma-separated";
        }
    }

    /** {@code index.name.pattern} compiles: known placeholders, a valid index name around them. */
    static final class PatternValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                compile(value == null ? "" : value.toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "index name with optional {topic} and {<date pattern>} placeholders";
        }
    }
}
