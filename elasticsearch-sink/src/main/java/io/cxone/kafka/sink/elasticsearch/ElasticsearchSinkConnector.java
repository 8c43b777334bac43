package io.cxone.kafka.sink.elasticsearch;

import io.cxone.kafka.common.PluginVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kafka records to Elasticsearch (see {@link ElasticsearchSinkTask}). Thin: it checks the configuration
 * (fields, then combinations) and hands every task the same settings; the consumer group spreads partitions.
 */
public class ElasticsearchSinkConnector extends SinkConnector {

    private static final Logger log = LoggerFactory.getLogger(ElasticsearchSinkConnector.class);

    private static final ElasticsearchConfigValidator VALIDATOR = new ElasticsearchConfigValidator();

    private Map<String, String> props = Map.of();

    @Override
    public void start(Map<String, String> props) {
        ElasticsearchSinkConfig config = VALIDATOR.parseValid(props);
        this.props = Map.copyOf(props);
        log.info(
                "connector {} starting: {} -> {} (write.method={}, key.ignore={}, ilm={})",
                props.get("name"),
                props.getOrDefault("topics", props.get("topics.regex")),
                config.connectionUrls(),
                config.writeMethod(),
                config.keyIgnore(),
                config.ilmPolicyFile().map(p -> config.ilmPolicyName()).orElse("off"));
        List<String> insecure = ElasticsearchConfigValidator.securityWarnings(config);
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
        return VALIDATOR.validate(connectorConfigs);
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
