package io.cxone.kafka.source.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxone.kafka.source.webhook.HostileRequests.Category;
import io.cxone.kafka.source.webhook.HostileRequests.HostileRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adversarial corpus: reproducible per seed, over a thousand requests in every category, invalid where it must be. */
class HostileRequestsTest {

    @Test
    void aSeedGivesOneCorpusOfOverAThousandRequestsInEveryCategoryWithNoDecodableDatum() {
        HostileRequests corpus = new HostileRequests(42);
        List<Integer> fingerprints = new ArrayList<>();
        Map<Category, Integer> seen = new EnumMap<>(Category.class);
        for (HostileRequest request : corpus) {
            fingerprints.add(fingerprint(request));
            seen.merge(request.category(), 1, Integer::sum);
            // a datum the listener could decode would be accepted, and its event would reach the topic
            if (request.raw() == null && request.headers().contains(EventBodyDecoder.AVRO_DATUM)) {
                assertThat(HostileRequests.decodes(request.body(), 1, true))
                        .as(request.toString())
                        .isFalse();
            }
        }
        assertThat(corpus.size()).isGreaterThanOrEqualTo(1000);
        assertThat(seen).isEqualTo(HostileRequests.counts()).containsOnlyKeys(Category.values());

        HostileRequests again = new HostileRequests(42);
        HostileRequests other = new HostileRequests(43);
        for (int i = 0; i < 200; i++) {
            assertThat(fingerprint(again.build(i))).as("case %d again", i).isEqualTo(fingerprints.get(i));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(fingerprint(other.build(i)))
                    .as("case %d of another seed", i)
                    .isNotEqualTo(fingerprints.get(i));
        }
    }

    private static int fingerprint(HostileRequest request) {
        int hash = request.description().hashCode() * 31 + Arrays.hashCode(request.body());
        if (request.raw() != null) {
            for (byte[] part : request.raw()) {
                hash = hash * 31 + Arrays.hashCode(part);
            }
        }
        return hash;
    }
}
