package io.cxone.kafka.source.webhook;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * The acknowledged event ids of the dedupe window and where each went, in primitive arrays: an open-addressing table
 * keyed by a 128-bit MurmurHash3 of the id, and a ring of the same keys in acknowledgement order for forgetting the
 * oldest. Not thread-safe ({@link EventDeduplicator} synchronizes).
 *
 * <p>Why not a map of strings: an id stays in the window for seconds to minutes, so at webhook rates (tens of
 * thousands of events per second) a key string, a map node and a value object per id survived every young
 * collection, were copied between survivor spaces and promoted, and doubled the garbage collector's work (and its
 * pauses, which land in the ack latency). Here an id costs a few array elements (about 150 bytes), in arrays that grow with the window.
 * Two distinct ids share a 128-bit hash with probability 2^-128 per pair, far below any hardware error rate, so a
 * hash match is taken as the same id.
 *
 * <p>Ids are chosen by callers, so the hash is seeded with a random value drawn once per instance (per task start):
 * ids that share a slot under one seed are spread by another, so collisions found offline (cheap for an unseeded
 * hash and a small table) do not line up in the table. As a second guard, no key is placed further than
 * {@value #MAX_PROBE} slots from its home slot: a key that would be is not remembered (a retry of that event is then
 * published again, the at-least-once behaviour without dedupe), so no operation ever examines more than that many
 * slots, whatever the ids.
 */
final class AcknowledgedIds {

    /** Where an id's event went. */
    record Place(String topic, int partition, long offset) {}

    private static final int MIN_TABLE = 1 << 10;
    /** Most slots one lookup or insertion examines; at the table's load (at most half full) runs average under 2. */
    static final int MAX_PROBE = 32;

    private final int maxEntries;
    private final int seed;
    private long probes;
    private long refused;
    private final List<String> topics = new ArrayList<>(1);

    // The table: slot i is empty when hashHi[i] == 0 && hashLo[i] == 0 (an id hashing to that is stored as (0, 1)).
    private long[] hashHi;
    private long[] hashLo;
    private long[] sequence;
    private long[] offset;
    private int[] partition;
    private int[] topicIndex;
    private int mask;
    private int size;

    // The ring, oldest first: the key, sequence and acknowledgement time of each put. A key put again leaves a stale
    // entry behind (its sequence no longer matches the table's), which is skipped when it comes up.
    private long[] ringHi;
    private long[] ringLo;
    private long[] ringSequence;
    private long[] ringMillis;
    private int ringHead;
    private int ringSize;
    private long nextSequence = 1;

    AcknowledgedIds(int maxEntries) {
        this(maxEntries, new SecureRandom().nextInt());
    }

