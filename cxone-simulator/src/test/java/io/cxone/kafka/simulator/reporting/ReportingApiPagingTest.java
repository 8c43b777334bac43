package io.cxone.kafka.simulator.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pages the Reporting API serves are those of the plain definition: every row of the timeline that the query
 * matches at that moment, in the query's order, {@code skip}/{@code top} of them. Checked against that definition,
 * computed here row by row, for many queries whose date ranges, {@code updatedSince}, moment, order and paging are
 * drawn at random (ranges shorter than a contact, beyond the data, edges that cut through the rows whose window dates
 * straddle them).
 */
class ReportingApiPagingTest {

    private static final long NOW = Instant.parse("2026-12-02T12:00:00Z").toEpochMilli();

    @Test
    void everyPageIsTheSliceOfAllMatchingRowsInTheQuerysOrder() {
        SplittableRandom random = new SplittableRandom(11);
        for (long spacingMs : new long[] {250, 7_000, 45_000}) {
            long rows = 3_000;
            long lagMs = spacingMs == 7_000 ? 20_000 : 0;
            ReportingTimeline timeline =
                    new ReportingTimeline(42, NOW - (rows - 1) * spacingMs, spacingMs, 0.3, 600_000, lagMs);
            ReportingApi api = new ReportingApi(
                    null,
                    timeline,
                    List.of("v27.0"),
                    "bu",
                    Duration.ZERO,
                    Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC),
                    () -> "http://localhost");
            long from = timeline.epochMs() - 3_600_000;
            long span = NOW + 3_600_000 - from;
            for (int n = 0; n < 400; n++) {
                ReportingEntity entity =
                        random.nextBoolean() ? ReportingEntity.CONTACTS_COMPLETED : ReportingEntity.AGENT_STATE_HISTORY;
                long start = from + random.nextLong(span);
                long end =
                        start + (random.nextInt(3) == 0 ? 1 + random.nextLong(1_200_000) : 1 + random.nextLong(span));
                Long updatedSince = random.nextBoolean() ? null : from + random.nextLong(span);
                long now = NOW - random.nextLong(Math.min(span / 2, rows * spacingMs / 2));
                boolean byUpdateTime = random.nextInt(4) == 0;
                boolean descending = random.nextInt(3) == 0;
                List<ReportingTimeline.Version> all =
                        matching(timeline, entity, start, end, updatedSince, now, byUpdateTime, descending);
                int top = 1 + random.nextInt(random.nextBoolean() ? 50 : 4_000);
                long skip = random.nextInt(4) == 0 ? random.nextLong(4_000) : random.nextLong(all.size() + 1L);
                ReportingApi.Page page = api.page(
                        new ReportingApi.Query(
                                entity, start, end, updatedSince, top, skip, null, byUpdateTime, descending),
                        now);

                String query = String.format(
                        "spacing %d ms, %s [%d, %d) updatedSince %s at %d, byUpdateTime %s, descending %s, skip %d top %d",
                        spacingMs, entity, start, end, updatedSince, now, byUpdateTime, descending, skip, top);
                assertThat(page.total()).as(query).isEqualTo(all.size());
                assertThat(page.versions()).as(query).isEqualTo(all.subList((int) Math.min(skip, all.size()), (int)
                        Math.min(skip + top, all.size())));
            }
        }
    }

    /** Every row of the timeline that the query matches at {@code now}, in its order: the definition. */
    private static List<ReportingTimeline.Version> matching(
            ReportingTimeline timeline,
            ReportingEntity entity,
            long start,
            long end,
            Long updatedSince,
            long now,
            boolean byUpdateTime,
            boolean descending) {
        List<ReportingTimeline.Version> out = new ArrayList<>();
        for (long i = 0; i <= timeline.lastIndexCompletedBy(now); i++) {
            ReportingTimeline.Version v = timeline.current(entity, i, now);
            if (v != null
                    && v.windowMs() >= start
                    && v.windowMs() < end
                    && (updatedSince == null || v.lastUpdateMs() >= updatedSince)) {
                out.add(v);
            }
        }
        Comparator<ReportingTimeline.Version> order = byUpdateTime
                ? Comparator.comparingLong(ReportingTimeline.Version::lastUpdateMs)
                        .thenComparingLong(ReportingTimeline.Version::index)
                : Comparator.comparingLong(ReportingTimeline.Version::index);
        out.sort(descending ? order.reversed() : order);
        return out;
    }
}
