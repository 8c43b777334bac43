package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_API_KEY;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_BEARER_TOKEN;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_PASSWORD;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.CONNECTION_USERNAME;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.SSL_CA_FILE;
import static io.cxone.kafka.sink.elasticsearch.ElasticsearchSinkConfig.SSL_TRUST_ALL;

import io.cxone.kafka.common.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings of authentication to Elasticsearch and of TLS trust. */
final class SecuritySettings {

    private static final String GROUP = "Security";

    private SecuritySettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                CONNECTION_USERNAME,
                Type.STRING,
                null,
                Importance.MEDIUM,
                "User for HTTP basic authentication (with connection.password).",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Username");
        def.define(
                CONNECTION_PASSWORD,
                Type.PASSWORD,
                null,
                Importance.MEDIUM,
                "Password for HTTP basic authentication.",
                GROUP,
                ++order,
                Width.MEDIUM,
                "Password");
        def.define(
                CONNECTION_API_KEY,
                Type.PASSWORD,
                null,
                Importance.MEDIUM,
                "Elasticsearch API key, the base64 'encoded' value (sent as 'Authorization: ApiKey ...').",
                GROUP,
                ++order,
                Width.LONG,
                "API key");
        def.define(
                CONNECTION_BEARER_TOKEN,
                Type.PASSWORD,
                null,
                Importance.MEDIUM,
                "Bearer token (sent as 'Authorization: Bearer ...'), e.g. an Elasticsearch service-account token.",
                GROUP,
                ++order,
                Width.LONG,
                "Bearer token");
        def.define(
                SSL_CA_FILE,
                Type.STRING,
                null,
                Validators.readableFile(true),
                Importance.MEDIUM,
                "PEM file of CA certificates to trust for https URLs (default: the JVM's trust store).",
                GROUP,
                ++order,
                Width.LONG,
                "CA certificate file");
        def.define(
                SSL_TRUST_ALL,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "Trust any server certificate and host name. For tests only; never set it in production.",
                GROUP,
                ++order,
                Width.SHORT,
                "Trust all certificates");
    }
}
