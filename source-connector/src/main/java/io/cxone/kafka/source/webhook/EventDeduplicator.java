package io.cxone.kafka.source.webhook;

import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers event ids acknowledged within a window, so a caller's retry of an event already in Kafka is answered
 * with the original offset instead of publishing it again. An id still being published by another request makes
 * the new request wait (503 + Retry-After) rather than race it. In memory, per task.
 */
final class EventDeduplicator {

    /** Where an earlier copy of an event went. */
    record Published(String topic, int partition, long offset, String requestId) {
    }

    private record Entry(String requestId, Published published, long ackedAtMillis) {
        boolean pending() {
            return published == null;
        }
    }

    private final long windowMillis;
    private final int maxEntries;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    EventDeduplicator(Duration window, int maxEntries, Clock clock) {
        this.windowMillis = window.toMillis();
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /**
     * Claims the ids of a request. Returns, per position, the earlier copy when the event is a duplicate (an
     * acknowledged id, or a repeat inside the request: {@code Published} with a null topic and the first position
     * as offset), else null. Throws {@link RejectedRequest} 503 when another request is still publishing an id;
     * then nothing is claimed.
     */
    synchronized Published[] claim(String requestId, List<String> ids) {
        long now = clock.millis();
        evict(now);
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
                duplicates[i] = new Published(null, -1, first, requestId);
                continue;
            }
            Entry entry = entries.get(id);
            if (entry == null) {
                continue;
            }
            if (entry.pending()) {
                throw new RejectedRequest(503, "event id '" + id + "' is still being published by request " + entry.requestId());
            }
            duplicates[i] = entry.published();
        }
        if (firstInRequest == null) {
            if (!ids.isEmpty() && ids.get(0) != null && duplicates[0] == null) {
                entries.put(ids.get(0), new Entry(requestId, null, 0));
            }
            return duplicates;
        }
        for (Map.Entry<String, Integer> e : firstInRequest.entrySet()) {
            if (duplicates[e.getValue()] == null) {
                entries.put(e.getKey(), new Entry(requestId, null, 0));
            }
        }
        return duplicates;
    }

    synchronized void published(String id, String requestId, RecordMetadata metadata) {
        entries.remove(id); // re-insert at the end: entries stay ordered by acknowledgement time
        entries.put(id, new Entry(requestId, new Published(metadata.topic(), metadata.partition(),
                metadata.hasOffset() ? metadata.offset() : -1, requestId), clock.millis()));
        while (entries.size() > maxEntries) {
            Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
            it.next();
            it.remove();
        }
    }

    /** Forgets ids of a request that was not published, so a retry publishes them. */
    synchronized void released(String requestId, Collection<String> ids) {
        for (String id : ids) {
            Entry entry = entries.get(id);
            if (entry != null && entry.pending() && entry.requestId().equals(requestId)) {
                entries.remove(id);
            }
        }
    }

    synchronized int size() {
        return entries.size();
    }

    private void evict(long now) {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Entry entry = it.next().getValue();
            if (entry.pending()) {
                continue;
            }
            if (entry.ackedAtMillis() + windowMillis > now) {
                break; // acknowledged entries are in time order
            }
            it.remove();
        }
    }
}
