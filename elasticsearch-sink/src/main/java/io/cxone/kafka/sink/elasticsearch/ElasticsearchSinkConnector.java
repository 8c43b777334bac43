package io.cxone.kafka.sink.elasticsearch;

import io.cxone.kafka.common.PluginVersion;
import io.cxone.kafka.common.ConnectionUrls;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Kafka records to Elasticsearch (see {@link ElasticsearchSinkTask}). Thin: it checks the configuration
 * (fields, then combinations) and hands every task the same settings; the consumer group spreads partitions.
 */
public class ElasticsearchSinkConnector extends SinkConnector {

    private static final Logger log = LoggerFactory.getLogger(ElasticsearchSinkConnector.class);

    private Map<String, String> props = Map.of();

    @Override
    public void start(Map<String, String> props) {
        ElasticsearchSinkConfig config = ConfigValidator.require(props);
        this.props = Map.copyOf(props);
        log.info("connector {} starting: {} -> {} (write.method={}, key.ignore={}, ilm={})", props.get("name"),
                props.getOrDefault("topics", props.get("topics.regex")), config.connectionUrls(), config.writeMethod(),
                config.keyIgnore(), config.ilmPolicyFile().map(p -> config.ilmPolicyName()).orElse("off"));
        List<String> insecure = ConfigValidator.securityWarnings(config);
        if (!insecure.isEmpty()) {
            log.warn("connector {}: insecure settings: {}", props.get("name"), String.join("; ", insecure));
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ElasticsearchSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
        props = Map.of();
    }

    @Override
    public ConfigDef config() {
        return ElasticsearchSinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> byName = new LinkedHashMap<>();
        config.configValues().forEach(v -> byName.put(v.name(), v));
        // Connect echoes each field's value in its answer: never the credentials of a URL it refuses.
        ConfigValue urls = byName.get(ElasticsearchSinkConfig.CONNECTION_URL);
        if (urls != null && urls.value() instanceof List<?> list) {
            urls.value(list.stream().map(u -> ConnectionUrls.redact(String.valueOf(u))).toList());
        }
        ConfigValidator.addTo(connectorConfigs, byName);
        return new Config(new ArrayList<>(byName.values()));
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
