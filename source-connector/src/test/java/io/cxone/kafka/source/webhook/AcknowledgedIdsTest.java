package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.codec.digest.MurmurHash3;
import org.junit.jupiter.api.Test;

class AcknowledgedIdsTest {

    @Test
    void findsWhereAnAcknowledgedIdWent() {
        AcknowledgedIds ids = new AcknowledgedIds(10);
        ids.put("evt-1", "events", 2, 41, 1000);
        ids.put("evt-2", "routed", 0, 7, 1000);

        assertThat(ids.find("evt-1")).isEqualTo(new AcknowledgedIds.Place("events", 2, 41));
        assertThat(ids.find("evt-2")).isEqualTo(new AcknowledgedIds.Place("routed", 0, 7));
        assertThat(ids.find("evt-3")).isNull();
        assertThat(ids.find("")).isNull();
    }

    @Test
    void theOldestIdsAreForgottenBeyondTheCapacity() {
        AcknowledgedIds ids = new AcknowledgedIds(3);
        for (int i = 1; i <= 5; i++) {
            ids.put("evt-" + i, "t", 0, i, i);
        }
        assertThat(ids.size()).isEqualTo(3);
        assertThat(ids.find("evt-1")).isNull();
        assertThat(ids.find("evt-2")).isNull();
        assertThat(ids.find("evt-3").offset()).isEqualTo(3);
        assertThat(ids.find("evt-5").offset()).isEqualTo(5);
    }

    @Test
    void idsAcknowledgedUpToTheCutoffAreForgotten() {
        AcknowledgedIds ids = new AcknowledgedIds(100);
        ids.put("a", "t", 0, 1, 1000);
        ids.put("b", "t", 0, 2, 2000);
        ids.put("c", "t", 0, 3, 3000);

        ids.forgetAcknowledgedUpTo(2000);

        assertThat(ids.find("a")).isNull();
        assertThat(ids.find("b")).isNull();
        assertThat(ids.find("c")).isNotNull();
        assertThat(ids.size()).isEqualTo(1);
    }

    @Test
    void anIdPutAgainIsKeptUntilItsLatestAcknowledgementExpires() {
        AcknowledgedIds ids = new AcknowledgedIds(100);
        ids.put("a", "t", 0, 1, 1000);
        ids.put("a", "t", 1, 9, 5000);

        ids.forgetAcknowledgedUpTo(1000);

        assertThat(ids.find("a")).isEqualTo(new AcknowledgedIds.Place("t", 1, 9));
        ids.forgetAcknowledgedUpTo(5000);
        assertThat(ids.find("a")).isNull();
        assertThat(ids.size()).isZero();
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new AcknowledgedIds(0)).hasMessageContaining("maxEntries");
    }

    /**
     * Random puts and expiries against a LinkedHashMap doing the same: the table grows several times, and removals
     * from the middle of probe runs (backward shift) happen thousands of times; every id of the pool is looked up
     * after every step.
     */
    @Test
    void behavesLikeAnInsertionOrderedMapUnderRandomPutsAndExpiries() {
        int capacity = 700;
        AcknowledgedIds ids = new AcknowledgedIds(capacity);
        Map<String, long[]> model = new LinkedHashMap<>(); // id -> {offset, millis}
        Random random = new Random(42);
        long now = 0;
        long window = 400;
        for (int step = 0; step < 20_000; step++) {
            now += random.nextInt(3);
            String id = "evt-" + random.nextInt(3000);
            if (!model.containsKey(id)) {
                ids.put(id, "t", 0, step, now);
                if (model.size() == capacity) {
                    Iterator<String> oldest = model.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
                model.put(id, new long[] {step, now});
            }
            if (random.nextInt(10) == 0) {
                long cutoff = now - window;
                ids.forgetAcknowledgedUpTo(cutoff);
                model.values().removeIf(v -> v[1] <= cutoff);
            }
            if (step % 97 == 0 || step > 19_900) {
                assertThat(ids.size()).as("size at step %d", step).isEqualTo(model.size());
                for (int i = 0; i < 3000; i++) {
                    String probe = "evt-" + i;
                    long[] expected = model.get(probe);
                    AcknowledgedIds.Place place = ids.find(probe);
                    if (expected == null) {
                        assertThat(place).as("%s at step %d", probe, step).isNull();
                    } else {
                        assertThat(place).as("%s at step %d", probe, step).isNotNull();
                        assertThat(place.offset()).isEqualTo(expected[0]);
                    }
                }
            }
        }
    }

    /**
     * Ids that all share one home slot under the unseeded hash (found the way an attacker would, by hashing candidates
     * until the low bits match; cheap for a 4096-slot table): the seeded table spreads them, so every put and find
     * examines a couple of slots on average, as for any ids. Unseeded, every operation walked the whole run of
     * colliding ids (about a thousand slots each here), the quadratic cost.
     */
    @Test
    void idsCollidingUnderTheUnseededHashCostAFewProbesEach() {
        List<String> colliding = collidingUnderUnseededHash(2000, 12);
        AcknowledgedIds ids = new AcknowledgedIds(10_000);
        for (String id : colliding) {
            ids.put(id, "t", 0, 1, 0);
        }
        for (String id : colliding) {
            assertThat(ids.find(id)).as(id).isNotNull();
        }
        long operations = 2L * colliding.size() + colliding.size(); // put = lookup + free slot, then find
        assertThat(ids.refused()).isZero();
        assertThat((double) ids.probes() / operations)
                .as("slots examined per operation")
                .isLessThan(4.0);
    }

    /** Even when ids do line up (here: the unseeded hash they were chosen for), no operation examines more than MAX_PROBE slots. */
    @Test
    void aProbeRunNeverGrowsPastTheBound() {
        List<String> colliding = collidingUnderUnseededHash(500, 12);
        AcknowledgedIds ids = new AcknowledgedIds(10_000, 0);
        for (String id : colliding) {
            long before = ids.probes();
            ids.put(id, "t", 0, 1, 0);
            assertThat(ids.probes() - before).isLessThanOrEqualTo(2L * AcknowledgedIds.MAX_PROBE);
        }
        assertThat(ids.size()).isEqualTo(AcknowledgedIds.MAX_PROBE);
        assertThat(ids.refused()).isEqualTo(colliding.size() - AcknowledgedIds.MAX_PROBE);
        long before = ids.probes();
        assertThat(ids.find(colliding.get(colliding.size() - 1))).isNull();
        assertThat(ids.probes() - before).isLessThanOrEqualTo(AcknowledgedIds.MAX_PROBE);
    }

    /** Ids whose unseeded 128-bit MurmurHash3 gives the same home slot in every table of up to 2^bits slots. */
    private static List<String> collidingUnderUnseededHash(int count, int bits) {
        List<String> found = new ArrayList<>(count);
        int mask = (1 << bits) - 1;
        for (long candidate = 0; found.size() < count; candidate++) {
            String id = "evt-" + candidate;
            long lo = MurmurHash3.hash128x64(id.getBytes(StandardCharsets.UTF_8))[1];
            if (((int) (lo ^ (lo >>> 32)) & mask) == 0) {
                found.add(id);
            }
        }
        return found;
    }
}
