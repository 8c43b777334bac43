package io.cxone.kafka.sink.elasticsearch.writer;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, the lowest offset whose document Elasticsearch has not yet
 * acknowledged (or, with none outstanding, one past the highest offset seen). Acknowledgements arrive out of order
 * from the bulk threads; the commit point only moves over a gap-free acknowledged prefix, so a crash re-reads every
 * record that might not be in the index.
 */
public final class OffsetTracker {

    private static final class PartitionState {
        final TreeSet<Long> pending = new TreeSet<>();
        long maxSeen = -1;
    }

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private int pending;

    /** A record whose document was queued; it holds the commit point until acknowledged. */
    public synchronized void track(TopicPartition tp, long offset) {
        PartitionState state = partitions.computeIfAbsent(tp, k -> new PartitionState());
        if (state.pending.add(offset)) {
            pending++;
        }
        state.maxSeen = Math.max(state.maxSeen, offset);
    }

    /** A record with nothing to write (an ignored null value, say): done as soon as seen. */
    public synchronized void skip(TopicPartition tp, long offset) {
        PartitionState state = partitions.computeIfAbsent(tp, k -> new PartitionState());
        state.maxSeen = Math.max(state.maxSeen, offset);
    }

    public synchronized void ack(TopicPartition tp, long offset) {
        PartitionState state = partitions.get(tp);
        if (state != null && state.pending.remove(offset)) {
            pending--;
        }
    }

    /** Documents queued and not yet acknowledged, over all partitions. */
    public synchronized int pending() {
        return pending;
    }

    public synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((tp, state) -> {
            if (state.maxSeen >= 0) {
                long next = state.pending.isEmpty() ? state.maxSeen + 1 : state.pending.first();
                offsets.put(tp, new OffsetAndMetadata(next));
            }
        });
        return offsets;
    }

    /** Partitions this task no longer owns: their late acknowledgements are ignored. */
    public synchronized void remove(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            PartitionState state = partitions.remove(tp);
            if (state != null) {
                pending -= state.pending.size();
            }
        }
    }
}
