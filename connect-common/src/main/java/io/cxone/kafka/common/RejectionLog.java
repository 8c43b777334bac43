package io.cxone.kafka.common;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejected requests at a bounded rate, since anyone who reaches a listening port can send them: the first
 * {@value #DETAILED_PER_INTERVAL} of each interval in detail (id, caller, kind, reason), then one summary line per
 * interval with the count per kind (an HTTP status, or a protocol error code). The owner calls {@link #endInterval()}
 * every {@value #INTERVAL_MILLIS} ms.
 */
public final class RejectionLog {

    public static final int DETAILED_PER_INTERVAL = 5;
    public static final long INTERVAL_MILLIS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(RejectionLog.class);

    private final String subject;
    private final Consumer<String> sink;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final AtomicInteger detailed = new AtomicInteger();

    /** @param subject what is rejected, as it starts each line: "webhook request", "bridge connection" */
    public RejectionLog(String subject) {
        this(subject, log::info);
    }

    /** Writing to {@code sink}: for tests. */
    public RejectionLog(String subject, Consumer<String> sink) {
        this.subject = subject;
        this.sink = sink;
    }

    /** One rejection: logged in detail while this interval's detailed lines last, else only counted. */
    public void rejected(String id, String remote, Object kind, String reason) {
        counts.computeIfAbsent(String.valueOf(kind), k -> new LongAdder()).increment();
        if (detailed.getAndIncrement() < DETAILED_PER_INTERVAL) {
            sink.accept(subject + " " + id + " from " + remote + ": " + kind + " " + reason);
        }
    }

    /**
     * Ends the interval: writes the summary of its rejections (nothing when there were none, or when every one was
     * logged in detail) and starts counting afresh.
     */
    public void endInterval() {
        int logged = Math.min(detailed.getAndSet(0), DETAILED_PER_INTERVAL);
        Map<String, Long> byKind = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, LongAdder> entry : counts.entrySet()) {
            long count = entry.getValue().sumThenReset();
            if (count > 0) {
                byKind.put(entry.getKey(), count);
                total += count;
            }
        }
        if (total > logged) {
            StringBuilder line = new StringBuilder(subject)
                    .append(": ")
                    .append(total)
                    .append(" rejected in the last ")
                    .append(INTERVAL_MILLIS / 1000)
                    .append(" s (")
                    .append(logged)
                    .append(" logged in detail), by kind:");
            byKind.forEach(
                    (kind, count) -> line.append(' ').append(kind).append('=').append(count));
            sink.accept(line.toString());
        }
    }
}
