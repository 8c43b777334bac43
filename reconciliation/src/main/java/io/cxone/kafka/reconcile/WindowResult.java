package io.cxone.kafka.reconcile;

import java.util.List;

/**
 * How one window compares across the manifest, Kafka and Elasticsearch.
 *
 * @param index          the index (or pattern) its documents are in; null when none is known
 * @param keyIds         documents are one per record key (a later version overwrites an earlier one)
 * @param kafkaRecords   committed records in Kafka carrying one of the window's job ids
 * @param esDocuments    documents in Elasticsearch carrying one of them; null when Elasticsearch was not checked
 * @param esExpected     documents Elasticsearch should hold for the window: one per record, or (key ids) one per key
 *                       whose newest version is in this window
 * @param superseded     key ids: keys of the window whose newest version is in a later window, so their document
 *                       carries that one; null for one document per record
 * @param kafkaDigest    the window digest recomputed from the chunks in Kafka
 * @param esDigest       the window digest recomputed from the chunks in Elasticsearch; null for key ids (a superseded
 *                       chunk has no documents left) or when Elasticsearch was not checked
 * @param digestOk       Kafka's digest is the manifest's, and Elasticsearch's chunks are the ones expected
 * @param missingIds     the first ids of documents Elasticsearch should hold for the window and does not
 * @param extraIds       the first ids of documents Elasticsearch holds for the window and should not
 * @param problems       every disagreement, in words
 */
record WindowResult(
        WindowManifest manifest,
        String index,
        boolean keyIds,
        long kafkaRecords,
        Long esDocuments,
        Long esExpected,
        Long superseded,
        String kafkaDigest,
        String esDigest,
        boolean digestOk,
        Status status,
        List<String> missingIds,
        long missingTotal,
        List<String> extraIds,
        long extraTotal,
        List<String> problems) {

    enum Status {
        OK("ok"),
        MISMATCH("MISMATCH"),
        /** Elasticsearch lacks documents of records the sink has not acknowledged yet: run again later. */
        SINK_BEHIND("SINK BEHIND");

        final String text;

        Status(String text) {
            this.text = text;
        }
    }
}
