package io.cxone.kafka.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run on the build machines (no Docker engine), so this test reads it and
 * checks that it describes the same system as config/ and connectors/: same services, ports, settings,
 * plugin folders and versions.
 */
class ComposeConsistencyTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern HOST_PORT = Pattern.compile("(?:https?://)?([A-Za-z0-9.-]+):(\\d{2,5})");

    private static JsonNode services;
    private static Properties versions;

    @BeforeAll
    static void readCompose() throws IOException {
        services = new ObjectMapper(new YAMLFactory())
                .readTree(ROOT.resolve("docker-compose.yml").toFile())
                .get("services");
        versions = new Properties();
        try (InputStream in = ComposeConsistencyTest.class.getResourceAsStream("/cxone-stack.properties")) {
            versions.load(in);
        }
    }

    @Test
    void describesEveryServiceOfTheProductionLayoutOnHostNetworking() {
        assertThat(fieldNames(services))
                .containsExactlyInAnyOrder(
                        "kafka", "schema-registry", "elasticsearch", "kibana", "connect", "websocket-bridge");
        services.fields().forEachRemaining(service -> assertThat(
                        service.getValue().path("network_mode").asText())
                .as("%s shares the host's loopback ports, like ./stack", service.getKey())
                .isEqualTo("host"));
    }

    @Test
    void imagesAreOfficialAndMatchTheVersionsTheBuildUses() {
        assertThat(image("kafka")).isEqualTo("apache/kafka:" + versions.getProperty("kafka.version"));
        assertThat(image("connect")).isEqualTo("apache/kafka:" + versions.getProperty("kafka.version"));
        assertThat(image("schema-registry"))
                .isEqualTo("apicurio/apicurio-registry-kafkasql:" + versions.getProperty("apicurio.version"));
        assertThat(image("elasticsearch")).isEqualTo("elasticsearch:" + versions.getProperty("elasticsearch.version"));
        assertThat(image("kibana")).isEqualTo("kibana:" + versions.getProperty("elasticsearch.version"));
        services.forEach(s -> assertThat(s.path("image").asText())
                .as("no registry host in image names")
                .doesNotContainPattern("^[^/]+\\.[^/]+/"));
    }

    @Test
    void kafkaEnvironmentEqualsTheLocalBrokerSettings() {
        Properties broker = StackConfig.load(ROOT.resolve("config/kafka-server.properties"));
        JsonNode env = services.get("kafka").get("environment");
        for (String key : broker.stringPropertyNames()) {
            String envName = "KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
            assertThat(env.path(envName).asText(null))
                    .as("%s (config/kafka-server.properties: %s)", envName, key)
                    .isEqualTo(broker.getProperty(key));
        }
    }

    @Test
    void connectRunsTheWorkerSettingsOfConfigWithTheBuiltPluginFolders() {
        JsonNode connect = services.get("connect");
        List<String> volumes = texts(connect.get("volumes"));
        assertThat(volumes)
                .contains(
                        "./config/connect-distributed.properties:/opt/cxone/config/connect-distributed.properties:ro");
        assertThat(String.join(" ", texts(connect.get("command"))))
                .contains("/opt/cxone/config/connect-distributed.properties");

        LocalStack stack = new LocalStack(ROOT, ROOT.resolve(".stack"));
        for (Path pluginDir : stack.pluginPath()) {
            String module = ROOT.relativize(pluginDir).getName(0).toString();
            assertThat(volumes)
                    .as("compose mounts the %s plugin folder that the build makes", module)
                    .anyMatch(v ->
                            v.startsWith("./" + module + "/target/plugin/cxone-" + module + ":/opt/cxone/plugins/"));
        }
        Properties worker = StackConfig.load(ROOT.resolve("config/connect-distributed.properties"));
        assertThat(worker.getProperty("exactly.once.source.support")).isEqualTo("enabled");
        assertThat(worker.getProperty("bootstrap.servers"))
                .isEqualTo(services.get("kafka")
                        .get("environment")
                        .get("KAFKA_ADVERTISED_LISTENERS")
                        .asText()
                        .replace("PLAINTEXT://", ""));
    }

    @Test
    void registryElasticsearchAndBridgeListenOnTheStackPorts() {
        assertThat(services.get("schema-registry")
                        .get("environment")
                        .get("QUARKUS_HTTP_PORT")
                        .asInt())
                .isEqualTo(LocalStack.REGISTRY_PORT);
        assertThat(services.get("elasticsearch")
                        .get("environment")
                        .get("http.port")
                        .asInt())
                .isEqualTo(LocalStack.ELASTICSEARCH_PORT);
        Properties bridge = StackConfig.load(ROOT.resolve("config/websocket-bridge.properties"));
        assertThat(Integer.parseInt(bridge.getProperty("listen.port"))).isEqualTo(LocalStack.BRIDGE_PORT);
        assertThat(texts(services.get("websocket-bridge").get("volumes")))
                .contains("./config/websocket-bridge.properties:/opt/cxone/config/websocket-bridge.properties:ro");
    }

    @Test
    void everyAddressInConfigAndConnectorsIsServedByTheLayout() throws IOException {
        Map<Integer, String> served = new HashMap<>();
        served.put(9092, "kafka");
        served.put(9093, "kafka (controller)");
        served.put(8083, "connect");
        served.put(LocalStack.REGISTRY_PORT, "schema-registry");
        served.put(LocalStack.ELASTICSEARCH_PORT, "elasticsearch");
        served.put(LocalStack.BRIDGE_PORT, "websocket-bridge");
        served.put(LocalStack.WEBHOOK_PORT, "connect (webhook listener task)");
        // The CXone simulator replaces the SaaS in the local stack only; production connectors point at CXone.
        served.put(LocalStack.SIMULATOR_PORT, "cxone-simulator (local stack only)");

        List<Path> files = new ArrayList<>();
        try (Stream<Path> config = Files.list(ROOT.resolve("config"));
                Stream<Path> connectors = Files.list(ROOT.resolve("connectors"))) {
            config.filter(p -> p.toString().endsWith(".properties")).forEach(files::add);
            connectors.filter(p -> p.toString().endsWith(".json")).forEach(files::add);
        }
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                if (line.trim().startsWith("#")) {
                    continue;
                }
                Matcher m = HOST_PORT.matcher(line);
                while (m.find()) {
                    assertThat(m.group(1))
                            .as("%s: %s", file.getFileName(), line.trim())
                            .isIn("127.0.0.1", "localhost");
                    assertThat(served)
                            .as("%s: %s", file.getFileName(), line.trim())
                            .containsKey(Integer.parseInt(m.group(2)));
                }
            }
        }
    }

    @Test
    void connectorFilesAreDeployableSpecs() throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> connectors = Files.list(ROOT.resolve("connectors"))) {
            for (Path file :
                    connectors.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode spec = json.readTree(file.toFile());
                assertThat(spec.path("name").asText()).as(file + " name").isNotBlank();
                assertThat(spec.path("config").path("connector.class").asText())
                        .as(file + " connector.class")
                        .isNotBlank();
                URI.create(
                        "http://127.0.0.1:8083/connectors/" + spec.path("name").asText() + "/config");
            }
        }
    }

    @Test
    void connectorSecretsComeOnlyFromTheWorkersConfigProvidersWhichComposeFeedsAsTheStackDoes() throws IOException {
        Properties worker = StackConfig.load(ROOT.resolve("config/connect-distributed.properties"));
        assertThat(worker.getProperty("config.providers")).isEqualTo("file,env");
        String allowedPaths = worker.getProperty(WorkerSecrets.FILE_ALLOWED_PATHS);
        Pattern allowedEnv = Pattern.compile(worker.getProperty(WorkerSecrets.ENV_ALLOWLIST_PATTERN));
        JsonNode connect = services.get("connect");
        assertThat(texts(connect.get("volumes")))
                .as("compose mounts config/secrets where the file provider may read")
                .contains("./config/secrets:" + allowedPaths + ":ro");
        assertThat(texts(connect.get("env_file"))).containsExactly("./config/secrets/" + WorkerSecrets.ENV_FILE);
        Map<String, String> env = WorkerSecrets.environment(ROOT.resolve("config/secrets"));
        assertThat(env.keySet())
                .isNotEmpty()
                .allMatch(name -> allowedEnv.matcher(name).matches());

        Pattern reference = Pattern.compile("\\$\\{(env|file):([^}]*)}");
        Pattern credential = Pattern.compile("(?i).*(secret|password|token|api\\.key|jaas\\.config).*");
        try (Stream<Path> connectors = Files.list(ROOT.resolve("connectors"))) {
            for (Path file :
                    connectors.filter(p -> p.toString().endsWith(".json")).toList()) {
                String text = Files.readString(file);
                env.values().forEach(secret -> assertThat(text)
                        .as("%s holds a secret inline", file.getFileName())
                        .doesNotContain(secret));
                new ObjectMapper()
                        .readTree(file.toFile())
                        .path("config")
                        .fields()
                        .forEachRemaining(e -> {
                            String value = e.getValue().asText();
                            String where = file.getFileName() + ": " + e.getKey();
                            if (credential.matcher(e.getKey()).matches() && !value.isEmpty()) {
                                assertThat(value)
                                        .as("%s is a secret: a config provider reference", where)
                                        .matches(reference);
                            }
                            Matcher m = reference.matcher(value);
                            while (m.find()) {
                                if (m.group(1).equals("env")) {
                                    assertThat(env)
                                            .as("%s: defined in config/secrets/%s", where, WorkerSecrets.ENV_FILE)
                                            .containsKey(m.group(2));
                                } else {
                                    assertThat(m.group(2))
                                            .as("%s: a file the worker may read", where)
                                            .startsWith(allowedPaths + "/");
                                }
                            }
                        });
            }
        }
    }

    private static String image(String service) {
        return services.get(service).get("image").asText();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
