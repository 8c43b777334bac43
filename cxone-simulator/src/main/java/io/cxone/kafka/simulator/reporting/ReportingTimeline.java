package io.cxone.kafka.simulator.reporting;

import io.cxone.kafka.simulator.data.RowGenerator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the Reporting API knows at any moment, computed, never stored. Row {@code i} of every entity completes at
 * {@code epoch + i * spacing}; its window date (contact or state start) lies 30 s to 10 min before that. A share of
 * the rows of updatable entities changes once more, up to {@code updateDelayMax} after completion, and then carries
 * a newer {@code lastUpdateTime} under the same key. A version becomes visible {@code lag} after its
 * {@code lastUpdateTime}, as CXone's reporting data trails its contact handling: a client that asks
 * {@code updatedSince} = its last {@code lastPollTime} without an overlap misses versions that became visible late.
 * Everything derives from (seed, entity, row, version), so any page can be computed at any time and a test can ask
 * which versions must have been delivered.
 */
public final class ReportingTimeline {

    static final long MIN_DURATION_MS = 30_000;
    static final long MAX_DURATION_MS = 600_000;

    private static final String[] MEDIA = {"Call", "Chat", "Email", "SMS", "WorkItem"};
    private static final String[] STATES = {"Available", "Unavailable", "Working", "Refused", "LoggedOut"};
    private static final String[] CUSTOM_NAMES = {"accountNumber", "caseId", "csat", "language"};
    private static final String[] DISPOSITIONS = {"resolved", "callback requested", "escalated", "sale", "no answer"};

    private final long seed;
    private final long epochMs;
    private final long spacingMs;
    private final double updateShare;
    private final long updateDelayMaxMs;
    private final long lagMs;

    /** One version of one row: {@code version} 0 at completion, 1 after its later update. */
    public record Version(
            ReportingEntity entity, long index, int version, long completedMs, long windowMs, long lastUpdateMs) {
        public long key() {
            return entity.key(index);
        }
    }

    public ReportingTimeline(
            long seed, long epochMs, long spacingMs, double updateShare, long updateDelayMaxMs, long lagMs) {
        if (spacingMs < 1) {
            throw new IllegalArgumentException("spacing must be at least 1 ms, got " + spacingMs);
        }
        this.seed = seed;
        this.epochMs = epochMs;
        this.spacingMs = spacingMs;
        this.updateShare = updateShare;
        this.updateDelayMaxMs = Math.max(1_000, updateDelayMaxMs);
        this.lagMs = lagMs;
    }

    public long epochMs() {
        return epochMs;
    }

    public long lagMs() {
        return lagMs;
    }

    /** The newest version of row {@code index} visible at {@code nowMs}; null before its completion is visible. */
    public Version current(ReportingEntity entity, long index, long nowMs) {
        long completed = completedMs(index);
        if (completed + lagMs > nowMs) {
            return null;
        }
        SplittableRandom random = random(entity, index);
        long window = completed - MIN_DURATION_MS - random.nextLong(MAX_DURATION_MS - MIN_DURATION_MS + 1);
        long updated = updateMs(entity, completed, random);
        if (updated >= 0 && updated + lagMs <= nowMs) {
            return new Version(entity, index, 1, completed, window, updated);
        }
        return new Version(entity, index, 0, completed, window, completed);
    }

    /** Every version of rows whose window date is in {@code [fromMs, toMs)} visible at {@code asOfMs}, by key. */
    public List<Version> versions(ReportingEntity entity, long fromMs, long toMs, long asOfMs) {
        List<Version> versions = new ArrayList<>();
        long last = Math.min(lastIndexCompletedBy(asOfMs - lagMs), lastIndexCompletedBy(toMs + MAX_DURATION_MS));
        for (long i = firstIndexCompletedFrom(fromMs + MIN_DURATION_MS); i <= last; i++) {
            Version newest = current(entity, i, asOfMs);
            if (newest == null || newest.windowMs() < fromMs || newest.windowMs() >= toMs) {
                continue;
            }
            if (newest.version() == 1) {
                versions.add(new Version(entity, i, 0, newest.completedMs(), newest.windowMs(), newest.completedMs()));
            }
            versions.add(newest);
        }
        return versions;
    }

    /** First row completed at or after {@code ms}. */
    long firstIndexCompletedFrom(long ms) {
        return ms <= epochMs ? 0 : Math.floorDiv(ms - epochMs + spacingMs - 1, spacingMs);
    }

    /** Last row completed at or before {@code ms}; -1 when none. */
    long lastIndexCompletedBy(long ms) {
        return ms < epochMs ? -1 : Math.floorDiv(ms - epochMs, spacingMs);
    }

