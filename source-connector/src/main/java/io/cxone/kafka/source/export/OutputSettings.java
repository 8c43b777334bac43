package io.cxone.kafka.source.export;

import static io.cxone.kafka.source.export.ExportSourceConfig.CHUNK_SIZE;
import static io.cxone.kafka.source.export.ExportSourceConfig.KEY_FIELD;
import static io.cxone.kafka.source.export.ExportSourceConfig.MANIFEST_TOPIC;
import static io.cxone.kafka.source.export.ExportSourceConfig.TOPIC;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Settings of the output: the topic, the record key, the rows per chunk (one Kafka transaction), and the topic of
 * the job manifests.
 */
final class OutputSettings {

    private static final String GROUP = "Output";

    private OutputSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                TOPIC,
                Type.STRING,
                ConfigDef.NO_DEFAULT_VALUE,
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                "Topic the exported records are written to.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Topic");
        def.define(
                KEY_FIELD,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "Field whose value becomes the record key; empty: no key.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Key field");
        def.define(
                CHUNK_SIZE,
                Type.INT,
                1000,
                ConfigDef.Range.between(1, 10_000),
                Importance.MEDIUM,
                "Rows per chunk: one page of the records API, one slice of a Data Extraction file. A chunk is one Kafka transaction.",
                GROUP,
                ++order,
                Width.SHORT,
                "Chunk size");
        def.define(
                MANIFEST_TOPIC,
                Type.STRING,
                "cxone.export.manifests",
                Importance.MEDIUM,
                "Topic of the manifests: one record per completed job / window / date range of a source (rows, chunks,"
                        + " chunk offsets and the digest of its chunk SHA-256s), written in the transaction of its last"
                        + " chunk. Empty: no manifests.",
                GROUP,
                ++order,
                Width.LONG,
                "Manifest topic");
    }
}
