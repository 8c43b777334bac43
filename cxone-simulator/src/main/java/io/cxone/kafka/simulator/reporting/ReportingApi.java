package io.cxone.kafka.simulator.reporting;

import io.cxone.kafka.simulator.auth.TokenService;
import io.cxone.kafka.simulator.data.SchemaDrift;
import io.cxone.kafka.simulator.fault.FaultSpec;
import io.cxone.kafka.simulator.fault.FaultType;
import io.cxone.kafka.simulator.http.ApiException;
import io.cxone.kafka.simulator.http.Exchange;
import io.cxone.kafka.simulator.http.SimResponse;
import io.cxone.kafka.simulator.http.Throttle;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real CXone Reporting API's incremental pulls (CXONE.md, section D):
 * {@code GET /incontactapi/services/{version}/{entity}?startDate&endDate&updatedSince&top&skip&fields&orderBy}. Answers
 * {@code {totalRecords, businessUnitId, lastPollTime, <array>: [...], _links: {self, next, previous}}}, or 204 without
 * a body when the page is empty, as CXone does. {@code lastPollTime} is the server's time of the request, not the time
 * its data is complete up to: see {@link ReportingTimeline} for why a client needs an overlap.
 * <p>
 * Paging is by position ({@code skip}) over a result that moves while a client pages: new rows and changed rows
 * appear between two pages. Ordered by key (the default) a row never moves to an earlier position, so a client that
 * pages to the end misses nothing that existed when it started; ordered by {@code lastUpdateTime}, a row that changes
 * mid-pass jumps to the end and the rows behind it shift back past the client's {@code skip}.
 */
public final class ReportingApi {
    private static final Logger log = LoggerFactory.getLogger(ReportingApi.class);

    public static final int MAX_TOP = 10_000;
    private static final Pattern VERSION = Pattern.compile("v\\d{1,3}\\.\\d{1,3}");
    private static final Set<String> QUERY_PARAMETERS = Set.of(
            "startDate",
            "endDate",
            "updatedSince",
            "top",
            "skip",
            "fields",
            "orderBy",
            "mediaTypeId",
            "skillId",
            "campaignId",
            "agentId",
            "teamId",
            "tags");

    private final TokenService tokens;
    private final ReportingTimeline timeline;
    private final Set<String> versions;
    private final String businessUnitId;
    private final Clock clock;
    private final Throttle throttle;
    private final Supplier<String> baseUrl;

    public ReportingApi(
            TokenService tokens,
            ReportingTimeline timeline,
            List<String> versions,
            String businessUnitId,
            Duration callInterval,
            Clock clock,
            Supplier<String> baseUrl) {
        this.tokens = tokens;
        this.timeline = timeline;
        this.versions = Set.copyOf(versions);
        this.businessUnitId = businessUnitId;
        this.clock = clock;
        this.throttle = new Throttle("Reporting API", callInterval, clock);
        this.baseUrl = baseUrl;
    }

    /** A query of one page, as parsed from the request. */
    record Query(
            ReportingEntity entity,
            long startMs,
            long endMs,
            Long updatedSinceMs,
            int top,
            long skip,
            List<String> fields,
            boolean byUpdateTime,
            boolean descending) {}

