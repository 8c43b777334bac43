package io.cxone.kafka.source.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoredCheckpointTest {

    private static final List<Map<String, String>> LEGACY = ExportOffset.legacyPartitions("records", "r1");

    private static Optional<ExportOffset> at(String job, long row) {
        return Optional.of(new ExportOffset(job, row, row == 0 ? 0 : 1, null, null));
    }

    private static StoredCheckpoint choose(
            Optional<ExportOffset> current, Optional<ExportOffset> apiFirst, Optional<ExportOffset> sourceFirst) {
        return StoredCheckpoint.choose("r1", current, LEGACY, List.of(apiFirst, sourceFirst));
    }

    @Test
    void thisVersionsCheckpointIsTakenAndLeftoversRetired() {
        assertThat(choose(at("j1", 500), Optional.empty(), Optional.empty()))
                .isEqualTo(new StoredCheckpoint(at("j1", 500), List.of()));
        assertThat(choose(Optional.empty(), Optional.empty(), Optional.empty()))
                .isEqualTo(new StoredCheckpoint(Optional.empty(), List.of()));
        assertThat(choose(at("j2", 10), at("j1", 500), Optional.empty()))
                .isEqualTo(new StoredCheckpoint(at("j2", 10), List.of(LEGACY.get(0))));
    }

    @Test
    void oneEarlierFormIsTakenAndRetired() {
        assertThat(choose(Optional.empty(), Optional.empty(), at("j1", 500)))
                .isEqualTo(new StoredCheckpoint(at("j1", 500), List.of(LEGACY.get(1))));
        assertThat(choose(Optional.empty(), at("j1", 500), Optional.empty()))
                .isEqualTo(new StoredCheckpoint(at("j1", 500), List.of(LEGACY.get(0))));
    }

    @Test
    void bothEarlierFormsOfOneJobTakeTheOneFurtherOn() {
        assertThat(choose(Optional.empty(), at("j1", 500), at("j1", 1500)))
                .isEqualTo(new StoredCheckpoint(at("j1", 1500), LEGACY));
        assertThat(choose(Optional.empty(), at("j1", 1500), at("j1", 500)))
                .isEqualTo(new StoredCheckpoint(at("j1", 1500), LEGACY));
    }

    /** A finished job's checkpoint that an earlier version's reset left behind must not stop the newer job's export. */
    @Test
    void bothEarlierFormsOfDifferentJobsTakeTheOneLessFarOn() {
        assertThat(choose(Optional.empty(), at("j1", 150_000), at("j2", 500)).offset())
                .isEqualTo(at("j2", 500));
        assertThat(choose(Optional.empty(), at("j2", 500), at("j1", 150_000)).offset())
                .isEqualTo(at("j2", 500));
    }
}
