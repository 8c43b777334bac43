package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.ILM_POLICY_FILE;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.ILM_POLICY_NAME;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.ILM_REQUIRED;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings of the index lifecycle policy. */
final class IlmSettings {

    private static final String GROUP = "Index lifecycle";

    private IlmSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                ILM_POLICY_FILE,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "YAML file of the ILM policy (see config/ilm-policy.yaml); absolute, or relative to the worker's "
                        + "working directory. Empty: no ILM. With a policy each index is written through a rollover "
                        + "alias named like the index, backed by <index>-000001, ...",
                GROUP,
                ++order,
                Width.LONG,
                "ILM policy file");
        def.define(
                ILM_POLICY_NAME,
                Type.STRING,
                "cxone-sink",
                new ConfigDef.NonEmptyString(),
                Importance.LOW,
                "Name of the ILM policy created from ilm.policy.file.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "ILM policy name");
        def.define(
                ILM_REQUIRED,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "true: fail when the cluster has no ILM; false: log one warning and write plain indices.",
                GROUP,
                ++order,
                Width.SHORT,
                "ILM required");
    }
}
