package io.cxone.kafka.source.export;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StoredCheckpointTest {

    private static final Map<String, String> REVERSED = ExportOffset.reversedPartition("records", "r1");

    private static Optional<ExportOffset> at(String job, long row) {
        return Optional.of(new ExportOffset(job, row, row == 0 ? 0 : 1, null, null));
    }

    private static StoredCheckpoint choose(Optional<ExportOffset> canonical, Optional<ExportOffset> reversed) {
        return StoredCheckpoint.choose("r1", canonical, reversed, REVERSED);
    }

    @Test
    void onlyTheCanonicalFormIsTheNormalCase() {
        assertThat(choose(at("j1", 500), Optional.empty())).isEqualTo(new StoredCheckpoint(at("j1", 500), null));
        assertThat(choose(Optional.empty(), Optional.empty())).isEqualTo(new StoredCheckpoint(Optional.empty(), null));
    }

    @Test
    void onlyTheReversedFormIsTakenAndRetired() {
        assertThat(choose(Optional.empty(), at("j1", 500))).isEqualTo(new StoredCheckpoint(at("j1", 500), REVERSED));
    }

    @Test
    void sameJobTakesTheOneFurtherOn() {
        assertThat(choose(at("j1", 500), at("j1", 1500)).offset()).isEqualTo(at("j1", 1500));
        assertThat(choose(at("j1", 1500), at("j1", 500)).offset()).isEqualTo(at("j1", 1500));
        assertThat(choose(at("j1", 1500), at("j1", 500)).retiredPartition()).isEqualTo(REVERSED);
    }

    /** A finished job's checkpoint that a reset left in the reversed order must not stop the export begun after the reset. */
    @Test
    void differentJobsTakeTheCanonicalForm() {
        assertThat(choose(at("j2", 500), at("j1", 150_000)).offset()).isEqualTo(at("j2", 500));
        assertThat(choose(at("j2", 500), at("j1", 150_000)).retiredPartition()).isEqualTo(REVERSED);
    }
}
