package io.cxone.kafka.source.webhook;

import io.cxone.kafka.source.webhook.HostileRequests.Category;
import io.cxone.kafka.source.webhook.HostileRequests.HostileRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;

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
                assertThat(HostileRequests.decodes(request.body(), 1, true)).as(request.toString()).isFalse();
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
            assertThat(fingerprint(other.build(i))).as("case %d of another seed", i).isNotEqualTo(fingerprints.get(i));
        }
    }

    @Test
    void repeatedDeflateSegmentsInflateToTheirSum() throws DataFormatException {
        byte[] segment = HostileRequests.deflatedSegment((byte) 0);
        assertThat(segment.length).isLessThan(HostileRequests.SEGMENT_BYTES / 500);
        byte[] stream = new byte[segment.length * 3 + 2];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(segment, 0, stream, i * segment.length, segment.length);
        }
        stream[stream.length - 2] = 0x03; // the empty final block
        Inflater inflater = new Inflater(true);
        inflater.setInput(stream);
        byte[] out = new byte[1 << 20];
        long total = 0;
        long nonZero = 0;
        while (!inflater.finished()) {
            int n = inflater.inflate(out);
            for (int i = 0; i < n; i++) {
                nonZero += out[i] != 0 ? 1 : 0;
            }
            total += n;
            assertThat(n > 0 || !inflater.needsInput()).as("stream ended before its final block").isTrue();
        }
        assertThat(total).isEqualTo(3L * HostileRequests.SEGMENT_BYTES);
        assertThat(nonZero).isZero();
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
