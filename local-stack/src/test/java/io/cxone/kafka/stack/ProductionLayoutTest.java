package io.cxone.kafka.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose/ and deploy/kubernetes/ are generated from config/ and connectors/ by {@link ProductionLayout}:
 * the committed files equal the rendering, and the rendering keeps what the layouts promise.
 */
class ProductionLayoutTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern LOOPBACK = Pattern.compile("127\\.0\\.0\\.1|localhost");

    /**
     * Strimzi refuses these worker settings in KafkaConnect's spec.config (it sets them itself); from the description
     * of spec.config in Strimzi 1.2.0's KafkaConnect CRD (packaging/install/cluster-operator/041-Crd-kafkaconnect.yaml).
     */
    private static final List<String> STRIMZI_FORBIDDEN_PREFIXES = List.of(
            "group.id",
            "config.storage.topic",
            "offset.storage.topic",
            "status.storage.topic",
            "ssl.",
            "sasl.",
            "security.",
            "listeners",
            "plugin.path",
            "rest.",
            "bootstrap.servers",
            "consumer.interceptor.classes",
            "producer.interceptor.classes",
            "prometheus.metrics.reporter.");

    private final ProductionLayout layout = new ProductionLayout(ROOT);

    @Test
    void committedFilesAreWhatConfigAndConnectorsGenerate() {
        CommittedFiles.check(
                ROOT,
                layout.render(),
                Set.of(
                        // deploy/compose/ also holds the hand-written haproxy.cfg
                        ProductionLayout.COMPOSE_DIR + "/connectors",
                        ProductionLayout.KUBERNETES_DIR,
                        ProductionLayout.KUBERNETES_DIR + "/connectors"),
                "config/ and connectors/",
                ProductionLayout.REFRESH_COMMAND,
                Boolean.getBoolean(ProductionLayout.UPDATE_PROPERTY));
    }

    @Test
    void everyConnectorFileBecomesOneKafkaConnectorOfTheConnectCluster() throws Exception {
        Map<String, String> files = layout.renderKubernetes();
        JsonNode kustomization = yaml(files.get("deploy/kubernetes/kustomization.yaml"));
        List<String> resources = texts(kustomization.get("resources"));
        Set<String> installed = layout.installedConnectorClasses();
        for (ProductionLayout.Connector connector : layout.connectors()) {
            String file = "connectors/" + connector.name() + ".yaml";
            JsonNode resource = yaml(files.get("deploy/kubernetes/" + file));
            assertThat(resource.path("kind").asText()).isEqualTo("KafkaConnector");
            assertThat(resource.path("metadata").path("name").asText()).isEqualTo(connector.name());
            assertThat(resource.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText())
                    .isEqualTo(ProductionLayout.CONNECT_CLUSTER);
            JsonNode spec = resource.path("spec");
            assertThat(spec.path("class").asText()).isEqualTo(connector.connectorClass());
            // the webhook listens on every worker, so the load balancer keeps a live listener when one goes
            assertThat(spec.path("tasksMax").asInt())
                    .isEqualTo(
                            connector.config().containsKey("listener.port")
                                    ? ProductionLayout.CONNECT_WORKERS
                                    : Integer.parseInt(connector.config().get("tasks.max")));
            List<String> keys = new ArrayList<>();
            spec.path("config").fieldNames().forEachRemaining(keys::add);
            assertThat(keys)
                    .as("%s: every other setting of %s", file, connector.file())
                    .containsExactlyElementsOf(connector.config().keySet().stream()
                            .filter(k -> !k.equals("connector.class") && !k.equals("tasks.max"))
                            .toList());
            spec.path("config").fields().forEachRemaining(e -> {
                assertThat(e.getValue().isTextual())
                        .as("%s: %s is a string", file, e.getKey())
                        .isTrue();
                assertThat(e.getValue().asText())
                        .as("%s: %s names no loopback address", file, e.getKey())
                        .doesNotContainPattern(LOOPBACK);
                if (e.getKey().endsWith("replication.factor")) {
                    assertThat(e.getValue().asText()).isEqualTo(ProductionLayout.REPLICATION_FACTOR);
                }
            });
            // A connector whose plugin the build does not add (Confluent's sink) stays out of what kubectl applies.
            assertThat(resources.contains(file))
                    .as("kustomization lists %s", file)
                    .isEqualTo(installed.contains(connector.connectorClass()));
        }
        assertThat(resources).contains("kafka-connect.yaml", "webhook.yaml");
    }

    @Test
    void kafkaConnectBuildsThePluginZipsAndFeedsTheConfigProvidersFromSecrets() throws Exception {
        JsonNode connect = yaml(layout.renderKubernetes().get("deploy/kubernetes/kafka-connect.yaml"));
        JsonNode spec = connect.path("spec");
        Properties worker = StackConfig.load(ROOT.resolve("config/connect-distributed.properties"));
        assertThat(connect.path("metadata")
                        .path("annotations")
                        .path("strimzi.io/use-connector-resources")
                        .asText())
                .isEqualTo("true");
        assertThat(spec.path("version").asText()).isEqualTo(layout.version("kafka.version"));
        assertThat(spec.path("replicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(spec.path("groupId").asText()).isEqualTo(worker.getProperty("group.id"));
        assertThat(spec.path("offsetStorageTopic").asText()).isEqualTo(worker.getProperty("offset.storage.topic"));
        assertThat(spec.path("bootstrapServers").asText()).doesNotContainPattern(LOOPBACK);

        JsonNode config = spec.path("config");
        config.fieldNames().forEachRemaining(key -> assertThat(STRIMZI_FORBIDDEN_PREFIXES)
                .as("spec.config.%s is set by Strimzi", key)
                .noneMatch(key::startsWith));
        for (String key : List.of(
                "config.storage.replication.factor",
                "offset.storage.replication.factor",
                "status.storage.replication.factor")) {
            assertThat(config.path(key).asText()).as(key).isEqualTo(ProductionLayout.REPLICATION_FACTOR);
        }
        assertThat(config.path("exactly.once.source.support").asText()).isEqualTo("enabled");
        assertThat(config.path("config.providers").asText()).isEqualTo(worker.getProperty("config.providers"));

        Set<String> zips = new TreeSet<>();
        spec.path("build").path("plugins").forEach(plugin -> plugin.path("artifacts")
                .forEach(a -> {
                    assertThat(a.path("type").asText()).isEqualTo("zip");
                    zips.add(a.path("url").asText().replaceAll(".*/", ""));
                }));
        Set<String> expected = new TreeSet<>();
        layout.plugins().forEach(p -> expected.add(p.name() + "-" + layout.version("project.version") + ".zip"));
        assertThat(zips).as("the zips mvn package builds").isEqualTo(expected);

        // ${env:X} in any connector: X comes from the Secret, and the env provider's allowlist lets it through.
        Pattern allowed = Pattern.compile(worker.getProperty(WorkerSecrets.ENV_ALLOWLIST_PATTERN));
        JsonNode container = spec.path("template").path("connectContainer");
        Set<String> fromSecret = new TreeSet<>();
        container.path("env").forEach(e -> {
            assertThat(e.path("valueFrom").path("secretKeyRef").path("name").asText())
                    .isEqualTo(ProductionLayout.ENV_SECRET);
            fromSecret.add(e.path("name").asText());
        });
        assertThat(fromSecret)
                .isEqualTo(ProductionLayout.envReferences(layout.connectors()))
                .contains("CXONE_CLIENT_SECRET", "CXONE_BASE_URL")
                .allMatch(name -> allowed.matcher(name).matches());
        // ${file:...} reads under allowed.paths: the Secret is mounted there (Strimzi allows mounts under /mnt only).
        String allowedPaths = worker.getProperty(WorkerSecrets.FILE_ALLOWED_PATHS);
        assertThat(allowedPaths).startsWith("/mnt/");
        assertThat(container.path("volumeMounts").get(0).path("mountPath").asText())
                .isEqualTo(allowedPaths);
        assertThat(spec.path("template")
                        .path("pod")
                        .path("volumes")
                        .get(0)
                        .path("secret")
                        .path("secretName")
                        .asText())
                .isEqualTo(ProductionLayout.FILE_SECRET);
    }

    @Test
    void theWebhookServiceReachesTheListenerPortOnTheConnectPods() throws Exception {
        String text = layout.renderKubernetes().get("deploy/kubernetes/webhook.yaml");
        List<JsonNode> docs = new ArrayList<>();
        for (String doc : text.split("(?m)^---$")) {
            docs.add(yaml(doc));
        }
        int port = layout.connectors().stream()
                .filter(c -> c.connectorClass().endsWith("CxoneWebhookSourceConnector"))
                .mapToInt(c -> Integer.parseInt(c.config().get("listener.port")))
                .findFirst()
                .orElseThrow();
        JsonNode service = docs.get(0);
        assertThat(service.path("kind").asText()).isEqualTo("Service");
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asInt())
                .isEqualTo(port);
        assertThat(service.path("spec")
                        .path("selector")
                        .path("strimzi.io/cluster")
                        .asText())
                .isEqualTo(ProductionLayout.CONNECT_CLUSTER);
        JsonNode policy = docs.get(1);
        assertThat(policy.path("kind").asText()).isEqualTo("NetworkPolicy");
        assertThat(policy.path("spec")
                        .path("ingress")
                        .get(0)
                        .path("ports")
                        .get(0)
                        .path("port")
                        .asInt())
                .isEqualTo(port);
        assertThat(policy.path("spec").path("podSelector").path("matchLabels"))
                .isEqualTo(service.path("spec").path("selector"));
    }

    @Test
    void productionValuesFollowTheRules() {
        Map<Integer, String> compose = ProductionLayout.COMPOSE_ADDRESSES;
        assertThat(ProductionLayout.productionValue("bootstrap.servers", "127.0.0.1:9092", compose))
                .isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
        assertThat(ProductionLayout.productionValue(
                        "value.converter.apicurio.registry.url", "http://127.0.0.1:8081/apis/registry/v2", compose))
                .isEqualTo("http://schema-registry:8081/apis/registry/v2");
        assertThat(ProductionLayout.productionValue("listeners", "http://127.0.0.1:8083", compose))
                .isEqualTo("http://0.0.0.0:8083");
        assertThat(ProductionLayout.productionValue("topic.creation.default.replication.factor", "1", compose))
                .isEqualTo("3");
        assertThat(ProductionLayout.productionValue("cxone.base.url", "http://127.0.0.1:8700", compose))
                .isEqualTo("${env:CXONE_BASE_URL}");
        // A loopback address the layouts do not know is an error, not a container talking to itself.
        assertThatThrownBy(() -> ProductionLayout.productionValue("some.url", "http://localhost:4242/x", compose))
                .hasMessageContaining("has no production address");
    }

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
