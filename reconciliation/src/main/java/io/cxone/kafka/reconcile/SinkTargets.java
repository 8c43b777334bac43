package io.cxone.kafka.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConnector;
import io.cxone.kafka.sink.elasticsearch.IndexNames;
import io.cxone.kafka.source.export.ChunkPipeline;
import io.cxone.kafka.source.export.CxoneExportSourceConnector;
import io.cxone.kafka.source.export.ExportSourceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.apache.kafka.connect.storage.StringConverter;

/**
 * What the connector JSON files ({@code {"name", "config"}}, as {@code ./stack} deploys them) say about where things
 * are. For each data topic, where its documents are, read with the sink's own config class so index names, document
 * ids and the headers object are exactly the sink's ({@code --index} / {@code --index-by-key} override a topic's index).
 * And the Avro converter settings the export writes its manifests with.
 */
final class SinkTargets {

    /** Header names each document must carry to be matched to a window and its chunks. */
    static final List<String> REQUIRED_HEADERS =
            List.of(ChunkPipeline.HEADER_JOB_ID, ChunkPipeline.HEADER_CHUNK_OFFSET, ChunkPipeline.HEADER_CHUNK_SHA256);

    private static final long MAX_FILE_BYTES = 1 << 20;
    private static final int MAX_FILES = 1000;

    /**
     * Where one topic's documents are.
     *
     * @param index        the index, or a pattern covering the time-based indices of {@code index.name.pattern}
     * @param keyIds       documents are one per record key ({@code key.ignore=false}), else one per record
     * @param headersField the object the record headers are copied under
     * @param sinkName     the sink connector's name; null when given only by option
     * @param groupId      the sink's consumer group, for telling a sink that is behind from lost documents; or null
     * @param keyConverter the sink's key converter class and settings (document ids from keys go through it)
     * @param problem      why documents of this topic cannot be matched to windows, or null
     */
    record Target(
            String topic,
            String index,
            boolean keyIds,
            String headersField,
            String sinkName,
            String groupId,
            Map<String, String> keyConverter,
            String problem) {}

    private record Sink(String name, List<String> topics, Pattern topicsRegex, Map<String, String> config) {}

    private final List<Sink> sinks;
    private final List<Map<String, String>> exportSources;
    private final Map<String, String> indexOverrides;
    private final Map<String, String> keyIndexOverrides;
    private final String registryUrl;
    private final Map<String, Target> resolved = new HashMap<>();

    private SinkTargets(
            List<Sink> sinks,
            List<Map<String, String>> exportSources,
            Map<String, String> indexOverrides,
            Map<String, String> keyIndexOverrides,
            String registryUrl) {
        this.sinks = sinks;
        this.exportSources = exportSources;
        this.indexOverrides = indexOverrides;
        this.keyIndexOverrides = keyIndexOverrides;
        this.registryUrl = registryUrl;
    }

    static SinkTargets load(
            Path connectorsDir,
            Map<String, String> indexOverrides,
            Map<String, String> keyIndexOverrides,
            String registryUrl) {
        List<Sink> sinks = new ArrayList<>();
        List<Map<String, String>> exportSources = new ArrayList<>();
        if (connectorsDir != null) {
            if (!Files.isDirectory(connectorsDir)) {
                throw new ReconcileException("--connectors-dir " + connectorsDir + " is not a folder");
            }
            List<Path> files;
            try (Stream<Path> list = Files.list(connectorsDir)) {
                files = list.filter(f -> f.getFileName().toString().endsWith(".json"))
                        .sorted()
                        .limit(MAX_FILES + 1)
                        .toList();
            } catch (IOException e) {
                throw new ReconcileException("cannot list --connectors-dir " + connectorsDir + ": " + e.getMessage());
            }
            if (files.size() > MAX_FILES) {
                throw new ReconcileException(
                        "more than " + MAX_FILES + " JSON files in --connectors-dir " + connectorsDir);
            }
            for (Path file : files) {
                JsonNode spec = read(file);
                String connectorClass =
                        spec.path("config").path("connector.class").asText();
                if (ElasticsearchSinkConnector.class.getName().equals(connectorClass)) {
                    sinks.add(sink(file, spec));
                } else if (CxoneExportSourceConnector.class.getName().equals(connectorClass)) {
                    exportSources.add(config(spec));
                }
            }
        }
        return new SinkTargets(sinks, exportSources, indexOverrides, keyIndexOverrides, registryUrl);
    }

