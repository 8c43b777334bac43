package io.cxone.kafka.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rejections flood the log no more than a few lines per interval, whatever their number. */
class RejectionLogTest {

    private final List<String> lines = new ArrayList<>();
    private final RejectionLog rejections = new RejectionLog("webhook request", lines::add);

    @Test
    void aFloodIsLoggedAsTheFirstFewThenOneSummaryPerInterval() {
        for (int i = 0; i < 10_000; i++) {
            rejections.rejected(
                    "req-" + i, "10.0.0.9", i % 4 == 0 ? 404 : 401, "Authorization: missing Bearer credentials");
        }
        assertThat(lines).hasSize(RejectionLog.DETAILED_PER_INTERVAL);
        assertThat(lines.get(0))
                .isEqualTo("webhook request req-0 from 10.0.0.9: 404 Authorization: missing Bearer credentials");

        rejections.endInterval();
        assertThat(lines).hasSize(RejectionLog.DETAILED_PER_INTERVAL + 1);
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("webhook request: 10000 rejected in the last 10 s (5 logged in "
                        + "detail), by kind: 401=7500 404=2500");

        // the next interval starts afresh: details again, and counts from zero
        rejections.rejected("req-a", "10.0.0.9", 413, "body exceeds request.max.bytes=64");
        rejections.endInterval();
        assertThat(lines.subList(RejectionLog.DETAILED_PER_INTERVAL + 1, lines.size()))
                .containsExactly("webhook request req-a from 10.0.0.9: 413 body exceeds request.max.bytes=64");
    }

    @Test
    void aQuietIntervalLogsNothing() {
        rejections.endInterval();
        rejections.rejected("req-1", "10.0.0.9", 401, "x");
        rejections.rejected("req-2", "10.0.0.9", 401, "x");
        rejections.endInterval(); // both were logged in detail: no summary needed
        rejections.endInterval();
        assertThat(lines).hasSize(2);
    }
}