    public SimResponse get(Exchange exchange, String version, String entityPath) {
        if (!versions.contains(version)) {
            throw ApiException.notFound("API version '" + version + "' is not served by this tenant; served: "
                    + versions.stream().sorted().toList());
        }
        ReportingEntity entity = ReportingEntity.fromPath(entityPath)
                .orElseThrow(() -> ApiException.notFound("no reporting endpoint " + entityPath));
        tokens.authenticate(exchange);
        Query query = parse(exchange, entity);
        throttle.admit(exchange);
        long now = clock.millis();
        Page page = page(query, now);
        SchemaDrift drift =
                exchange.takeFault(FaultType.SCHEMA_DRIFT).map(FaultSpec::drift).orElse(null);
        log.debug(
                "Reporting page: entity={} skip={} top={} total={} rows={}",
                entity.path(),
                query.skip(),
                query.top(),
                page.total(),
                page.versions().size());
        if (page.versions().isEmpty()) {
            return new SimResponse(204, null, new byte[0]);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("totalRecords", page.total());
        body.put("businessUnitId", businessUnitId);
        body.put("lastPollTime", ReportingTimeline.iso(now));
        body.put(
                entity.arrayName(),
                page.versions().stream()
                        .map(v -> project(v, query.fields(), drift))
                        .toList());
        body.put("_links", links(exchange, version, query, page.total()));
        return SimResponse.json(200, body);
    }

    record Page(long total, List<ReportingTimeline.Version> versions) {}

    /** The rows of the query's page as the timeline stands at {@code nowMs}. */
    Page page(Query q, long nowMs) {
        long first = timeline.firstIndexCompletedFrom(q.startMs() + ReportingTimeline.MIN_DURATION_MS);
        if (q.updatedSinceMs() != null) {
            first = Math.max(
                    first, timeline.firstIndexCompletedFrom(q.updatedSinceMs() - timeline.updateReachMs(q.entity())));
        }
        long last = Math.min(
                timeline.lastIndexCompletedBy(nowMs - timeline.lagMs()),
                timeline.lastIndexCompletedBy(q.endMs() + ReportingTimeline.MAX_DURATION_MS));
        Matches matches = q.byUpdateTime() ? byUpdateTime(q, first, last, nowMs) : byKey(q, first, last, nowMs);
        long total = matches.size();
        List<ReportingTimeline.Version> versions = new ArrayList<>();
        for (long p = q.skip(); p < Math.min(total, q.skip() + q.top()); p++) {
            versions.add(timeline.current(q.entity(), matches.index(q.descending() ? total - 1 - p : p), nowMs));
        }
        return new Page(total, versions);
    }

    /** The rows a query matches, in its order: which row is at each position. */
    private interface Matches {
        long size();

        long index(long position);
    }

    /**
     * In key order without looking at every row: each page would otherwise compute every row of the range (a client
     * paging through a million rows asks a hundred times). A row's window date lies {@code MIN_DURATION_MS} to
     * {@code MAX_DURATION_MS} before its completion, and a visible version was updated at or after its completion, so
     * every row completed at or after both {@code startMs + MAX_DURATION_MS} and {@code updatedSince}, and before
     * {@code endMs + MIN_DURATION_MS}, matches. Only the rows before and after that run are computed one by one.
     */
    private Matches byKey(Query q, long first, long last, long nowMs) {
        long sure = q.startMs() + ReportingTimeline.MAX_DURATION_MS;
        if (q.updatedSinceMs() != null) {
            sure = Math.max(sure, q.updatedSinceMs());
        }
        long runFirst = Math.max(first, timeline.firstIndexCompletedFrom(sure));
        long runLast = Math.min(last, timeline.lastIndexCompletedBy(q.endMs() + ReportingTimeline.MIN_DURATION_MS - 1));
        if (runFirst > runLast) {
            // no such run: every row of the range lies within a contact's longest duration (or the update reach) of
            // an edge, so there are few
            Scan all = scan(q, first, last, nowMs);
            return new KeyOrder(all, runFirst, 0, new Scan(0));
        }
        return new KeyOrder(
                scan(q, first, runFirst - 1, nowMs),
                runFirst,
                runLast - runFirst + 1,
                scan(q, runLast + 1, last, nowMs));
    }

    /** The rows computed one by one, a run of rows known to match, then rows computed one by one. */
    private record KeyOrder(Scan before, long runFirst, long runSize, Scan after) implements Matches {
        @Override
        public long size() {
            return before.size + runSize + after.size;
        }

        @Override
        public long index(long position) {
            if (position < before.size) {
                return before.indexes[(int) position];
            }
            long inRun = position - before.size;
            return inRun < runSize ? runFirst + inRun : after.indexes[(int) (inRun - runSize)];
        }
    }

    /** By {@code lastUpdateTime}, then key: every row of the range is computed and sorted. */
    private Matches byUpdateTime(Query q, long first, long last, long nowMs) {
        Scan all = scan(q, first, last, nowMs);
        int[] order = java.util.stream.IntStream.range(0, all.size)
                .boxed()
                .sorted((a, b) -> all.updates[a] != all.updates[b]
                        ? Long.compare(all.updates[a], all.updates[b])
                        : Long.compare(all.indexes[a], all.indexes[b]))
                .mapToInt(Integer::intValue)
                .toArray();
        return new Matches() {
            @Override
            public long size() {
                return all.size;
            }

            @Override
            public long index(long position) {
                return all.indexes[order[(int) position]];
            }
        };
    }

    /** The rows of {@code [from, to]} that the query matches at {@code nowMs}, in key order, with their update times. */
    private Scan scan(Query q, long from, long to, long nowMs) {
        Scan matches = new Scan((int) Math.max(16, Math.min(to - from + 1, 1 << 20)));
        for (long i = from; i <= to; i++) {
            ReportingTimeline.Version v = timeline.current(q.entity(), i, nowMs);
            if (v == null
                    || v.windowMs() < q.startMs()
                    || v.windowMs() >= q.endMs()
                    || q.updatedSinceMs() != null && v.lastUpdateMs() < q.updatedSinceMs()) {
                continue;
            }
            matches.add(i, v.lastUpdateMs());
        }
        return matches;
    }

    private static final class Scan {
        long[] indexes;
        long[] updates;
        int size;

        Scan(int capacity) {
            indexes = new long[capacity];
            updates = new long[capacity];
        }

        void add(long index, long update) {
            if (size == indexes.length) {
                indexes = Arrays.copyOf(indexes, Math.max(16, size * 2));
                updates = Arrays.copyOf(updates, indexes.length);
            }
            indexes[size] = index;
            updates[size] = update;
            size++;
        }
    }

    private Query parse(Exchange exchange, ReportingEntity entity) {
        long start = instant(exchange, "startDate");
        long end = instant(exchange, "endDate");
        if (end <= start) {
            throw ApiException.badField("endDate", "endDate must be after startDate");
        }
        if (end - start > Duration.ofDays(entity.maxWindowDays()).toMillis()) {
            throw ApiException.badField(
                    "endDate",
                    "the date range of " + entity.path() + " may span at most " + entity.maxWindowDays()
                            + " days; split the request");
        }
        String updatedSinceText = exchange.query("updatedSince");
        Long updatedSince =
                updatedSinceText == null || updatedSinceText.isBlank() ? null : instant(exchange, "updatedSince");
        int top = (int) number(exchange, "top", MAX_TOP, 1, MAX_TOP);
        long skip = number(exchange, "skip", 0, 0, Long.MAX_VALUE / 2);
        List<String> fields = null;
        String fieldsText = exchange.query("fields");
        if (fieldsText != null && !fieldsText.isBlank()) {
            fields = Arrays.stream(fieldsText.split(","))
                    .map(String::trim)
                    .filter(f -> !f.isEmpty())
                    .toList();
            for (String field : fields) {
                if (!entity.fields().contains(field)) {
                    throw ApiException.badField(
                            "fields",
                            "unknown field '" + field + "' for " + entity.path() + "; fields: " + entity.fields());
                }
            }
        }
        String orderBy = exchange.query("orderBy");
        boolean byUpdateTime = false;
        boolean descending = false;
        if (orderBy != null && !orderBy.isBlank()) {
            String[] parts = orderBy.trim().split("\\s+");
            if (parts.length > 2
                    || !(parts[0].equals(entity.keyField()) || parts[0].equals("lastUpdateTime"))
                    || parts.length == 2 && !parts[1].matches("(?i)asc|desc")) {
                throw ApiException.badField(
                        "orderBy",
                        "orderBy must be '" + entity.keyField() + "' or 'lastUpdateTime', "
                                + "optionally followed by asc or desc; got '" + orderBy + "'");
            }
            byUpdateTime = parts[0].equals("lastUpdateTime");
            descending = parts.length == 2 && parts[1].equalsIgnoreCase("desc");
        }
        return new Query(entity, start, end, updatedSince, top, skip, fields, byUpdateTime, descending);
    }

    private Map<String, Object> project(ReportingTimeline.Version version, List<String> fields, SchemaDrift drift) {
        Map<String, Object> full = timeline.row(version);
        if (drift != null && drift.appliesToRow(version.index())) {
            switch (drift.change()) {
                case ADD -> full.put(drift.field(), drift.newType().wireName() + "-" + version.key());
                case REMOVE -> full.remove(drift.field());
                case RETYPE -> full.computeIfPresent(drift.field(), (name, value) -> String.valueOf(value));
            }
        }
        if (fields == null) {
            return full;
        }
        Map<String, Object> projected = new LinkedHashMap<>();
        fields.forEach(f -> {
            if (full.containsKey(f)) {
                projected.put(f, full.get(f));
            }
        });
        return projected;
    }

    private Map<String, Object> links(Exchange exchange, String version, Query q, long total) {
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", url(exchange, version, q, q.skip()));
        links.put("next", q.skip() + q.top() < total ? url(exchange, version, q, q.skip() + q.top()) : null);
        links.put("previous", q.skip() > 0 ? url(exchange, version, q, Math.max(0, q.skip() - q.top())) : null);
        return links;
    }

    /** The same query at another {@code skip}, every other parameter as the client sent it. */
    private String url(Exchange exchange, String version, Query q, long skip) {
        StringBuilder url = new StringBuilder(baseUrl.get())
                .append("/incontactapi/services/")
                .append(version)
                .append('/')
                .append(q.entity().path())
                .append("?skip=")
                .append(skip)
                .append("&top=")
                .append(q.top());
        for (String name : QUERY_PARAMETERS) {
            String value = exchange.query(name);
            if (value != null && !name.equals("skip") && !name.equals("top")) {
                url.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return url.toString();
    }

    private static long instant(Exchange exchange, String name) {
        String text = exchange.query(name);
        if (text == null || text.isBlank()) {
            throw ApiException.badField(
                    name, "query parameter '" + name + "' is required (ISO-8601, e.g. 2026-12-01T00:00:00.000Z)");
        }
        try {
            return Instant.parse(text.trim()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badField(
                    name,
                    "query parameter '" + name + "' must be an ISO-8601 instant such as "
                            + "2026-12-01T00:00:00.000Z, got '" + text + "'");
        }
    }

    private static long number(Exchange exchange, String name, long defaultValue, long min, long max) {
        String text = exchange.query(name);
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value < min || value > max) {
                throw ApiException.badField(name, "'" + name + "' must be " + min + ".." + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badField(name, "'" + name + "' must be a whole number, got '" + text + "'");
        }
    }
}
