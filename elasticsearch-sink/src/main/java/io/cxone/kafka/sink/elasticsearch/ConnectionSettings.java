package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_API_KEY;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_BEARER_TOKEN;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_PASSWORD;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_TIMEOUT_MS;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_URL;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_USERNAME;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.READ_TIMEOUT_MS;

import io.cxone.kafka.common.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings of the connection to Elasticsearch: the URLs and timeouts. */
final class ConnectionSettings {

    private static final String GROUP = "Connection";

    /** Where credentials go instead of the URL: named when a URL carrying them is refused. */
    private static final String CREDENTIAL_SETTINGS = CONNECTION_USERNAME + "/" + CONNECTION_PASSWORD + ", "
            + CONNECTION_API_KEY + " or " + CONNECTION_BEARER_TOKEN;

    private ConnectionSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                CONNECTION_URL,
                Type.LIST,
                ConfigDef.NO_DEFAULT_VALUE,
                Validators.httpUrlList(CREDENTIAL_SETTINGS),
                Importance.HIGH,
                "Elasticsearch HTTP(S) URLs, comma-separated, e.g. http://127.0.0.1:9200. A URL carrying credentials (user:pass@) "
                        + "is refused: set them in " + CREDENTIAL_SETTINGS + ".",
                GROUP,
                ++order,
                Width.LONG,
                "Connection URLs");
        def.define(
                CONNECTION_TIMEOUT_MS,
                Type.INT,
                1000,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Milliseconds to wait for a TCP connection to Elasticsearch.",
                GROUP,
                ++order,
                Width.SHORT,
                "Connection timeout (ms)");
        def.define(
                READ_TIMEOUT_MS,
                Type.INT,
                30000,
                ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Milliseconds to wait for a response; a timed-out request is retried, it never fails the task.",
                GROUP,
                ++order,
                Width.SHORT,
                "Read timeout (ms)");
    }
}
