package io.cxone.kafka.bridge.subscription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Resolves a subscription against Kafka with the bridge's {@link Admin}: the partitions of its topics, and the
 * start offsets of earliest, timestamp and explicit (resume) starts as a read_committed reader sees them.
 * Blocks on Kafka metadata, so it runs off Jetty's threads.
 */
public final class PartitionLookup {

    private final Admin admin;

    public PartitionLookup(Admin admin) {
        this.admin = admin;
    }

    /**
     * The partitions of every topic of the request, sorted per topic.
     *
     * @throws SubscribeRequest.BadSubscribeException a topic does not exist, or an explicit offset names a
     *         partition its topic does not have
     */
    public Map<String, List<TopicPartition>> partitions(SubscribeRequest request) {
        Map<String, List<TopicPartition>> partitions = new LinkedHashMap<>();
        for (String topic : request.topics()) {
            List<TopicPartition> tps = partitionsOf(topic);
            if (tps == null) {
                throw new SubscribeRequest.BadSubscribeException("topic '" + topic + "' does not exist");
            }
            partitions.put(topic, tps);
        }
        for (Map.Entry<String, Map<Integer, Long>> e : request.offsets().entrySet()) {
            for (Integer p : e.getValue().keySet()) {
                if (partitions.get(e.getKey()).stream().noneMatch(tp -> tp.partition() == p)) {
                    throw new SubscribeRequest.BadSubscribeException(
                            "offsets: topic '" + e.getKey() + "' has no partition " + p);
                }
            }
        }
        return partitions;
    }

    /** The partitions of a topic, sorted; null if the topic does not exist. */
    private List<TopicPartition> partitionsOf(String topic) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .topicNameValues()
                    .get(topic)
                    .get(10, TimeUnit.SECONDS);
            List<TopicPartition> tps = new ArrayList<>();
            description.partitions().forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
            tps.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            return tps;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw new IllegalStateException("describing topic '" + topic + "' failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("describing topic '" + topic + "' failed: " + e, e);
        }
    }

    /** Explicit offsets, and earliest/timestamp starts looked up (read_committed); absent = join at the head. */
    public Map<TopicPartition, Long> startOffsets(SubscribeRequest request, List<TopicPartition> all) {
        Map<TopicPartition, Long> starts = new HashMap<>();
        Map<TopicPartition, OffsetSpec> lookups = new HashMap<>();
        for (TopicPartition tp : all) {
            Long explicit = request.offsets().getOrDefault(tp.topic(), Map.of()).get(tp.partition());
            if (explicit != null) {
                starts.put(tp, explicit);
            } else if (request.start().kind() == SubscribeRequest.Start.Kind.EARLIEST) {
                lookups.put(tp, OffsetSpec.earliest());
            } else if (request.start().kind() == SubscribeRequest.Start.Kind.TIMESTAMP) {
                lookups.put(tp, OffsetSpec.forTimestamp(request.start().timestamp()));
            }
        }
        if (lookups.isEmpty()) {
            return starts;
        }
        // A timestamp after the last record finds nothing (offset -1): the client starts at the head.
        committedOffsets(lookups, "start").forEach((tp, info) -> {
            if (info.offset() >= 0) {
                starts.put(tp, info.offset());
            }
        });
        return starts;
    }

    /** Offsets of {@code specs} as a read_committed reader sees them (one admin round trip). */
    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> committedOffsets(
            Map<TopicPartition, OffsetSpec> specs, String what) {
        try {
            return admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("looking up " + what + " offsets failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("looking up " + what + " offsets failed: " + e, e);
        }
    }

    /**
     * An explicit resume offset past the partition's end (read_committed) cannot come from a frame this bridge sent:
     * most likely the topic was recreated or the client mixed up topics. Waiting there would show nothing, silently,
     * until the log grows past it; say so instead.
     */
    public Optional<String> offsetBeyondLogEnd(SubscribeRequest request, Map<TopicPartition, Long> starts) {
        Map<TopicPartition, OffsetSpec> explicit = new HashMap<>();
        request.offsets().forEach((topic, byPartition) -> byPartition
                .keySet()
                .forEach(partition -> explicit.put(new TopicPartition(topic, partition), OffsetSpec.latest())));
        if (explicit.isEmpty()) {
            return Optional.empty();
        }
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end :
                committedOffsets(explicit, "end").entrySet()) {
            long requested = starts.get(end.getKey());
            if (requested > end.getValue().offset()) {
                return Optional.of("offsets: topic '" + end.getKey().topic() + "' partition "
                        + end.getKey().partition()
                        + ": offset " + requested + " is beyond the end of the log ("
                        + end.getValue().offset()
                        + "); resume from the offset after the last record received");
            }
        }
        return Optional.empty();
    }
}
