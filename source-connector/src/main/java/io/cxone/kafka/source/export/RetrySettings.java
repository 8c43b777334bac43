package io.cxone.kafka.source.export;

import static io.cxone.kafka.source.export.ExportSourceConfig.POLL_MAX_BLOCK_MS;
import static io.cxone.kafka.source.export.ExportSourceConfig.REQUEST_TIMEOUT_MS;
import static io.cxone.kafka.source.export.ExportSourceConfig.RESPONSE_MAX_BYTES;
import static io.cxone.kafka.source.export.ExportSourceConfig.RETRY_BACKOFF_MAX_MS;
import static io.cxone.kafka.source.export.ExportSourceConfig.RETRY_BACKOFF_MS;
import static io.cxone.kafka.source.export.ExportSourceConfig.RETRY_MAX_ATTEMPTS;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Settings of retries and timeouts: attempts and backoff per CXone call, the request timeout, the largest answer
 * read, and how long poll() blocks.
 */
final class RetrySettings {

    private static final String GROUP = "Retries and timeouts";

    private RetrySettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                RETRY_MAX_ATTEMPTS,
                Type.INT,
                10,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Attempts per CXone call on 5xx, timeouts, connection resets and malformed answers before the task"
                        + " fails. A 429 is waited out (its Retry-After, at most retry.backoff.max.ms) without counting,"
                        + " for up to 10 x this x retry.backoff.max.ms in one call.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max attempts");
        def.define(
                RETRY_BACKOFF_MS,
                Type.LONG,
                500L,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Backoff window of the first retry, doubling with each further one up to " + RETRY_BACKOFF_MAX_MS
                        + "; each retry waits a random time between 0 and its window (full jitter).",
                GROUP,
                ++order,
                Width.SHORT,
                "Backoff");
        def.define(
                RETRY_BACKOFF_MAX_MS,
                Type.LONG,
                60_000L,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Longest wait before a retry (also caps a Retry-After).",
                GROUP,
                ++order,
                Width.SHORT,
                "Max backoff");
        def.define(
                REQUEST_TIMEOUT_MS,
                Type.INT,
                30_000,
                ConfigDef.Range.atLeast(100),
                Importance.LOW,
                "Timeout of one HTTP call to CXone: connecting, and the whole exchange up to the last byte of the answer.",
                GROUP,
                ++order,
                Width.SHORT,
                "Request timeout");
        def.define(
                RESPONSE_MAX_BYTES,
                Type.LONG,
                256L << 20,
                ConfigDef.Range.between(1024, Integer.MAX_VALUE - 8),
                Importance.LOW,
                "Largest CXone answer read, in bytes: a records page, a Data Extraction file (also once gunzipped). A "
                        + "larger one fails the task, naming this setting, without retries: at once when its Content-Length says "
                        + "so, else as soon as its bytes pass the limit, so no more than this is held in memory.",
                GROUP,
                ++order,
                Width.SHORT,
                "Max response bytes");
        def.define(
                POLL_MAX_BLOCK_MS,
                Type.LONG,
                1_000L,
                ConfigDef.Range.between(10, 60_000),
                Importance.LOW,
                "Longest time poll() waits for a verified chunk before returning to the worker.",
                GROUP,
                ++order,
                Width.SHORT,
                "Poll block");
    }
}
