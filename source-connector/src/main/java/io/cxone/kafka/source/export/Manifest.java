package io.cxone.kafka.source.export;

import java.util.Date;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The record saying that one job (export job, Data Extraction window, Reporting API date range) of one source is
 * complete, and what it wrote: written in the same Kafka transaction as the job's last chunk, so a
 * {@code read_committed} reader sees a manifest exactly when it sees all of the job's records. Its schema is
 * registered like the data's (value converter), version 1 of {@value #SCHEMA_NAME}.
 */
public final class Manifest {

    public static final String SCHEMA_NAME = "io.cxone.export.Manifest";

    public static final Schema SCHEMA = SchemaBuilder.struct()
            .name(SCHEMA_NAME)
            .version(1)
            .doc("One complete export job / window of one CXone source and what it wrote")
            .field("api", Schema.STRING_SCHEMA)
            .field("source", Schema.STRING_SCHEMA)
            .field("job", Schema.STRING_SCHEMA)
            .field(
                    "jobs",
                    SchemaBuilder.array(Schema.STRING_SCHEMA)
                            .doc("job ids the chunks carry in cxone.job.id")
                            .build())
            .field("topic", Schema.STRING_SCHEMA)
            .field("rows", Schema.INT64_SCHEMA)
            .field("chunks", Schema.INT32_SCHEMA)
            .field("first_chunk_offset", Schema.OPTIONAL_INT64_SCHEMA)
            .field("last_chunk_offset", Schema.OPTIONAL_INT64_SCHEMA)
            .field("digest_sha256", Schema.STRING_SCHEMA)
            .field("completed_at", Timestamp.SCHEMA)
            .build();

    private Manifest() {}

    /** The manifest's key: {@code <api>/<source>/<job>}, so a compacted topic keeps the latest per job. */
    public static String key(String api, String source, String job) {
        return api + "/" + source + "/" + job;
    }

    static SourceRecord record(
            Map<String, ?> partition,
            Map<String, ?> offset,
            String manifestTopic,
            String api,
            String source,
            String job,
            String dataTopic,
            JobTally tally,
            long completedAtMs) {
        Struct value = new Struct(SCHEMA)
                .put("api", api)
                .put("source", source)
                .put("job", job)
                .put("jobs", tally.jobs())
                .put("topic", dataTopic)
                .put("rows", tally.rows())
                .put("chunks", tally.chunks())
                .put("first_chunk_offset", tally.firstChunkStart() < 0 ? null : tally.firstChunkStart())
                .put("last_chunk_offset", tally.lastChunkStart() < 0 ? null : tally.lastChunkStart())
                .put("digest_sha256", tally.digest())
                .put("completed_at", new Date(completedAtMs));
        return new SourceRecord(
                partition, offset, manifestTopic, null, Schema.STRING_SCHEMA, key(api, source, job), SCHEMA, value);
    }
}
