package io.cxone.kafka.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-process configs {@code ./stack up --brokers M --workers N} generates from {@code config/}, each one also
 * accepted by Kafka's own config classes (KafkaConfig for a node, DistributedConfig for a worker).
 */
class ClusterConfigTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path state;

    private LocalStack stack() {
        return new LocalStack(ROOT, state);
    }

    private List<Properties> nodeConfigs(Topology topology) {
        List<Properties> configs = stack().kafkaNodes("", topology).stream()
                .map(KafkaBrokerService::serverProperties)
                .toList();
        configs.forEach(KafkaConfig::fromProps); // throws on a config a broker would refuse
        return configs;
    }

    @Test
    void oneBrokerIsTheTemplateAsItIs() {
        Properties template = StackConfig.load(ROOT.resolve("config/kafka-server.properties"));
        List<KafkaBrokerService> nodes = stack().kafkaNodes("", Topology.SINGLE);
        assertThat(nodes).singleElement().satisfies(n -> {
            assertThat(n.name()).isEqualTo("kafka");
            assertThat(n.bootstrapServers()).isEqualTo("127.0.0.1:9092");
            assertThat(n.ports()).containsExactly(9092, 9093);
        });
        Properties generated = nodeConfigs(Topology.SINGLE).get(0);
        for (String key : template.stringPropertyNames()) {
            assertThat(generated.getProperty(key)).as(key).isEqualTo(template.getProperty(key));
        }
        assertThat(generated.getProperty("log.dirs"))
                .isEqualTo(state.resolve("data/kafka/log").toString());
        assertThat(generated.getProperty("default.replication.factor")).isEqualTo("1");
        assertThat(generated.getProperty("min.insync.replicas")).isEqualTo("1");
    }

    @Test
    void threeBrokersAreThreeCombinedNodesOfOneStaticQuorumReplicatingThreeTimesWithTwoInSync() {
        List<Properties> nodes = nodeConfigs(new Topology(3, 2));
        String voters = "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097";
        for (int i = 0; i < 3; i++) {
            Properties node = nodes.get(i);
            int client = 9092 + 2 * i;
            assertThat(node.getProperty("node.id")).isEqualTo(Integer.toString(i + 1));
            assertThat(node.getProperty("process.roles")).isEqualTo("broker,controller");
            assertThat(node.getProperty("listeners"))
                    .isEqualTo("PLAINTEXT://127.0.0.1:" + client + ",CONTROLLER://127.0.0.1:" + (client + 1));
            assertThat(node.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:" + client);
            assertThat(node.getProperty("controller.quorum.voters")).isEqualTo(voters);
            assertThat(node.getProperty("log.dirs"))
                    .isEqualTo(state.resolve("data/kafka-" + (i + 1) + "/log").toString());
            for (String rf : KafkaBrokerService.REPLICATION_FACTORS) {
                assertThat(node.getProperty(rf)).as(rf).isEqualTo("3");
            }
            for (String isr : KafkaBrokerService.MIN_INSYNC_REPLICAS) {
                assertThat(node.getProperty(isr)).as(isr).isEqualTo("2");
            }
        }
        assertThat(stack().kafkaNodes("", new Topology(3, 2)))
                .extracting(StackService::name)
                .containsExactly("kafka-1", "kafka-2", "kafka-3");
    }

    @Test
    void beyondThreeBrokersTheOthersAreBrokersOnlyAndEveryPortIsDistinct() {
        List<Properties> nodes = nodeConfigs(new Topology(5, 1));
        assertThat(nodes.get(3).getProperty("process.roles")).isEqualTo("broker");
        assertThat(nodes.get(3).getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9098");
        assertThat(nodes.get(4).getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9100");
        assertThat(nodes)
                .extracting(n -> n.getProperty("controller.quorum.voters"))
                .containsOnly("1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097");
        assertThat(nodes).extracting(n -> n.getProperty("min.insync.replicas")).containsOnly("2");
        List<Integer> ports = stack().kafkaNodes("", new Topology(Topology.MAX, 1)).stream()
                .flatMap(n -> n.ports().stream())
                .toList();
        assertThat(ports).doesNotHaveDuplicates().allMatch(p -> p > 9091 && p < LocalStack.ELASTICSEARCH_PORT);
    }

    @Test
    void twoBrokersReplicateTwiceAndAcceptWritesWithOneInSync() {
        List<Properties> nodes = nodeConfigs(new Topology(2, 1));
        assertThat(nodes)
                .extracting(n -> n.getProperty("default.replication.factor"))
                .containsOnly("2");
        assertThat(nodes)
                .extracting(n -> n.getProperty("transaction.state.log.min.isr"))
                .containsOnly("1");
        assertThat(nodes)
                .extracting(n -> n.getProperty("controller.quorum.voters"))
                .containsOnly("1@127.0.0.1:9093,2@127.0.0.1:9095");
    }

    @Test
    void workersFormOneGroupOnConsecutiveRestPortsAndBootstrapFromEveryBroker() {
        Topology topology = new Topology(3, 2);
        List<KafkaBrokerService> nodes = stack().kafkaNodes("", topology);
        String bootstrap = LocalStack.bootstrapServers(nodes);
        assertThat(bootstrap).isEqualTo("127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096");
        List<ConnectWorkerService> workers =
                stack().connectWorkers("", topology, bootstrap, List.of("kafka-1", "kafka-2", "kafka-3"));
        assertThat(workers).extracting(StackService::name).containsExactly("connect-1", "connect-2");
        assertThat(workers)
                .extracting(StackService::url)
                .containsExactly("http://127.0.0.1:8083", "http://127.0.0.1:8084");
        assertThat(workers)
                .extracting(ConnectWorkerService::workerId)
                .containsExactly("127.0.0.1:8083", "127.0.0.1:8084");
        assertThat(workers).allSatisfy(w -> assertThat(w.dependsOn()).containsExactly("kafka-1", "kafka-2", "kafka-3"));
        for (ConnectWorkerService w : workers) {
            Properties props = w.workerProperties();
            assertThat(props.getProperty("bootstrap.servers")).isEqualTo(bootstrap);
            assertThat(props.getProperty("group.id")).isEqualTo("cxone-connect");
            for (String topic : List.of("config", "offset", "status")) {
                assertThat(props.getProperty(topic + ".storage.replication.factor"))
                        .isEqualTo("3");
            }
            Map<String, String> map = new HashMap<>();
            props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
            new DistributedConfig(map); // throws on a config the worker would refuse
        }
        assertThat(workers.get(0).workerProperties().getProperty("plugin.path"))
                .isEqualTo(workers.get(1).workerProperties().getProperty("plugin.path"));
    }

    @Test
    void oneWorkerIsTheTemplatesWorker() {
        Properties template = StackConfig.load(ROOT.resolve("config/connect-distributed.properties"));
        ConnectWorkerService worker = stack().connectWorkers("", Topology.SINGLE, "127.0.0.1:9092", List.of("kafka"))
                .get(0);
        assertThat(worker.name()).isEqualTo("connect");
        Properties generated = worker.workerProperties();
        for (String key : template.stringPropertyNames()) {
            if (!key.equals(WorkerSecrets.FILE_ALLOWED_PATHS)) {
                assertThat(generated.getProperty(key)).as(key).isEqualTo(template.getProperty(key));
            }
        }
    }

    @Test
    void kafkaDataMadeForAnotherBrokerCountIsRefusedUntilReset() throws Exception {
        LocalStack stack = stack();
        stack.checkKafkaData(new Topology(3, 1)); // nothing formatted yet: any count

        Files.createDirectories(state.resolve("data/kafka/log"));
        Files.writeString(state.resolve("data/kafka/log/meta.properties"), "node.id=1\n");
        stack.checkKafkaData(Topology.SINGLE);
        assertThatThrownBy(() -> stack.checkKafkaData(new Topology(3, 2)))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("a cluster of 1 broker, not 3")
                .hasMessageContaining("./stack reset");

        KafkaBrokerService.clusterId(stack.kafkaClusterFile(), new Topology(3, 1));
        stack.checkKafkaData(new Topology(3, 2));
        assertThatThrownBy(() -> stack.checkKafkaData(new Topology(2, 2)))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("a cluster of 3 brokers, not 2")
                .hasMessageContaining("--brokers 3");
    }

    @Test
    void everyNodeOfOneClusterIsFormattedWithTheSameId() {
        Path file = stack().kafkaClusterFile();
        String first = KafkaBrokerService.clusterId(file, new Topology(3, 1));
        assertThat(KafkaBrokerService.clusterId(file, new Topology(3, 1))).isEqualTo(first);
        assertThat(first).hasSize(22); // a Kafka Uuid in base64
    }

    @Test
    void theTopologyOfTheLastUpIsReadBackAndDefaultsToOneOfEach() {
        Path file = state.resolve("topology.properties");
        assertThat(Topology.read(file)).isEqualTo(Topology.SINGLE);
        new Topology(3, 2).write(file);
        assertThat(Topology.read(file)).isEqualTo(new Topology(3, 2));
        assertThat(new Topology(2, 1).replicationFactor()).isEqualTo(2);
        assertThat(new Topology(7, 1).replicationFactor()).isEqualTo(3);
        assertThat(new Topology(7, 1).controllers()).isEqualTo(3);
    }
}
