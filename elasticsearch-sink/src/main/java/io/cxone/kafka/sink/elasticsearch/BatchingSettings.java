package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.BATCH_SIZE;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.BULK_SIZE_BYTES;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.FLUSH_TIMEOUT_MS;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.LINGER_MS;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MAX_BUFFERED_RECORDS;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MAX_IN_FLIGHT_REQUESTS;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MAX_RETRIES;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.RETRY_BACKOFF_MAX_MS;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.RETRY_BACKOFF_MS;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings of bulk batching, in-flight requests, buffering and retries. */
final class BatchingSettings {

    private static final String GROUP = "Batching and retries";

    private BatchingSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                BATCH_SIZE,
                Type.INT,
                2000,
                ConfigDef.Range.between(1, 1_000_000),
                Importance.MEDIUM,
                "Maximum operations per bulk request.",
                GROUP,
                ++order,
                Width.SHORT,
                "Batch size");
        def.define(
                BULK_SIZE_BYTES,
                Type.LONG,
                5L * 1024 * 1024,
                ConfigDef.Range.atLeast(1024),
                Importance.LOW,
                "Maximum bytes per bulk request.",
                GROUP,
                ++order,
                Width.SHORT,
                "Bulk size (bytes)");
        def.define(
                LINGER_MS,
                Type.LONG,
                1L,
                ConfigDef.Range.between(0, 60_000),
                Importance.LOW,
                "Milliseconds a partial batch waits for more records before it is sent.",
                GROUP,
                ++order,
                Width.SHORT,
                "Linger (ms)");
        def.define(
                MAX_IN_FLIGHT_REQUESTS,
                Type.INT,
                5,
                ConfigDef.Range.between(1, 100),
                Importance.LOW,
                "Bulk requests in flight at once per task. Writes to one document (ids from keys) still apply in record "
                        + "order: each waits until the previous write to its document is acknowledged.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max in-flight requests");
        def.define(
                MAX_BUFFERED_RECORDS,
                Type.INT,
                20000,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Records not yet acknowledged by Elasticsearch above which the task pauses its partitions "
                        + "(resumes at half); bounds memory while Elasticsearch is slow or down.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max buffered records");
        def.define(
                FLUSH_TIMEOUT_MS,
                Type.LONG,
                180_000L,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Milliseconds stop() waits for in-flight documents. Offsets of unacknowledged documents are never "
                        + "committed, so a timeout loses nothing: they are re-read.",
                GROUP,
                ++order,
                Width.SHORT,
                "Flush timeout (ms)");
        def.define(
                MAX_RETRIES,
                Type.INT,
                -1,
                ConfigDef.Range.atLeast(-1),
                Importance.MEDIUM,
                "Retries of a document after 429, 5xx, timeouts or connection errors; -1 retries forever (the task "
                        + "stays RUNNING and logs each failed attempt). When exceeded the task fails without "
                        + "committing the document's offset.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max retries");
        def.define(
                RETRY_BACKOFF_MS,
                Type.LONG,
                100L,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "First retry backoff; doubles per attempt, with full jitter, up to retry.backoff.max.ms.",
                GROUP,
                ++order,
                Width.SHORT,
                "Retry backoff (ms)");
        def.define(
                RETRY_BACKOFF_MAX_MS,
                Type.LONG,
                30_000L,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Upper bound of the retry backoff.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max retry backoff (ms)");
    }
}
