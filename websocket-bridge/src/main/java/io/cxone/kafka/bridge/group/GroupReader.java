package io.cxone.kafka.bridge.group;

import io.cxone.kafka.bridge.BridgeConfig;
import io.cxone.kafka.bridge.KafkaClients;
import io.cxone.kafka.bridge.feed.ClientReader;
import io.cxone.kafka.bridge.frame.OutboundFrame;
import io.cxone.kafka.bridge.frame.RecordFrames;
import io.cxone.kafka.bridge.subscription.SubscribeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group mode: one connection's own consumer in the consumer group {@code websocket-bridge.<group>}, on its own
 * thread. Commits only what was written to the socket (or reported dropped): synchronously on revocation and
 * close, asynchronously after each poll.
 */
public final class GroupReader extends ClientReader {

    private static final Logger LOG = LoggerFactory.getLogger(GroupReader.class);

    /** The connection a group reader reads for. */
    public interface Client extends ClientReader.Client {
        /** A topic of the request does not exist: the subscription is refused with this message. */
        void refused(SubscribeRequest request, String message);

        /** The request's topics exist: from now on frames take its batch size and compression. */
        void accepted(SubscribeRequest request);

        /** The group assigned partitions: their positions, to be sent to the client as "subscribed". */
        void assigned(Map<String, Map<Integer, Long>> positions, String group);
    }

    private final long clientId;
    private final BridgeConfig config;
    private final RecordFrames frames;
    private final SubscribeRequest request;
    private final Client client;
    /** Next offsets to commit, for records already written to the socket (or reported dropped). */
    private final Map<TopicPartition, Long> toCommit = new ConcurrentHashMap<>();

    public GroupReader(
            long clientId, BridgeConfig config, RecordFrames frames, SubscribeRequest request, Client client) {
        super("bridge-client-" + clientId, client);
        this.clientId = clientId;
        this.config = config;
        this.frames = frames;
        this.request = request;
        this.client = client;
    }

    /** A frame was written to the socket or dropped: its records are committed with the next commit. */
    public void track(OutboundFrame frame) {
        for (OutboundFrame.Span span : frame.spans()) {
            toCommit.merge(new TopicPartition(span.topic(), span.partition()), span.lastOffset() + 1, Math::max);
        }
    }

    @Override
    protected void read() {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(KafkaClients.groupConsumer(
                config,
                "websocket-bridge-client-" + clientId,
                request.group(),
                request.start().kind() == SubscribeRequest.Start.Kind.EARLIEST ? "earliest" : "latest"));
        reading(c);
        boolean subscribed = false;
        try {
            if (client.closing()) {
                return;
            }
            for (String topic : request.topics()) {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos == null || infos.isEmpty()) {
                    client.refused(request, "topic '" + topic + "' does not exist");
                    return;
                }
            }
            client.accepted(request);
            c.subscribe(request.topics(), new GroupRebalance(c));
            subscribed = true;
            LOG.info(
                    "client id={} joined group={} topics={} batch={} gzip={}",
                    clientId,
                    "websocket-bridge." + request.group(),
                    request.topics(),
                    request.batch(),
                    request.gzip());
            while (!client.closing()) {
                ConsumerRecords<byte[], byte[]> records = c.poll(config.pollTimeout());
                for (TopicPartition tp : records.partitions()) {
                    client.deliver(frames.encodeAll(records.records(tp)));
                }
                Map<String, Long> l = new HashMap<>();
                for (TopicPartition tp : c.assignment()) {
                    c.currentLag(tp).ifPresent(v -> l.merge(tp.topic(), v, Long::sum));
                }
                lag(l);
                commit(c, false);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            client.readerFailed("consumer failed: " + e.getMessage(), e);
        } finally {
            reading(null);
            Thread.interrupted();
            if (subscribed) {
                try {
                    commit(c, true);
                } catch (RuntimeException e) {
                    LOG.warn("client id={} group={} final commit failed: {}", clientId, request.group(), e.toString());
                }
            }
            c.close(Duration.ofSeconds(2));
        }
    }

    /** Commits what was written; synchronously on revocation and close. */
    private void commit(KafkaConsumer<byte[], byte[]> c, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : new ArrayList<>(toCommit.keySet())) {
            Long next = toCommit.remove(tp);
            if (next != null && c.assignment().contains(tp)) {
                offsets.put(tp, new OffsetAndMetadata(next));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            c.commitSync(offsets, Duration.ofSeconds(5));
        } else {
            c.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    LOG.warn("client id={} group={} commit failed: {}", clientId, request.group(), error.toString());
                }
            });
        }
    }

    /** Commits before partitions move to another connection, reports new ones to the client. */
    private final class GroupRebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> c;

        GroupRebalance(KafkaConsumer<byte[], byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                commit(c, true);
            } catch (RuntimeException e) {
                LOG.warn(
                        "client id={} group={} commit on revocation failed: {}",
                        clientId,
                        request.group(),
                        e.toString());
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<String, Map<Integer, Long>> positions = new LinkedHashMap<>();
            for (TopicPartition tp : c.assignment()) {
                positions
                        .computeIfAbsent(tp.topic(), t -> new TreeMap<>())
                        .put(tp.partition(), c.position(tp, Duration.ofSeconds(10)));
            }
            LOG.info("client id={} group={} assigned positions={}", clientId, request.group(), positions);
            client.assigned(positions, request.group());
        }
    }
}
