package io.cxone.kafka.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxone.kafka.source.bench.LatencySamples;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When probe events become searchable: one thread searches the index by {@code event_id} for every probe not yet
 * found, at most once per {@code interval} (one {@code terms} search for all of them), so the probing costs a
 * bounded share of the CPU whatever the event rate. A probe's latency is from its CXone event time to the answer of
 * the first search that found it: at most one interval plus one search later than the moment it became visible.
 * A search sees only what a refresh has published, so this is "searchable" as a user's query sees it.
 */
public final class SearchVisibilityProbe implements AutoCloseable {
    /** A probe not found this long after its event time counts as missing (printed by the caller as n of planned). */
    private static final long GIVE_UP_MILLIS = TimeUnit.MINUTES.toMillis(2);
    /** Ids per search: bounds the request (a probe rate x the searchable latency is far below it). */
    private static final int MAX_IDS_PER_SEARCH = 2_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Probe(long eventTimeMillis, LatencySamples target) {}

    private final String index;
    private final long intervalNanos;
    private final ConcurrentLinkedQueue<Map.Entry<String, Probe>> added = new ConcurrentLinkedQueue<>();
    private final Map<String, Probe> pending = new LinkedHashMap<>(); // the probe thread's only
    private final AtomicInteger unresolved = new AtomicInteger();
    private final AtomicInteger searches = new AtomicInteger();
    private final AtomicInteger givenUp = new AtomicInteger();
    private final AtomicInteger failedSearches = new AtomicInteger();
    private final Thread thread = new Thread(this::loop, "bench-search-probe");
    private volatile boolean closed;

    public SearchVisibilityProbe(String index, Duration interval) {
        this.index = index;
        this.intervalNanos = interval.toNanos();
        thread.setDaemon(true);
        thread.start();
    }

    /** Deletes the index left by an earlier run (the test Elasticsearch keeps its data between JVMs). */
    public static void deleteIndex(String index) {
        ElasticsearchQueries.deleteIndices(index);
    }

    /** The index's refresh interval: its own setting, or Elasticsearch's default when it has none. */
    public static String refreshInterval(String index) {
        JsonNode settings = ElasticsearchQueries.get("/" + index + "/_settings?include_defaults=true")
                .path(index);
        JsonNode own = settings.at("/settings/index/refresh_interval");
        return own.isMissingNode()
                ? settings.at("/defaults/index/refresh_interval").asText("?") + " (Elasticsearch's default)"
                : own.asText() + " (set on the index)";
    }

    /** Looks for {@code eventId} until found; its latency goes to {@code target}. Any thread. */
    public void expect(String eventId, long eventTimeMillis, LatencySamples target) {
        unresolved.incrementAndGet();
        added.add(Map.entry(eventId, new Probe(eventTimeMillis, target)));
    }

    /** Probes neither found nor given up yet. */
    public int unresolved() {
        return unresolved.get();
    }

    public int searches() {
        return searches.get();
    }

    public int givenUp() {
        return givenUp.get();
    }

    /** Searches that failed (e.g. a timeout): the probes they covered are searched again next time. */
    public int failedSearches() {
        return failedSearches.get();
    }

    private void loop() {
        long next = System.nanoTime();
        while (!closed) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            next = Math.max(next + intervalNanos, System.nanoTime());
            for (Map.Entry<String, Probe> e; (e = added.poll()) != null; ) {
                pending.put(e.getKey(), e.getValue());
            }
            if (!pending.isEmpty()) {
                try {
                    search();
                } catch (RuntimeException e) {
                    if (failedSearches.getAndIncrement() == 0) {
                        System.out.println("search probe: a search failed (" + e + "); it goes on");
                    }
                }
            }
        }
    }

    private void search() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode ids = body.putObject("query").putObject("terms").putArray("event_id");
        for (Iterator<String> it = pending.keySet().iterator(); it.hasNext() && ids.size() < MAX_IDS_PER_SEARCH; ) {
            ids.add(it.next());
        }
        body.put("size", ids.size());
        body.putArray("_source").add("event_id");
        JsonNode hits = ElasticsearchQueries.call(
                        "POST",
                        "/" + index + "/_search?ignore_unavailable=true&filter_path=hits.hits._source.event_id",
                        body.toString())
                .at("/hits/hits");
        long answeredMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        searches.incrementAndGet();
        for (JsonNode hit : hits) {
            Probe found = pending.remove(hit.at("/_source/event_id").asText());
            if (found != null) {
                found.target().add(answeredMicros - found.eventTimeMillis() * 1000);
                unresolved.decrementAndGet();
            }
        }
        long giveUpBefore = answeredMicros / 1000 - GIVE_UP_MILLIS;
        pending.values().removeIf(p -> {
            boolean old = p.eventTimeMillis() < giveUpBefore;
            if (old) {
                givenUp.incrementAndGet();
                unresolved.decrementAndGet();
            }
            return old;
        });
    }

    @Override
    public void close() throws InterruptedException {
        closed = true; // the thread sleeps at most one interval, or finishes its search
        thread.join(35_000);
    }
}
