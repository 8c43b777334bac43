package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.INDEX_NAME_PATTERN;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MAPPING_DECIMAL;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MAPPING_MAP;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MAPPING_TEXT_SUBFIELD;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.TOPIC_INDEX_MAP;

import io.cxone.kafka.common.config.ConfigEnums;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.DecimalMapping;
import io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.MapMapping;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings of the target index names and of the mappings derived from record schemas. */
final class IndexSettings {

    private static final String GROUP = "Indices and mappings";

    private IndexSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                TOPIC_INDEX_MAP,
                Type.LIST,
                "",
                new IndexNames.TopicIndexMapValidator(),
                Importance.MEDIUM,
                "topic:index pairs, comma-separated; topics not listed write to an index named after the topic.",
                GROUP,
                ++order,
                Width.LONG,
                "Topic to index map");
        def.define(
                INDEX_NAME_PATTERN,
                Type.STRING,
                "{topic}",
                new IndexNames.PatternValidator(),
                Importance.MEDIUM,
                "Index name; {topic} is the mapped index name, {<date pattern>} (e.g. {yyyy.MM}) the record "
                        + "timestamp in UTC. Example: cxone-events-{yyyy.MM}.",
                GROUP,
                ++order,
                Width.LONG,
                "Index name pattern");
        def.define(
                MAPPING_TEXT_SUBFIELD,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "Give every keyword field a full-text 'text' sub-field.",
                GROUP,
                ++order,
                Width.SHORT,
                "Text sub-field for strings");
        def.define(
                MAPPING_DECIMAL,
                Type.STRING,
                "scaled_float",
                ConfigEnums.validator(DecimalMapping.class),
                Importance.LOW,
                "Mapping of Connect Decimal fields: scaled_float (a number, scaling factor 10^scale) or keyword (exact text).",
                GROUP,
                ++order,
                Width.SHORT,
                "Decimal mapping",
                ConfigEnums.recommender(DecimalMapping.class));
        def.define(
                MAPPING_MAP,
                Type.STRING,
                "flattened",
                ConfigEnums.validator(MapMapping.class),
                Importance.LOW,
                "Mapping of map<string,string> fields: flattened (one field, no mapping explosion) or object.",
                GROUP,
                ++order,
                Width.SHORT,
                "String map mapping",
                ConfigEnums.recommender(MapMapping.class));
    }
}
