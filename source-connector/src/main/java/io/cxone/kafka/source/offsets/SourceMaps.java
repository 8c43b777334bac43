package io.cxone.kafka.source.offsets;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the source partition and offset maps the plugins hand to Kafka Connect, in one fixed key order.
 *
 * <p>Connect finds a stored offset by the exact bytes of the serialized partition, and its JSON converter writes a
 * map's keys in iteration order. So a partition must iterate the same way in every JVM ({@code Map.of} does not: its
 * order is salted per JVM). The order: keys sorted, then as a default-sized {@code HashMap} filled in that order
 * iterates them. That is also the order the worker keeps when it reads such a map back (its JsonConverter fills a
 * {@code new HashMap<>()} in the stored order), so the offsets REST API (GET, PATCH, DELETE), which writes what it read
 * back, addresses the same bytes as the task. ({@link String#hashCode()} is fixed by the Java specification; keys that
 * share a bucket keep their sorted order; a unit test pins the bytes.)
 */
public final class SourceMaps {

    private SourceMaps() {}

    /** An immutable copy of {@code entries} iterating in the worker's order (null values kept). */
    public static <V> Map<String, V> canonical(Map<String, ? extends V> entries) {
        if (entries.size() == 1) { // one order only; the webhook builds one offset per request
            Map.Entry<String, ? extends V> only = entries.entrySet().iterator().next();
            return Collections.singletonMap(only.getKey(), only.getValue());
        }
        // Filled one put at a time, in key order, into a default-sized map, as JsonConverter fills one: the table size
        // decides the buckets, and keys sharing a bucket keep the order they were put in.
        Map<String, V> asWorkerReadsIt = new HashMap<>();
        new TreeMap<String, V>(entries).forEach(asWorkerReadsIt::put);
        return Collections.unmodifiableMap(new LinkedHashMap<>(asWorkerReadsIt));
    }

    /** A one-key map. */
    public static Map<String, String> canonical(String key, String value) {
        return canonical(Collections.singletonMap(key, value));
    }

    /**
     * A map that iterates exactly in the order given ({@code key1, value1, key2, value2, ...}) and so serializes to
     * exactly those bytes, to read or remove a stored partition written in another order (by an earlier version that
     * used {@code Map.of}). It is equal only to an {@code ExactOrder} map of the same entries in the same order, and its
     * hash differs from a plain map's with the same entries: the worker collects a transaction's offsets in a HashMap
     * keyed by partition, where a plain map equal to it would take its place and write the other order's bytes.
     */
    public static Map<String, String> exactOrder(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "keys and values come in pairs, got " + keysAndValues.length + " strings");
        }
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            entries.add(Map.entry(keysAndValues[i], keysAndValues[i + 1]));
        }
        return new ExactOrder(List.copyOf(entries));
    }

    private static final class ExactOrder extends AbstractMap<String, String> {
        /** Never equal to the hash of a plain map with these entries (a HashMap compares hashes before equals). */
        private static final int HASH_SALT = 0x5bd1e995;

        private final List<Map.Entry<String, String>> entries;

        private ExactOrder(List<Map.Entry<String, String>> entries) {
            this.entries = entries;
        }

        @Override
        public Set<Map.Entry<String, String>> entrySet() {
            return new java.util.AbstractSet<>() {
                @Override
                public java.util.Iterator<Map.Entry<String, String>> iterator() {
                    return entries.iterator();
                }

                @Override
                public int size() {
                    return entries.size();
                }
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ExactOrder other && entries.equals(other.entries);
        }

        @Override
        public int hashCode() {
            return super.hashCode() ^ HASH_SALT;
        }
    }
}
