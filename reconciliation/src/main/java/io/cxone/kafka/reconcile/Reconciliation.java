package io.cxone.kafka.reconcile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One reconciliation run: the manifests, then each data topic once (read_committed), then each index once, then every
 * window compared. Memory holds the ids of the windows' records and documents (bounded by {@code --max-records}).
 */
final class Reconciliation {

    /** Everything a run needs; credentials already read from their files. */
    record Settings(
            Properties kafka,
            String registryUrl,
            ElasticsearchDocuments.Settings elasticsearch,
            String manifestTopic,
            Path connectorsDir,
            Map<String, String> indexOverrides,
            Map<String, String> keyIndexOverrides,
            int maxIds,
            int maxManifests,
            long maxRecords,
            Duration timeout) {}

    /**
     * The outcome.
     *
     * @param problems       disagreements outside any window (unreadable manifests)
     * @param outsideWindows per data topic, committed records of jobs without a manifest (still running, or older)
     */
    record Outcome(
            String manifestTopic,
            List<WindowResult> windows,
            List<String> problems,
            long unreadableManifests,
            Map<String, Long> outsideWindows) {

        boolean ok() {
            return problems.isEmpty() && windows.stream().allMatch(w -> w.status() == WindowResult.Status.OK);
        }
    }

    private Reconciliation() {}

    static Outcome run(Settings settings) {
        Deadline deadline = new Deadline(settings.timeout());
        Budget budget = new Budget(settings.maxRecords());
        SinkTargets targets = SinkTargets.load(
                settings.connectorsDir(),
                settings.indexOverrides(),
                settings.keyIndexOverrides(),
                settings.registryUrl());
        List<String> problems = new ArrayList<>();
        ManifestReader.Result manifests;
        Map<String, KafkaWindows> topics = new LinkedHashMap<>();
        Map<String, KafkaWindows.Records> windowRecords = new HashMap<>();
        Map<String, List<String>> windowProblems = new HashMap<>();
        try (CommittedTopicReader reader = new CommittedTopicReader(settings.kafka(), deadline)) {
            manifests = new ManifestReader(
                            targets.manifestConverter(settings.manifestTopic()),
                            settings.registryUrl(),
                            settings.maxManifests(),
                            settings.maxIds())
                    .read(reader, settings.manifestTopic());
            if (manifests.unreadableTotal() > 0) {
                problems.add(manifests.unreadableTotal() + " record(s) of " + settings.manifestTopic()
                        + " are not readable manifests: " + String.join("; ", manifests.unreadable()));
            }
            Map<String, Map<String, KafkaWindows.Records>> byTopicAndJob = new LinkedHashMap<>();
            Map<String, String> jobOwner = new HashMap<>();
            for (WindowManifest m : manifests.manifests()) {
                KafkaWindows.Records records = new KafkaWindows.Records();
                windowRecords.put(m.key(), records);
                Map<String, KafkaWindows.Records> byJob =
                        byTopicAndJob.computeIfAbsent(m.topic(), t -> new HashMap<>());
                for (String job : m.jobs()) {
                    String owner = jobOwner.putIfAbsent(m.topic() + "\n" + job, m.key());
                    if (owner == null) {
                        byJob.put(job, records);
                    } else {
                        windowProblems
                                .computeIfAbsent(m.key(), k -> new ArrayList<>())
                                .add("job id " + job + " is also named by the manifest " + owner
                                        + "; its records are counted there");
                    }
                }
            }
            for (Map.Entry<String, Map<String, KafkaWindows.Records>> e : byTopicAndJob.entrySet()) {
                KafkaWindows windows = new KafkaWindows(targets.target(e.getKey()), e.getValue(), budget);
                if (reader.exists(e.getKey())) {
                    windows.scan(reader);
                } else {
                    for (WindowManifest m : manifests.manifests()) {
                        if (m.topic().equals(e.getKey())) {
                            windowProblems
                                    .computeIfAbsent(m.key(), k -> new ArrayList<>())
                                    .add("topic " + m.topic() + " does not exist in Kafka");
                        }
                    }
                }
                topics.put(e.getKey(), windows);
            }
        }

        Map<String, WindowComparison.IndexView> indices = new HashMap<>();
        Map<String, Map<Integer, Long>> committed = new HashMap<>();
        boolean needsElasticsearch =
                topics.keySet().stream().map(targets::target).anyMatch(t -> t.problem() == null && t.index() != null);
        if (needsElasticsearch) {
            try (ElasticsearchDocuments es = new ElasticsearchDocuments(settings.elasticsearch(), deadline)) {
                for (String topic : topics.keySet()) {
                    SinkTargets.Target target = targets.target(topic);
                    if (target.problem() == null && target.index() != null) {
                        indices.computeIfAbsent(
                                target.index() + "\n" + target.headersField(),
                                k -> WindowComparison.IndexView.of(
                                        es.read(target.index(), target.headersField(), budget)));
                    }
                }
            }
            committed = sinkOffsets(settings.kafka(), topics.keySet(), targets, deadline);
        }

        WindowComparison comparison = new WindowComparison(settings.maxIds());
        List<WindowResult> results = new ArrayList<>();
        for (WindowManifest m : manifests.manifests()) {
            SinkTargets.Target target = targets.target(m.topic());
            results.add(comparison.compare(
                    m,
                    target,
                    windowRecords.get(m.key()),
                    topics.get(m.topic()),
                    indices.get(target.index() + "\n" + target.headersField()),
                    committed.getOrDefault(m.topic(), Map.of()),
                    windowProblems.getOrDefault(m.key(), List.of())));
        }
        Map<String, Long> outside = new LinkedHashMap<>();
        topics.forEach((topic, windows) -> outside.put(topic, windows.outsideWindows()));
        return new Outcome(settings.manifestTopic(), results, problems, manifests.unreadableTotal(), outside);
    }

    /**
     * Per data topic, the committed offsets of the consumer group of the sink that reads it, to tell a sink that has
     * not caught up from documents that are lost. Best effort: a group we cannot read leaves the topic without.
     */
    private static Map<String, Map<Integer, Long>> sinkOffsets(
            Properties kafka, Iterable<String> topics, SinkTargets targets, Deadline deadline) {
        Map<String, Map<Integer, Long>> byTopic = new HashMap<>();
        Properties props = new Properties();
        props.putAll(kafka);
        props.keySet().removeIf(k -> !AdminClientConfig.configNames().contains(String.valueOf(k)));
        try (Admin admin = Admin.create(props)) {
            Map<String, Map<TopicPartition, OffsetAndMetadata>> byGroup = new HashMap<>();
            for (String topic : topics) {
                String group = targets.target(topic).groupId();
                if (group == null) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = byGroup.computeIfAbsent(group, g -> {
                    try {
                        return admin.listConsumerGroupOffsets(g)
                                .partitionsToOffsetAndMetadata()
                                .get(
                                        deadline.remaining(Duration.ofSeconds(15), "reading the offsets of group " + g)
                                                .toMillis(),
                                        TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return Map.of();
                    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                        return Map.of();
                    }
                });
                Map<Integer, Long> partitions = new HashMap<>();
                offsets.forEach((tp, offset) -> {
                    if (tp.topic().equals(topic) && offset != null) {
                        partitions.put(tp.partition(), offset.offset());
                    }
                });
                byTopic.put(topic, partitions);
            }
        }
        return byTopic;
    }
}
