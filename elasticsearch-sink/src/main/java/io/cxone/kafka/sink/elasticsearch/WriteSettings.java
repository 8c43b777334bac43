package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.BEHAVIOR_ON_MALFORMED_DOCS;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.BEHAVIOR_ON_NULL_VALUES;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.KEY_IGNORE;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.SCHEMA_IGNORE;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.WRITE_METHOD;

import io.cxone.kafka.common.config.ConfigEnums;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MalformedDocumentBehavior;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.NullValueBehavior;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.WriteMethod;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings of how a record becomes a bulk operation: its id, write method, and what null values and malformed documents do. */
final class WriteSettings {

    private static final String GROUP = "Data conversion";

    private WriteSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                KEY_IGNORE,
                Type.BOOLEAN,
                false,
                Importance.HIGH,
                "true: the document id is topic+partition+offset (replays overwrite, never duplicate); "
                        + "false: the record key is the id.",
                GROUP,
                ++order,
                Width.SHORT,
                "Ignore key");
        def.define(
                SCHEMA_IGNORE,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "true: no index template mappings are derived from the record schema; Elasticsearch maps dynamically.",
                GROUP,
                ++order,
                Width.SHORT,
                "Ignore schema");
        def.define(
                WRITE_METHOD,
                Type.STRING,
                "insert",
                ConfigEnums.validator(WriteMethod.class),
                Importance.LOW,
                "insert: index the whole document; upsert: partial update that creates the document when missing.",
                GROUP,
                ++order,
                Width.SHORT,
                "Write method",
                ConfigEnums.recommender(WriteMethod.class));
        def.define(
                BEHAVIOR_ON_NULL_VALUES,
                Type.STRING,
                "fail",
                ConfigEnums.validator(NullValueBehavior.class),
                Importance.LOW,
                "What a record with a null value does: ignore it, delete the document with its id (needs "
                        + "key.ignore=false), or fail the task.",
                GROUP,
                ++order,
                Width.SHORT,
                "Behavior on null values",
                ConfigEnums.recommender(NullValueBehavior.class));
        def.define(
                BEHAVIOR_ON_MALFORMED_DOCS,
                Type.STRING,
                "fail",
                ConfigEnums.validator(MalformedDocumentBehavior.class),
                Importance.LOW,
                "What a document Elasticsearch rejects as malformed (HTTP 400 per item) does: ignore, warn, or fail "
                        + "the task. With errors.tolerance=all and a dead letter queue it goes to the DLQ instead.",
                GROUP,
                ++order,
                Width.SHORT,
                "Behavior on malformed documents",
                ConfigEnums.recommender(MalformedDocumentBehavior.class));
    }
}
