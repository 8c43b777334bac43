package io.cxone.kafka.source.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Logs rejected requests at a bounded rate, since anyone who reaches the port can send them: the first
 * {@value #DETAILED_PER_INTERVAL} of each interval in detail (request id, caller, status, reason), then one summary
 * line per interval with the count per status. Counts per status are also in the listener's metrics. The task calls
 * {@link #endInterval()} every {@value #INTERVAL_MILLIS} ms.
 */
final class RejectionLog {

    static final int DETAILED_PER_INTERVAL = 5;
    static final long INTERVAL_MILLIS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(RejectionLog.class);

    private final Consumer<String> sink;
    private final Map<Integer, LongAdder> counts = new ConcurrentHashMap<>();
    private final AtomicInteger detailed = new AtomicInteger();

    RejectionLog() {
        this(log::info);
    }

    /** Writing to {@code sink}: for tests. */
    RejectionLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** One rejection: logged in detail while this interval's detailed lines last, else only counted. */
    void rejected(String requestId, String remote, int status, String reason) {
        counts.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (detailed.getAndIncrement() < DETAILED_PER_INTERVAL) {
            sink.accept("webhook request " + requestId + " from " + remote + ": " + status + " " + reason);
        }
    }

    /**
     * Ends the interval: writes the summary of its rejections (nothing when there were none, or when every one was
     * logged in detail) and starts counting afresh.
     */
    void endInterval() {
        int logged = Math.min(detailed.getAndSet(0), DETAILED_PER_INTERVAL);
        Map<Integer, Long> byStatus = new TreeMap<>();
        long total = 0;
        for (Integer status : counts.keySet()) {
            long count = counts.get(status).sumThenReset();
            if (count > 0) {
                byStatus.put(status, count);
                total += count;
            }
        }
        if (total > logged) {
            StringBuilder line = new StringBuilder("webhook rejected ").append(total).append(" requests in the last ")
                    .append(INTERVAL_MILLIS / 1000).append(" s (").append(logged).append(" logged in detail), by status:");
            byStatus.forEach((status, count) -> line.append(' ').append(status).append('=').append(count));
            sink.accept(line.toString());
        }
    }
}
