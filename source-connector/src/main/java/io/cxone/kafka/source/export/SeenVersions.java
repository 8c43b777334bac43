package io.cxone.kafka.source.export;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * The versions (key and {@code lastUpdateTime}) written recently enough to come again in the next pass's overlap,
 * so they are not written twice. Bounded: past {@code capacity} the oldest are forgotten (counted). Kept in the
 * checkpoint as one string, {@code <base ms>;<key>~<ms after base, base 36>,...}, so what is skipped after a restart
 * is exactly what the committed chunks wrote.
 */
final class SeenVersions {

    record Version(String key, long updatedMs) {}

    private static final Comparator<Version> ORDER =
            Comparator.comparingLong(Version::updatedMs).thenComparing(Version::key);

    private final int capacity;
    private final TreeSet<Version> versions = new TreeSet<>(ORDER);
    private long evicted;

    SeenVersions(int capacity) {
        this.capacity = capacity;
    }

    boolean contains(String key, long updatedMs) {
        return versions.contains(new Version(key, updatedMs));
    }

    /** Remembers a version; returns how many old ones were forgotten to stay within the capacity. */
    int add(String key, long updatedMs) {
        if (capacity == 0) {
            return 0;
        }
        versions.add(new Version(key, updatedMs));
        int forgotten = 0;
        while (versions.size() > capacity) {
            versions.pollFirst();
            forgotten++;
        }
        evicted += forgotten;
        return forgotten;
    }

    /** Forgets versions updated before {@code ms}: a pass asking {@code updatedSince=ms} cannot meet them. */
    void forgetBefore(long ms) {
        versions.headSet(new Version("", ms), false).clear();
    }

    int size() {
        return versions.size();
    }

    long evicted() {
        return evicted;
    }

    /** A key as the checkpoint strings hold it: the separators {@code , ; ~} and {@code %} percent-encoded. */
    static String escape(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    static String unescape(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    String encode() {
        if (versions.isEmpty()) {
            return "";
        }
        long base = versions.first().updatedMs();
        StringBuilder out = new StringBuilder().append(base).append(';');
        boolean first = true;
        for (Version v : versions) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(escape(v.key())).append('~').append(Long.toString(v.updatedMs() - base, 36));
        }
        return out.toString();
    }

    /** Parses {@link #encode}'s form; refuses more than {@code capacity} entries or anything malformed. */
    static SeenVersions decode(String text, int capacity) {
        SeenVersions seen = new SeenVersions(capacity);
        if (text == null || text.isEmpty()) {
            return seen;
        }
        int semicolon = text.indexOf(';');
        try {
            long base = Long.parseLong(text.substring(0, Math.max(0, semicolon)));
            String[] entries = text.substring(semicolon + 1).split(",", -1);
            if (entries.length > capacity) {
                throw new IllegalArgumentException("holds " + entries.length + " versions, more than "
                        + ExportSourceConfig.REPORTING_DEDUPE_MAX_VERSIONS + "=" + capacity);
            }
            for (String entry : entries) {
                int tilde = entry.lastIndexOf('~');
                if (tilde <= 0) {
                    throw new IllegalArgumentException("entry '" + entry + "' is not <key>~<offset>");
                }
                long offset = Long.parseLong(entry.substring(tilde + 1), 36);
                if (offset < 0) {
                    throw new IllegalArgumentException("entry '" + entry + "' has a negative offset");
                }
                seen.versions.add(new Version(unescape(entry.substring(0, tilde)), base + offset));
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("is not <base ms>;<key>~<offset>,...: " + e.getMessage(), e);
        }
        return seen;
    }
}
