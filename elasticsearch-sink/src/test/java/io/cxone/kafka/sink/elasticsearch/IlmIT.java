package io.cxone.kafka.sink.elasticsearch;

import static io.cxone.kafka.sink.elasticsearch.ElasticsearchQueries.count;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.deploy;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.freshTopic;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.json;
import static io.cxone.kafka.sink.elasticsearch.SinkTestSupport.sinkConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cxone.kafka.sink.elasticsearch.ilm.IlmPolicy;
import io.cxone.kafka.testkit.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ILM against the real local Elasticsearch, which has no ILM module: the exact policy JSON is sent, the cluster
 * answers "no handler found", the connector logs one warning and writes plain indices, or fails with ilm.required.
 */
class IlmIT {

    private static final Path POLICY = Path.of("../config/ilm-policy.yaml").toAbsolutePath();
    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void start() {
        connect = SinkTestSupport.startAll();
    }

    private static ElasticsearchSinkConfig config(String url, boolean required) {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", url);
        props.put("ilm.policy.file", POLICY.toString());
        props.put("ilm.policy.name", "cxone-it");
        props.put("ilm.required", Boolean.toString(required));
        return new ElasticsearchSinkConfig(props);
    }

    @Test
    void theLocalClusterTrulyHasNoIlm() {
        // The premise of the tests below: the integ-test distribution ships no x-pack-ilm module, so the ILM API is
        // absent
        // (a cluster with ILM answers 200 and its policies; this one refuses the method: 405, allowed: [POST]).
        var answer = ElasticsearchQueries.get("/_ilm/policy");
        assertThat(answer.path("status").asInt())
                .as("GET _ilm/policy: %s", answer)
                .isIn(400, 404, 405);
        assertThat(answer.path("error").asText())
                .as("GET _ilm/policy: %s", answer)
                .containsAnyOf("no handler found", "Incorrect HTTP method");
    }

    @Test
    void clusterWithoutIlmGetsTheExactPolicyOnceThenOneWarningAndPlainIndices() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger logger = (Logger) LogManager.getLogger(IndexSetup.class);
        AbstractAppender capture = new AbstractAppender("capture-ilm", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(org.apache.logging.log4j.Level.WARN)) {
                    warnings.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        logger.addAppender(capture);
        try (FaultyElasticsearchProxy proxy =
                new FaultyElasticsearchProxy(TestServices.elasticsearch().httpPort())) {
            proxy.recordRequestsContaining("/_ilm/");
            ElasticsearchSinkConfig config = config(proxy.url(), false);
            try (RestClient rest = io.cxone.kafka.sink.elasticsearch.client.ElasticsearchClients.restClient(config)) {
                IndexSetup setup = new IndexSetup(rest, config, Optional.of(IlmPolicy.fromFile(POLICY)), "ilm-it");

                String target = setup.prepare("it-ilm-topic", System.currentTimeMillis(), ElasticsearchSinkIT.EVENT);
                setup.prepare("it-ilm-topic", System.currentTimeMillis(), ElasticsearchSinkIT.EVENT);
                setup.prepare("it-ilm-other", System.currentTimeMillis(), ElasticsearchSinkIT.EVENT);

                assertThat(setup.ilmState()).isEqualTo(IndexSetup.IlmState.UNAVAILABLE);
                assertThat(target).isEqualTo("it-ilm-topic");
                // The policy of config/ilm-policy.yaml, byte for byte as it went over the wire.
                assertThat(proxy.recorded())
                        .containsExactly("PUT /_ilm/policy/cxone-it {\"policy\":{\"phases\":{"
                                + "\"hot\":{\"min_age\":\"0ms\",\"actions\":{\"rollover\":{\"max_age\":\"7d\",\"max_primary_shard_size\":\"25gb\"}}},"
                                + "\"warm\":{\"min_age\":\"7d\",\"actions\":{\"forcemerge\":{\"max_num_segments\":1},\"set_priority\":{\"priority\":50}}},"
                                + "\"delete\":{\"min_age\":\"30d\",\"actions\":{\"delete\":{}}}}}}");
            }
        } finally {
            logger.removeAppender(capture);
        }
        // One ILM warning for three records of two topics (the other warning is the scaled_float fallback of this ES).
        List<String> ilmWarnings =
                warnings.stream().filter(w -> w.contains("ILM")).toList();
        assertThat(ilmWarnings).hasSize(1);
        assertThat(ilmWarnings.get(0))
                .contains("has no ILM")
                .contains("cxone-it")
                .contains("ilm.required=true");
        // The template still carries the schema mapping, without lifecycle settings.
        var template = ElasticsearchQueries.get("/_index_template/cxone-sink-it-ilm-topic");
        assertThat(template.toString())
                .contains("\"event_id\":{\"type\":\"keyword\"}")
                .doesNotContain("lifecycle");
    }

    @Test
    void ilmRequiredFailsOnAClusterWithoutIlm() throws Exception {
        ElasticsearchSinkConfig config = config(TestServices.elasticsearch().url(), true);
        try (RestClient rest = io.cxone.kafka.sink.elasticsearch.client.ElasticsearchClients.restClient(config)) {
            IndexSetup setup = new IndexSetup(rest, config, Optional.of(IlmPolicy.fromFile(POLICY)), "ilm-required-it");
            assertThatThrownBy(() -> setup.prepare("it-ilm-required", null, null))
                    .isInstanceOf(ConnectException.class)
                    .hasMessageContaining("ilm.required=true");
        }
    }

    @Test
    void connectorWithIlmPolicyRunsAndIndexesOnAClusterWithoutIlm() throws Exception {
        String topic = "it-ilm-connector";
        String name = "es-it-ilm";
        freshTopic(connect, topic);
        Map<String, String> config =
                sinkConfig(topic, TestServices.elasticsearch().url());
        config.put("ilm.policy.file", POLICY.toString());
        deploy(connect, name, config);
        for (int i = 0; i < 5; i++) {
            connect.kafka()
                    .produce(topic, "k" + i, json(topic, ElasticsearchSinkIT.EVENT, ElasticsearchSinkIT.event(i)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count(topic) == 5);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "still running");
        connect.deleteConnector(name);
    }
}