    /** With a given hash seed: for tests (0 is the unseeded hash). */
    AcknowledgedIds(int maxEntries, int seed) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.seed = seed;
        allocateTable(MIN_TABLE);
        allocateRing(Math.min(maxEntries, MIN_TABLE));
    }

    /** Where the event with this id went, or null when the id is not remembered. */
    Place find(String id) {
        long[] key = key(id);
        int slot = slotOf(key[0], key[1]);
        return slot < 0 ? null : new Place(topics.get(topicIndex[slot]), partition[slot], offset[slot]);
    }

    /** Remembers an acknowledged id, forgetting the oldest one when {@code maxEntries} are remembered already. */
    void put(String id, String topic, int partitionOfEvent, long offsetOfEvent, long nowMillis) {
        long[] key = key(id);
        if (ringSize == maxEntries) {
            forgetOldest();
        }
        if ((size + 1) * 2L > hashHi.length) {
            resizeTable(hashHi.length * 2);
        }
        long seq = nextSequence++;
        int slot = slotOf(key[0], key[1]);
        if (slot < 0) {
            slot = freeSlot(key[1]);
            if (slot < 0) {
                refused++;
                return;
            }
            hashHi[slot] = key[0];
            hashLo[slot] = key[1];
            size++;
        }
        sequence[slot] = seq;
        partition[slot] = partitionOfEvent;
        offset[slot] = offsetOfEvent;
        topicIndex[slot] = topicIndex(topic);
        if (ringSize == ringHi.length) {
            resizeRing(Math.min(maxEntries, ringHi.length * 2));
        }
        int tail = (ringHead + ringSize) % ringHi.length;
        ringHi[tail] = key[0];
        ringLo[tail] = key[1];
        ringSequence[tail] = seq;
        ringMillis[tail] = nowMillis;
        ringSize++;
    }

    /** Forgets one id now (its ring entry is skipped when it comes up). */
    void forget(String id) {
        long[] key = key(id);
        int slot = slotOf(key[0], key[1]);
        if (slot >= 0) {
            remove(slot);
        }
    }

    /** Forgets the ids acknowledged at or before {@code cutoffMillis}. */
    void forgetAcknowledgedUpTo(long cutoffMillis) {
        while (ringSize > 0 && ringMillis[ringHead] <= cutoffMillis) {
            forgetOldest();
        }
    }

    int size() {
        return size;
    }

    /** Slots examined by lookups and insertions so far: for tests that prove chosen ids cannot lengthen probes. */
    long probes() {
        return probes;
    }

    /** Ids not remembered because their probe run was full. */
    long refused() {
        return refused;
    }

    private void forgetOldest() {
        int slot = slotOf(ringHi[ringHead], ringLo[ringHead]);
        if (slot >= 0 && sequence[slot] == ringSequence[ringHead]) {
            remove(slot);
        }
        ringHead = (ringHead + 1) % ringHi.length;
        ringSize--;
    }

    private long[] key(String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        long[] hash = MurmurHash3.hash128x64(bytes, 0, bytes.length, seed);
        if (hash[0] == 0 && hash[1] == 0) {
            hash[1] = 1;
        }
        return hash;
    }

    private int home(long lo) {
        return (int) (lo ^ (lo >>> 32)) & mask;
    }

    private boolean empty(int slot) {
        return hashHi[slot] == 0 && hashLo[slot] == 0;
    }

    /** Keys sit at most MAX_PROBE slots from home with no empty slot between, so the search stops there. */
    private int slotOf(long hi, long lo) {
        int slot = home(lo);
        for (int i = 0; i < MAX_PROBE && !empty(slot); i++, slot = (slot + 1) & mask) {
            probes++;
            if (hashHi[slot] == hi && hashLo[slot] == lo) {
                return slot;
            }
        }
        return -1;
    }

    /** The first empty slot of the probe run of a key not in the table, or -1 when it is more than MAX_PROBE away. */
    private int freeSlot(long lo) {
        int slot = home(lo);
        for (int i = 0; i < MAX_PROBE; i++, slot = (slot + 1) & mask) {
            probes++;
            if (empty(slot)) {
                return slot;
            }
        }
        return -1;
    }

    /** Linear probing's deletion by backward shift: later keys of the probe run move up, so no tombstones. */
    private void remove(int slot) {
        int hole = slot;
        int next = slot;
        while (true) {
            next = (next + 1) & mask;
            if (empty(next)) {
                break;
            }
            int home = home(hashLo[next]);
            // the key at `next` may fill the hole unless its home lies cyclically in (hole, next]
            boolean staysPut = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!staysPut) {
                copySlot(next, hole);
                hole = next;
            }
        }
        hashHi[hole] = 0;
        hashLo[hole] = 0;
        size--;
    }

    private void copySlot(int from, int to) {
        hashHi[to] = hashHi[from];
        hashLo[to] = hashLo[from];
        sequence[to] = sequence[from];
        offset[to] = offset[from];
        partition[to] = partition[from];
        topicIndex[to] = topicIndex[from];
    }

    private int topicIndex(String topic) {
        for (int i = 0; i < topics.size(); i++) {
            if (topics.get(i).equals(topic)) {
                return i;
            }
        }
        topics.add(topic); // a handful at most: the connector's topic, or those a transform routes to
        return topics.size() - 1;
    }

    private void allocateTable(int capacity) {
        hashHi = new long[capacity];
        hashLo = new long[capacity];
        sequence = new long[capacity];
        offset = new long[capacity];
        partition = new int[capacity];
        topicIndex = new int[capacity];
        mask = capacity - 1;
        size = 0;
    }

    private void resizeTable(int capacity) {
        long[] oldHi = hashHi;
        long[] oldLo = hashLo;
        long[] oldSequence = sequence;
        long[] oldOffset = offset;
        int[] oldPartition = partition;
        int[] oldTopic = topicIndex;
        allocateTable(capacity);
        for (int i = 0; i < oldHi.length; i++) {
            if (oldHi[i] != 0 || oldLo[i] != 0) {
                int slot = freeSlot(oldLo[i]);
                if (slot < 0) {
                    refused++;
                    continue;
                }
                hashHi[slot] = oldHi[i];
                hashLo[slot] = oldLo[i];
                sequence[slot] = oldSequence[i];
                offset[slot] = oldOffset[i];
                partition[slot] = oldPartition[i];
                topicIndex[slot] = oldTopic[i];
                size++;
            }
        }
    }

    private void allocateRing(int capacity) {
        ringHi = new long[capacity];
        ringLo = new long[capacity];
        ringSequence = new long[capacity];
        ringMillis = new long[capacity];
    }

    private void resizeRing(int capacity) {
        long[] oldHi = ringHi;
        long[] oldLo = ringLo;
        long[] oldSequence = ringSequence;
        long[] oldMillis = ringMillis;
        allocateRing(capacity);
        for (int i = 0; i < ringSize; i++) {
            int from = (ringHead + i) % oldHi.length;
            ringHi[i] = oldHi[from];
            ringLo[i] = oldLo[from];
            ringSequence[i] = oldSequence[from];
            ringMillis[i] = oldMillis[from];
        }
        ringHead = 0;
    }
}