    private static JsonNode read(Path file) {
        JsonNode spec;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ReconcileException(file + " is larger than 1 MiB: not a connector JSON file");
            }
            spec = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ReconcileException("cannot read connector JSON " + file + ": " + e.getMessage());
        }
        return spec == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : spec;
    }

    private static Map<String, String> config(JsonNode spec) {
        Map<String, String> map = new LinkedHashMap<>();
        spec.path("config")
                .fields()
                .forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static Sink sink(Path file, JsonNode spec) {
        Map<String, String> map = config(spec);
        String name = spec.path("name").asText(file.getFileName().toString());
        List<String> topics = new ArrayList<>();
        for (String topic : map.getOrDefault("topics", "").split(",")) {
            if (!topic.isBlank()) {
                topics.add(topic.trim());
            }
        }
        Pattern regex = null;
        String topicsRegex = map.getOrDefault("topics.regex", "");
        if (!topicsRegex.isBlank()) {
            try {
                regex = Pattern.compile(topicsRegex);
            } catch (PatternSyntaxException e) {
                throw new ReconcileException(file + ": topics.regex is not a regular expression: " + e.getMessage());
            }
        }
        return new Sink(name, topics, regex, map);
    }

    /** Where {@code topic}'s documents are; a target with a problem when no sink reads it and no option names it. */
    Target target(String topic) {
        return resolved.computeIfAbsent(topic, this::resolve);
    }

    private Target resolve(String topic) {
        Sink sink = sinks.stream()
                .filter(s -> s.topics.contains(topic)
                        || s.topicsRegex != null && s.topicsRegex.matcher(topic).matches())
                .findFirst()
                .orElse(null);
        String override = indexOverrides.get(topic);
        String keyOverride = keyIndexOverrides.get(topic);
        if (sink == null && override == null && keyOverride == null) {
            return new Target(
                    topic,
                    null,
                    false,
                    null,
                    null,
                    null,
                    Map.of(),
                    "no Elasticsearch sink in the connectors folder reads topic " + topic
                            + "; name its index with --index " + topic + "=INDEX (or --index-by-key)");
        }
        String index;
        boolean keyIds;
        String headersField = "kafka_headers";
        String problem = null;
        Map<String, String> keyConverter = Map.of("key.converter", StringConverter.class.getName());
        String groupId = null;
        if (sink != null) {
            ElasticsearchSinkConfig config;
            try {
                config = new ElasticsearchSinkConfig(sink.config);
            } catch (RuntimeException e) {
                throw new ReconcileException("sink connector " + sink.name + ": " + e.getMessage());
            }
            index = IndexNames.of(config).templatePattern(topic);
            keyIds = !config.keyIgnore();
            headersField = config.headersFieldName();
            List<String> lacking = new ArrayList<>(REQUIRED_HEADERS);
            lacking.removeAll(config.headersInclude());
            if (!lacking.isEmpty()) {
                problem = "sink connector " + sink.name + " does not copy the record headers " + lacking
                        + " into documents (headers.include), so its documents cannot be matched to windows";
            }
            keyConverter = keyConverter(sink.config);
            groupId = sink.config.getOrDefault("consumer.override.group.id", "connect-" + sink.name);
        } else {
            index = null;
            keyIds = false;
        }
        if (override != null) {
            index = override;
            keyIds = false;
        } else if (keyOverride != null) {
            index = keyOverride;
            keyIds = true;
        }
        return new Target(
                topic, index, keyIds, headersField, sink == null ? null : sink.name, groupId, keyConverter, problem);
    }

    /**
     * Settings of the Avro converter that reads the manifests of {@code manifestTopic}: the {@code value.converter.*}
     * settings of the export source that writes them (the wire format: ids, Confluent framing), reading from
     * {@code --registry-url}; the shipped settings when no export source JSON names that topic.
     */
    Map<String, String> manifestConverter(String manifestTopic) {
        Map<String, String> converter = new HashMap<>();
        converter.put("apicurio.registry.headers.enabled", "false");
        converter.put("apicurio.registry.use-id", "contentId");
        converter.put("apicurio.registry.as-confluent", "true");
        Object defaultTopic = ExportSourceConfig.CONFIG_DEF.defaultValues().get(ExportSourceConfig.MANIFEST_TOPIC);
        exportSources.stream()
                .filter(c -> manifestTopic.equals(
                        c.getOrDefault(ExportSourceConfig.MANIFEST_TOPIC, String.valueOf(defaultTopic))
                                .trim()))
                .findFirst()
                .ifPresent(c -> c.forEach((k, v) -> {
                    if (k.startsWith("value.converter.apicurio.registry.")) {
                        converter.put(k.substring("value.converter.".length()), v);
                    }
                }));
        // reading only: nothing is registered, and the export's caching resolver is a producer-side optimisation
        converter.remove("apicurio.registry.auto-register");
        converter.remove("apicurio.registry.schema-resolver");
        converter.put("apicurio.registry.url", registryUrl);
        return converter;
    }

    /** The sink's key.converter settings, the registry URL of a registry-backed one replaced by --registry-url. */
    private Map<String, String> keyConverter(Map<String, String> config) {
        Map<String, String> converter = new HashMap<>();
        converter.put("key.converter", StringConverter.class.getName());
        config.forEach((k, v) -> {
            if (k.equals("key.converter") || k.startsWith("key.converter.")) {
                converter.put(k, k.endsWith("apicurio.registry.url") ? registryUrl : v);
            }
        });
        return converter;
    }
}
