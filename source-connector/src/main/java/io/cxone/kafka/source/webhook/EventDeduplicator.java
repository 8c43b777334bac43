package io.cxone.kafka.source.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Remembers event ids acknowledged within a window, so a caller's retry of an event already in Kafka is answered
 * with the original offset instead of publishing it again. An id still being published by another request makes
 * the new request wait (503 + Retry-After) rather than race it. In memory, per task: ids being published in a map
 * (they live milliseconds), acknowledged ids in {@link AcknowledgedIds} (they live for the window). Ids found in the
 * topic ({@link DedupeTopicReader}: published before this task started, or by the connector's other tasks) are
 * added with {@link #remember}.
 */
final class EventDeduplicator {

    /** Where an earlier copy of an event went. */
    record Published(String topic, int partition, long offset) {}

    /** An event id read from the topic, where it is, and when it was written. */
    record Seen(String id, String topic, int partition, long offset, long timestampMillis) {}

    private final long windowMillis;
    private final Clock clock;
    /** Ids claimed by a request whose events are not acknowledged yet, with that request's id. */
    private final Map<String, String> publishing = new HashMap<>();

    private final AcknowledgedIds acknowledged;

    EventDeduplicator(Duration window, int maxEntries, Clock clock) {
        this.windowMillis = window.toMillis();
        this.clock = clock;
        this.acknowledged = new AcknowledgedIds(maxEntries);
    }

    /**
     * Claims the ids of a request. Returns, per position, the earlier copy when the event is a duplicate (an
     * acknowledged id, or a repeat inside the request: {@code Published} with a null topic and the first position
     * as offset), else null. Throws {@link RejectedRequest} 503 when another request is still publishing an id;
     * then nothing is claimed.
     */
    synchronized Published[] claim(String requestId, List<String> ids) {
        acknowledged.forgetAcknowledgedUpTo(clock.millis() - windowMillis);
        Published[] duplicates = new Published[ids.size()];
        // a request's first position of each id; none needed for one event per request, the usual case
        Map<String, Integer> firstInRequest = ids.size() > 1 ? new HashMap<>() : null;
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (id == null) {
                continue;
            }
            Integer first = firstInRequest == null ? null : firstInRequest.putIfAbsent(id, i);
            if (first != null) {
                duplicates[i] = new Published(null, -1, first);
                continue;
            }
            String owner = publishing.get(id);
            if (owner != null) {
                throw new RejectedRequest(503, "event id '" + id + "' is still being published by request " + owner);
            }
            AcknowledgedIds.Place place = acknowledged.find(id);
            if (place != null) {
                duplicates[i] = new Published(place.topic(), place.partition(), place.offset());
            }
        }
        if (firstInRequest == null) {
            if (!ids.isEmpty() && ids.get(0) != null && duplicates[0] == null) {
                publishing.put(ids.get(0), requestId);
            }
            return duplicates;
        }
        for (Map.Entry<String, Integer> e : firstInRequest.entrySet()) {
            if (duplicates[e.getValue()] == null) {
                publishing.put(e.getKey(), requestId);
            }
        }
        return duplicates;
    }

    synchronized void published(String id, String requestId, RecordMetadata metadata) {
        publishing.remove(id, requestId);
        acknowledged.put(
                id,
                metadata.topic(),
                metadata.partition(),
                metadata.hasOffset() ? metadata.offset() : -1,
                clock.millis());
    }

    /**
     * Adds ids read from the topic that the window does not hold yet (this task's own, read back, are held already).
     * Returns how many were added.
     */
    synchronized int remember(List<Seen> seen) {
        int added = 0;
        for (Seen event : seen) {
            if (acknowledged.find(event.id()) == null) {
                acknowledged.put(event.id(), event.topic(), event.partition(), event.offset(), event.timestampMillis());
                added++;
            }
        }
        return added;
    }

    /** Acknowledged ids remembered now (for the dedupe-ids metric). */
    synchronized int size() {
        return acknowledged.size();
    }

    /** Forgets ids of a request that was not published, so a retry publishes them. */
    synchronized void released(String requestId, Collection<String> ids) {
        for (String id : ids) {
            publishing.remove(id, requestId);
        }
    }
}
