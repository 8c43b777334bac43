package io.cxone.kafka.sink.elasticsearch;

import io.apicurio.registry.utils.converter.AvroConverter;
import io.cxone.kafka.testkit.TestServices;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Connector configs and record encoding shared by the integration tests. */
final class SinkTestSupport {

    private SinkTestSupport() {}

    /** A sink reading JSON-with-schema values and string keys from {@code topic}. */
    static Map<String, String> sinkConfig(String topic, String esUrl) {
        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, ElasticsearchSinkConnector.class.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put(SinkConnectorConfig.TOPICS_CONFIG, topic);
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.storage.StringConverter");
        config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, JsonConverter.class.getName());
        config.put("value.converter.schemas.enable", "true");
        config.put("value.converter.decimal.format", "NUMERIC");
        config.put("connection.url", esUrl);
        config.put("key.ignore", "true");
        config.put("linger.ms", "50");
        config.put("retry.backoff.ms", "100");
        config.put("retry.backoff.max.ms", "1000");
        config.put("consumer.override.max.poll.records", "200");
        return config;
    }

    static String json(String topic, Schema schema, Object value) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true", "decimal.format", "NUMERIC"), false);
        return new String(converter.fromConnectData(topic, schema, value), StandardCharsets.UTF_8);
    }

    /** The committed offset of partition 0 of {@code topic} for a sink connector, or -1. */
    static long committedOffset(EmbeddedConnectCluster connect, String connector, String topic) {
        for (ConnectorOffset offset : connect.connectorOffsets(connector).offsets()) {
            if (topic.equals(offset.partition().get("kafka_topic"))
                    && Integer.valueOf(0).equals(offset.partition().get("kafka_partition"))) {
                return ((Number) offset.offset().get("kafka_offset")).longValue();
            }
        }
        return -1;
    }

    /** A value converter configured from the {@code value.converter.*} entries of a connector config. */
    static AvroConverter valueConverter(Map<String, String> connectorConfig) {
        AvroConverter converter = new AvroConverter();
        Map<String, Object> converterConfig = new HashMap<>();
        connectorConfig.forEach((k, v) -> {
            if (k.startsWith("value.converter.")) {
                converterConfig.put(k.substring("value.converter.".length()), v);
            }
        });
        converter.configure(converterConfig, false);
        return converter;
    }

    /** A new one-partition topic, with no index of its name left by an earlier run. */
    static void freshTopic(EmbeddedConnectCluster connect, String topic) {
        ElasticsearchQueries.deleteIndices(topic);
        connect.kafka().createTopic(topic, 1);
    }

    /** Deploys the connector and waits until it and its one task run. */
    static void deploy(EmbeddedConnectCluster connect, String name, Map<String, String> config)
            throws InterruptedException {
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, name + " running");
    }

    static EmbeddedConnectCluster startAll() {
        TestServices.startElasticsearch();
        return TestServices.connect();
    }

    /**
     * A plugin metric of the connector's task 0 (docs/elasticsearch-sink.md#metrics), read from JMX in this JVM, where
     * the embedded worker registers them; NaN while the task has not registered it.
     */
    static double taskMetric(String connector, String name) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName bean : jmx.queryNames(new ObjectName("kafka.connect:*"), null)) {
            if (!connector.equals(bean.getKeyProperty("connector")) || !"0".equals(bean.getKeyProperty("task"))) {
                continue;
            }
            for (MBeanAttributeInfo attribute : jmx.getMBeanInfo(bean).getAttributes()) {
                if (attribute.getName().equals(name)) {
                    return ((Number) jmx.getAttribute(bean, name)).doubleValue();
                }
            }
        }
        return Double.NaN;
    }
}
