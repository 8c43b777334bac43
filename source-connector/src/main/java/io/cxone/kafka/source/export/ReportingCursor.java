package io.cxone.kafka.source.export;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where an incremental Reporting API pass stands, as its checkpoint stores it next to the job (the pass's date range
 * being read, {@code <start>/<end>}) and the row offset (the next {@code skip}):
 *
 * @param since      the pass's {@code updatedSince} (the previous pass's watermark minus the overlap); null: the first
 *                   pass, which reads every row
 * @param passEnd    where the pass's date ranges end (when it started)
 * @param watermark  the {@code lastPollTime} of the pass's first answer: the next pass starts from it
 * @param lastKey    the largest key handled in this date range: rows at or below it are behind the pass (a row that
 *                   slid to a later page when rows were added before it, or a version the next pass picks up)
 * @param seen       versions written recently enough to come again in the next pass's overlap ({@link SeenVersions})
 * @param pageStart  the {@code skip} of the committed chunk's page
 * @param firstKey   the first key the committed chunk wrote
 * @param versions   SHA-256 over the committed chunk's keys and update times: tells, on resume, whether CXone still
 *                   serves the same versions (then the content must hash the same) or has moved on
 * @param skipped    keys of the committed chunk's page, between its first and last key, that were not written (seen
 *                   before); "*" when too many to keep
 */
record ReportingCursor(
        Instant since,
        Instant passEnd,
        Instant watermark,
        String lastKey,
        String seen,
        long pageStart,
        String firstKey,
        String versions,
        List<String> skipped) {

    static final String SINCE = "since";
    static final String PASS_END = "pass_end";
    static final String WATERMARK = "watermark";
    static final String LAST_KEY = "last_key";
    static final String SEEN = "seen";
    static final String PAGE_START = "page_start";
    static final String FIRST_KEY = "first_key";
    static final String VERSIONS_SHA256 = "versions_sha256";
    static final String SKIPPED = "skipped";
    static final String TOO_MANY = "*";
    /** Keys of skipped rows kept per chunk; more make the chunk's resume check impossible, nothing else. */
    static final int MAX_SKIPPED = 1_000;

    Map<String, String> toMap() {
        Map<String, String> map = new HashMap<>();
        map.put(SINCE, since == null ? "" : since.toString());
        map.put(PASS_END, passEnd.toString());
        map.put(WATERMARK, watermark.toString());
        map.put(LAST_KEY, lastKey == null ? "" : lastKey);
        map.put(SEEN, seen);
        map.put(PAGE_START, Long.toString(pageStart));
        map.put(FIRST_KEY, firstKey == null ? "" : firstKey);
        map.put(VERSIONS_SHA256, versions == null ? "" : versions);
        map.put(
                SKIPPED,
                skipped == null
                        ? TOO_MANY
                        : String.join(
                                ",", skipped.stream().map(SeenVersions::escape).toList()));
        return map;
    }

    /** Reads a stored cursor; throws {@link IllegalArgumentException} naming the key that is missing or wrong. */
    static ReportingCursor fromMap(Map<String, String> map) {
        String skippedText = required(map, SKIPPED);
        List<String> skipped = skippedText.equals(TOO_MANY)
                ? null
                : skippedText.isEmpty()
                        ? List.of()
                        : List.of(skippedText.split(",", -1)).stream()
                                .map(SeenVersions::unescape)
                                .toList();
        if (skipped != null && skipped.size() > MAX_SKIPPED) {
            throw new IllegalArgumentException(
                    "offset key '" + SKIPPED + "' holds " + skipped.size() + " keys, more than " + MAX_SKIPPED);
        }
        long pageStart;
        try {
            pageStart = Long.parseLong(required(map, PAGE_START));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("offset key '" + PAGE_START + "' must be a whole number");
        }
        String since = required(map, SINCE);
        return new ReportingCursor(
                since.isEmpty() ? null : instant(map, SINCE),
                instant(map, PASS_END),
                instant(map, WATERMARK),
                emptyAsNull(required(map, LAST_KEY)),
                required(map, SEEN),
                pageStart,
                emptyAsNull(required(map, FIRST_KEY)),
                emptyAsNull(required(map, VERSIONS_SHA256)),
                skipped);
    }

    private static String emptyAsNull(String value) {
        return value.isEmpty() ? null : value;
    }

    private static String required(Map<String, String> map, String key) {
        String value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("offset key '" + key + "' is missing (a Reporting API checkpoint holds "
                    + List.of(
                            SINCE, PASS_END, WATERMARK, LAST_KEY, SEEN, PAGE_START, FIRST_KEY, VERSIONS_SHA256, SKIPPED)
                    + ")");
        }
        return value;
    }

    private static Instant instant(Map<String, String> map, String key) {
        try {
            return Instant.parse(required(map, key));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "offset key '" + key + "' must be an ISO-8601 instant, was '" + map.get(key) + "'");
        }
    }
}
