package io.cxone.kafka.source.export;

import static io.cxone.kafka.source.export.ExportSourceConfig.CHECKSUM_MISMATCH_POLICY;
import static io.cxone.kafka.source.export.ExportSourceConfig.DRIFT_TOPIC;
import static io.cxone.kafka.source.export.ExportSourceConfig.SCHEMA_DRIFT_POLICY;

import io.cxone.kafka.common.config.ConfigEnums;
import io.cxone.kafka.source.export.ExportSourceConfig.ChecksumMismatchPolicy;
import io.cxone.kafka.source.export.ExportSourceConfig.DriftPolicy;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Settings of chunk verification: what a checksum mismatch on re-read does, and what schema drift does.
 */
final class VerificationSettings {

    private static final String GROUP = "Checksum and schema drift";

    private VerificationSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                CHECKSUM_MISMATCH_POLICY,
                Type.STRING,
                "fail",
                ConfigEnums.validator(ChecksumMismatchPolicy.class),
                Importance.MEDIUM,
                "When the chunk re-read on resume (or under a new job, after CXone forgot the old one) no longer has the SHA-256 "
                        + "kept in the offset: 'fail' the task, 'warn' and go on, "
                        + "or 'restart-window' (export the job or window again from its first row).",
                GROUP,
                ++order,
                Width.SHORT,
                "Checksum mismatch policy",
                ConfigEnums.recommender(ChecksumMismatchPolicy.class));
        def.define(
                SCHEMA_DRIFT_POLICY,
                Type.STRING,
                "fail",
                ConfigEnums.validator(DriftPolicy.class),
                Importance.MEDIUM,
                "When a chunk adds, removes or retypes fields against the baseline (the first chunk): 'fail' the task, "
                        + "'warn' and write it with its own schema, 'route' it to " + DRIFT_TOPIC
                        + " with a reason header, "
                        + "or 'evolve' to a new schema version holding old and new fields (retyped fields cannot evolve).",
                GROUP,
                ++order,
                Width.SHORT,
                "Schema drift policy",
                ConfigEnums.recommender(DriftPolicy.class));
        def.define(
                DRIFT_TOPIC,
                Type.STRING,
                "",
                Importance.LOW,
                "Topic for drifted chunks when " + SCHEMA_DRIFT_POLICY + "=route.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Drift topic");
    }
}