    /** How long before a row's completion a change of it can become visible: bounds the rows {@code updatedSince} reaches. */
    long updateReachMs(ReportingEntity entity) {
        return entity.updatedAfterCompletion() ? updateDelayMaxMs : 0;
    }

    /** The row as the API answers it, with every field of the entity. */
    public Map<String, Object> row(Version v) {
        SplittableRandom random = random(v.entity(), v.index());
        random.nextLong(); // window draw, as in current()
        random.nextDouble(); // update draws, as in updateMs()
        random.nextLong();
        SplittableRandom changing =
                new SplittableRandom(RowGenerator.mix64(seed ^ RowGenerator.mix64(v.key() * 31 + v.version())));
        long durationS = (v.completedMs() - v.windowMs()) / 1000;
        long agentId = 1_000 + random.nextInt(200);
        long skillId = 500 + random.nextInt(40);
        Map<String, Object> row = new LinkedHashMap<>();
        switch (v.entity()) {
            case CONTACTS_COMPLETED -> {
                long queued = random.nextInt((int) Math.min(durationS, 120) + 1);
                row.put("contactId", v.key());
                row.put("masterContactId", v.key());
                row.put("contactStartDate", iso(v.windowMs()));
                row.put("lastUpdateTime", iso(v.lastUpdateMs()));
                row.put("agentId", agentId);
                row.put("skillId", skillId);
                row.put("teamId", 100 + random.nextInt(20));
                row.put("mediaTypeName", MEDIA[random.nextInt(MEDIA.length)]);
                row.put("agentSeconds", durationS - queued);
                row.put("inQueueSeconds", queued);
                row.put("abandoned", random.nextInt(25) == 0);
                row.put(
                        "dispositionNotes",
                        v.version() == 0 ? "" : DISPOSITIONS[changing.nextInt(DISPOSITIONS.length)]);
                row.put("fromAddress", "+1555" + (1_000_000 + random.nextInt(9_000_000)));
                row.put("toAddress", "+1800555" + (1_000 + random.nextInt(9_000)));
                row.put("isWarehoused", false);
                row.put("tags", random.nextBoolean() ? List.of("vip") : List.of());
            }
            case AGENT_STATE_HISTORY -> {
                row.put("agentStateId", v.key());
                row.put("agentId", agentId);
                row.put("startDate", iso(v.windowMs()));
                row.put("endDate", iso(v.completedMs()));
                row.put("agentStateName", STATES[random.nextInt(STATES.length)]);
                row.put("outStateDescription", random.nextInt(4) == 0 ? "Break" : "");
                row.put("skillId", skillId);
                row.put("contactId", ReportingEntity.CONTACTS_COMPLETED.key(v.index()));
                row.put("durationSeconds", durationS);
                row.put("lastUpdateTime", iso(v.lastUpdateMs()));
            }
            case AGENT_INTERACTION_HISTORY -> {
                row.put("interactionId", v.key());
                row.put("agentId", agentId);
                row.put("contactId", ReportingEntity.CONTACTS_COMPLETED.key(v.index()));
                row.put("mediaTypeName", MEDIA[random.nextInt(MEDIA.length)]);
                row.put("skillId", skillId);
                row.put("startDate", iso(v.windowMs()));
                row.put("endDate", iso(v.completedMs()));
                row.put("durationSeconds", durationS);
                row.put("lastUpdateTime", iso(v.lastUpdateMs()));
            }
            case CONTACT_CUSTOM_DATA -> {
                row.put("customDataId", v.key());
                row.put("contactId", ReportingEntity.CONTACTS_COMPLETED.key(v.index()));
                row.put("contactStartDate", iso(v.windowMs()));
                row.put("name", CUSTOM_NAMES[random.nextInt(CUSTOM_NAMES.length)]);
                row.put("value", "v" + changing.nextInt(100_000));
                row.put("lastUpdateTime", iso(v.lastUpdateMs()));
            }
        }
        return row;
    }

    private long completedMs(long index) {
        return epochMs + index * spacingMs;
    }

    /** When the row changes after completion, or -1; draws from {@code random} in a fixed order. */
    private long updateMs(ReportingEntity entity, long completedMs, SplittableRandom random) {
        double share = random.nextDouble();
        long delay = 1_000 + random.nextLong(updateDelayMaxMs - 1_000 + 1);
        return entity.updatedAfterCompletion() && share < updateShare ? completedMs + delay : -1;
    }

    private SplittableRandom random(ReportingEntity entity, long index) {
        return new SplittableRandom(RowGenerator.mix64(seed ^ RowGenerator.mix64(entity.key(index))));
    }

    static String iso(long epochMs) {
        return RowGenerator.isoUtcMillis(epochMs);
    }
}
