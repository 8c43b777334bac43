package io.cxone.kafka.simulator.extraction;

import java.time.Instant;
import java.time.LocalDate;

/** A Data Extraction job: the window it extracts and how it will end (SUCCEEDED, or FAILED when a fault said so). */
record ExtractionJob(
        String id,
        String entityName,
        String version,
        LocalDate startDate,
        LocalDate endDate,
        Instant createdAt,
        Instant doneAt,
        boolean fails,
        boolean gzip) {

    String status(Instant now) {
        if (now.isBefore(doneAt)) {
            return "RUNNING";
        }
        return fails ? "FAILED" : "SUCCEEDED";
    }
}
