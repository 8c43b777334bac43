package io.cxone.kafka.source.webhook;

import io.cxone.kafka.common.PluginVersion;
import io.cxone.kafka.common.config.ConfigEnums;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives CXone events pushed over HTTP (Avro datum, Avro container file or JSON) and writes them to one topic,
 * answering each request only after Kafka acknowledged its events. Each task runs its own listener, every one on
 * {@code listener.port}: tasks on one host share it (see {@link WebhookListener}), so a load balancer in front of the
 * worker hosts reaches whichever tasks run, wherever Connect puts them.
 *
 * <p>Exactly-once support: each {@code poll()} returns whole requests, so with {@code exactly.once.support} and
 * the default {@code transaction.boundary=poll} a request's events commit in one transaction: all or none.
 */
public class CxoneWebhookSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(CxoneWebhookSourceConnector.class);

    private static final WebhookConfigValidator VALIDATOR = new WebhookConfigValidator();

    private Map<String, String> props = Map.of();

    @Override
    public void start(Map<String, String> props) {
        WebhookConfig config = VALIDATOR.parseValid(props);
        this.props = Map.copyOf(props);
        log.info(
                "webhook connector started: topic {}, {}:{}{}, auth {}",
                config.topic(),
                config.bindAddress(),
                config.port(),
                config.path(),
                ConfigEnums.configName(config.authMode()));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CxoneWebhookSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return WebhookConfig.taskConfigs(props, maxTasks);
    }

    @Override
    public void stop() {
        props = Map.of();
    }

    @Override
    public ConfigDef config() {
        return WebhookConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return VALIDATOR.validate(connectorConfigs);
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
