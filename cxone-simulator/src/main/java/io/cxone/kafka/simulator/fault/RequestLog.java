package io.cxone.kafka.simulator.fault;

import io.cxone.kafka.simulator.http.Endpoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What clients did: per endpoint, how many requests got which status, plus the last {@value #RECENT_LIMIT} requests
 * with the faults applied to them. Tests assert on this instead of on timing (e.g. "the connector retried twice").
 */
public final class RequestLog {
    static final int RECENT_LIMIT = 500;

    /** One request as the server answered it. Path includes the query string; faults are wire names. */
    public record Entry(long seq, String method, String path, Endpoint endpoint, int status, List<String> faults) {
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("seq", seq);
            json.put("method", method);
            json.put("path", path);
            json.put("endpoint", endpoint.wireName());
            json.put("status", status);
            json.put("faults", faults);
            return json;
        }
    }

    private final Map<Endpoint, Map<Integer, AtomicLong>> counts = new ConcurrentHashMap<>();
    private final Deque<Entry> recent = new ArrayDeque<>();
    private final AtomicLong seq = new AtomicLong();

    public void record(String method, String path, Endpoint endpoint, int status, List<String> faults) {
        counts.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, s -> new AtomicLong())
                .incrementAndGet();
        Entry entry = new Entry(seq.incrementAndGet(), method, path, endpoint, status, List.copyOf(faults));
        synchronized (recent) {
            recent.addLast(entry);
            if (recent.size() > RECENT_LIMIT) {
                recent.removeFirst();
            }
        }
    }

    /** Requests to {@code endpoint}, whatever the answer. */
    public long count(Endpoint endpoint) {
        return counts.getOrDefault(endpoint, Map.of()).values().stream()
                .mapToLong(AtomicLong::get)
                .sum();
    }

    /** Requests to {@code endpoint} answered with {@code status}. */
    public long count(Endpoint endpoint, int status) {
        AtomicLong count = counts.getOrDefault(endpoint, Map.of()).get(status);
        return count == null ? 0 : count.get();
    }

    public long total() {
        return counts.values().stream()
                .flatMap(m -> m.values().stream())
                .mapToLong(AtomicLong::get)
                .sum();
    }

    public List<Entry> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    public void reset() {
        counts.clear();
        synchronized (recent) {
            recent.clear();
        }
    }

    /** {@code {"total": n, "endpoints": {"export-records": {"total": 3, "statuses": {"200": 2, "429": 1}}}, "recent": [...]}} */
    public Map<String, Object> toJson() {
        Map<String, Object> endpoints = new LinkedHashMap<>();
        long total = 0;
        for (Endpoint endpoint : Endpoint.values()) {
            Map<Integer, AtomicLong> byStatus = counts.get(endpoint);
            if (byStatus == null) {
                continue;
            }
            Map<String, Long> statuses = new TreeMap<>();
            byStatus.forEach((status, count) -> statuses.put(Integer.toString(status), count.get()));
            long endpointTotal =
                    statuses.values().stream().mapToLong(Long::longValue).sum();
            total += endpointTotal;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("total", endpointTotal);
            entry.put("statuses", statuses);
            endpoints.put(endpoint.wireName(), entry);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("total", total);
        json.put("endpoints", endpoints);
        json.put("recent", recent().stream().map(Entry::toJson).toList());
        return json;
    }
}
