package io.cxone.kafka.sink.elasticsearch;

import io.cxone.kafka.testkit.PluginPackagingChecks;

/** The plugin folder that plugin.path points at: the checks every plugin shares, for the sink connector. */
class PluginPackagingIT extends PluginPackagingChecks {

    PluginPackagingIT() {
        super("elasticsearch-sink", ElasticsearchSinkConnector.class);
    }
}
