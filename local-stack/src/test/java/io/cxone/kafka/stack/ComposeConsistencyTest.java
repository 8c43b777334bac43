package io.cxone.kafka.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml cannot run on the build machines (no Docker engine), so this test reads it, with the HAProxy
 * configuration and the files generated into deploy/compose/, and checks that it describes the production layout
 * of config/ and connectors/: three brokers with replication 3, two workers running every connector, the registry on
 * KafkaSQL, Elasticsearch and Kibana, two bridges, a load balancer with health checks in front of the webhook and
 * the bridges, service names on the compose network, and health checks that use tools present in their images.
 */
class ComposeConsistencyTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HOST_PORT = Pattern.compile("(?:https?://|PLAINTEXT://)?([A-Za-z0-9.-]+):(\\d{2,5})");

    /**
     * The commands each image has, as seen in the Dockerfile the official image is built from (besides the POSIX
     * shell and its builtins). Update it when an image changes; a health check may only call these.
     */
    private static final Map<String, Set<String>> IMAGE_TOOLS = Map.of(
            // apache/kafka docker/jvm/Dockerfile: eclipse-temurin:21-jre-alpine, `apk add ... bash`; wget and gpg are
            // removed after the download, curl is never installed.
            "apache/kafka", Set.of("bash", "/opt/kafka/bin/kafka-broker-api-versions.sh"),
            // Apicurio 2.6.13.Final distro/docker Dockerfile.kafkasql.jvm: ubi8/openjdk-17-runtime (bash runs
            // run-java.sh).
            "apicurio/apicurio-registry-kafkasql", Set.of("bash"),
            // elastic/dockerfiles elasticsearch/Dockerfile (8.x, ubuntu): apt-get install ... curl ...
            "elasticsearch", Set.of("bash", "curl"),
            // elastic/dockerfiles kibana/Dockerfile (8.x, ubuntu): apt-get install ... curl ...
            "kibana", Set.of("bash", "curl"),
            // adoptium/containers 17/jre/ubuntu/noble/Dockerfile: curl and wget "for historical reasons".
            "eclipse-temurin", Set.of("bash", "curl", "wget", "java"),
            // docker-library/haproxy 3.2/Dockerfile: debian:trixie-slim; wget is purged after the build.
            "haproxy", Set.of("bash", "haproxy"));

    /** Shell builtins and keywords a health check may use in any image. */
    private static final Set<String> SHELL_BUILTINS =
            Set.of("exec", "printf", "read", "[", "test", "echo", "exit", "true", "false", "{", "}", "if", "then");

    private static JsonNode services;
    private static Properties versions;
    private static Properties worker;
    private static Properties bridge;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readCompose() throws IOException {
        // SnakeYAML resolves the anchors and << merge keys docker-compose.yml uses; Jackson's YAML parser does not.
        Map<String, Object> compose = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(ROOT.resolve("docker-compose.yml")));
        services = JSON.valueToTree(compose.get("services"));
        versions = new Properties();
        try (var in = ComposeConsistencyTest.class.getResourceAsStream("/cxone-stack.properties")) {
            versions.load(in);
        }
        worker = StackConfig.load(ROOT.resolve("deploy/compose/connect-distributed.properties"));
        bridge = StackConfig.load(ROOT.resolve("deploy/compose/websocket-bridge.properties"));
    }

    @Test
    void servicesAreTheProductionLayoutOnTheComposeNetwork() {
        assertThat(fieldNames(services))
                .containsExactlyInAnyOrder(
                        "kafka-1",
                        "kafka-2",
                        "kafka-3",
                        "schema-registry",
                        "elasticsearch",
                        "kibana",
                        "connect-1",
                        "connect-2",
                        "connector-deploy",
                        "websocket-bridge-1",
                        "websocket-bridge-2",
                        "haproxy");
        assertThat(brokers()).hasSize(3);
        assertThat(workers()).hasSize(2);
        assertThat(bridges()).hasSize(2);
        services.fields().forEachRemaining(s -> assertThat(s.getValue().has("network_mode"))
                .as("%s is on the compose network (services reach each other by name)", s.getKey())
                .isFalse());
    }

    @Test
    void imagesAreOfficialAndMatchTheVersionsTheBuildUses() {
        brokers().forEach(b -> assertThat(image(b)).isEqualTo("apache/kafka:" + versions.getProperty("kafka.version")));
        workers().forEach(w -> assertThat(image(w)).isEqualTo("apache/kafka:" + versions.getProperty("kafka.version")));
        assertThat(image("schema-registry"))
                .isEqualTo("apicurio/apicurio-registry-kafkasql:" + versions.getProperty("apicurio.version"));
        assertThat(image("elasticsearch")).isEqualTo("elasticsearch:" + versions.getProperty("elasticsearch.version"));
        assertThat(image("kibana")).isEqualTo("kibana:" + versions.getProperty("elasticsearch.version"));
        services.fields().forEachRemaining(s -> {
            String image = s.getValue().path("image").asText();
            assertThat(image)
                    .as("%s: no registry host in image names", s.getKey())
                    .doesNotContainPattern("^[^/]+\\.[^/]+/");
            assertThat(IMAGE_TOOLS)
                    .as("%s: an image whose tools are known", s.getKey())
                    .containsKey(repository(image));
        });
    }

    @Test
    void brokersRunTheLocalBrokerSettingsWithReplicationThreeAndMinIsrTwo() {
        Properties local = StackConfig.load(ROOT.resolve("config/kafka-server.properties"));
        List<String> brokers = brokers();
        String voters =
                brokers.stream().map(b -> env(b, "node.id") + "@" + b + ":9093").collect(Collectors.joining(","));
        Set<String> clusterIds = new TreeSet<>();
        for (String broker : brokers) {
            Map<String, String> expected = new TreeMap<>();
            local.stringPropertyNames().forEach(key -> expected.put(key, local.getProperty(key)));
            // What a node of a three-node cluster on the compose network has of its own.
            expected.put("node.id", broker.substring(broker.lastIndexOf('-') + 1));
            expected.put("controller.quorum.voters", voters);
            expected.put("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093");
            expected.put("advertised.listeners", "PLAINTEXT://" + broker + ":9092");
            expected.replaceAll(
                    (key, value) -> key.endsWith("replication.factor") ? "3" : key.endsWith("min.isr") ? "2" : value);
            expected.put("default.replication.factor", "3");
            expected.put("min.insync.replicas", "2");
            expected.put("log.dirs", "/var/lib/kafka/data");

            Map<String, String> actual = new TreeMap<>();
            services.get(broker).get("environment").fields().forEachRemaining(e -> {
                if (e.getKey().startsWith("KAFKA_")) {
                    actual.put(propertyName(e.getKey()), e.getValue().asText());
                }
            });
            assertThat(actual)
                    .as("%s: config/kafka-server.properties for a node of three", broker)
                    .isEqualTo(expected);
            clusterIds.add(
                    services.get(broker).get("environment").path("CLUSTER_ID").asText());
        }
        assertThat(clusterIds).as("one cluster").hasSize(1);
        // The storage tool refuses anything but a base64 UUID.
        Uuid.fromString(clusterIds.iterator().next());
    }

    @Test
    void workersRunTheGeneratedSettingsWithEveryPluginFolderAndReplicatedInternalTopics() {
        Properties local = StackConfig.load(ROOT.resolve("config/connect-distributed.properties"));
        assertThat(worker.getProperty("group.id")).isEqualTo(local.getProperty("group.id"));
        assertThat(worker.getProperty("exactly.once.source.support")).isEqualTo("enabled");
        for (String key : List.of(
                "config.storage.replication.factor",
                "offset.storage.replication.factor",
                "status.storage.replication.factor")) {
            assertThat(worker.getProperty(key)).as(key).isEqualTo("3");
        }
        assertThat(Set.of(worker.getProperty("bootstrap.servers").split(",")))
                .as("bootstrap.servers names every broker")
                .isEqualTo(brokers().stream().map(b -> b + ":9092").collect(Collectors.toSet()));
        assertThat(worker.getProperty("rest.advertised.host.name")).isNull();

        Set<String> hostNames = new TreeSet<>();
        for (String name : workers()) {
            JsonNode service = services.get(name);
            List<String> volumes = texts(service.get("volumes"));
            String command = command(name);
            assertThat(volumes)
                    .contains(
                            "./deploy/compose/connect-distributed.properties:/opt/cxone/config/connect-distributed.properties:ro");
            assertThat(command)
                    .contains("/opt/cxone/config/connect-distributed.properties")
                    .contains("rest.advertised.host.name=$HOSTNAME");
            hostNames.add(service.path("hostname").asText());
            for (ProductionLayout.Plugin plugin : new ProductionLayout(ROOT).plugins()) {
                assertThat(volumes)
                        .as("%s mounts the %s folder that mvn package builds, on plugin.path", name, plugin.module())
                        .contains("./" + plugin.module() + "/target/plugin/" + plugin.name() + ":"
                                + worker.getProperty("plugin.path") + "/" + plugin.name() + ":ro");
            }
            assertThat(dependsOn(name)).containsAll(brokers()).contains("schema-registry", "elasticsearch");
        }
        assertThat(hostNames)
                .as("each worker advertises its own REST address")
                .hasSize(workers().size());
    }

    @Test
    void registryKeepsSchemasInKafkaOnceEveryBrokerIsUp() {
        JsonNode registry = services.get("schema-registry");
        assertThat(Set.of(registry.get("environment")
                        .get("KAFKA_BOOTSTRAP_SERVERS")
                        .asText()
                        .split(",")))
                .isEqualTo(brokers().stream().map(b -> b + ":9092").collect(Collectors.toSet()));
        // Apicurio creates its journal with replication min(3, brokers it sees): all three must be up first.
        assertThat(dependsOn("schema-registry")).containsAll(brokers());
        assertThat(registry.get("environment").get("QUARKUS_HTTP_PORT").asInt()).isEqualTo(LocalStack.REGISTRY_PORT);
        assertThat(bridge.getProperty("topics.internal")).contains("kafkasql-journal");
    }

    @Test
    void everyConnectorFileIsDeployedUnlessItsPluginIsNotInstalled() throws IOException {
        ProductionLayout layout = new ProductionLayout(ROOT);
        Set<String> installed = layout.installedConnectorClasses();
        Set<String> deployed = new TreeSet<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/compose/connectors"))) {
            files.forEach(f -> deployed.add(f.getFileName().toString().replace(".json", "")));
        }
        Set<String> expected = new TreeSet<>();
        for (ProductionLayout.Connector connector : layout.connectors()) {
            if (installed.contains(connector.connectorClass())) {
                expected.add(connector.name());
            } else {
                // Only a connector for a plugin this project does not build (Confluent's sink) may be left out.
                assertThat(connector.connectorClass()).doesNotStartWith("io.cxone.");
            }
        }
        assertThat(deployed).isEqualTo(expected).isNotEmpty();
        JsonNode deploy = services.get("connector-deploy");
        assertThat(texts(deploy.get("volumes")))
                .containsExactly("./deploy/compose/connectors:/opt/cxone/connectors:ro");
        assertThat(command("connector-deploy"))
                .contains("/opt/cxone/connectors/*.json")
                .contains("PUT")
                .contains("/connectors/$name/config");
        assertThat(dependsOn("connector-deploy")).containsExactlyInAnyOrderElementsOf(workers());
    }

    @Test
    void everyAddressInTheGeneratedFilesIsAServiceListeningThere() throws IOException {
        Map<String, Set<Integer>> listening = new HashMap<>();
        brokers().forEach(b -> listening.put(b, Set.of(9092)));
        workers().forEach(w -> listening.put(w, Set.of(8083, webhookPort())));
        bridges().forEach(b -> listening.put(b, Set.of(Integer.parseInt(bridge.getProperty("listen.port")))));
        listening.put(
                "schema-registry",
                Set.of(services.get("schema-registry")
                        .get("environment")
                        .get("QUARKUS_HTTP_PORT")
                        .asInt()));
        listening.put(
                "elasticsearch",
                Set.of(services.get("elasticsearch")
                        .get("environment")
                        .get("http.port")
                        .asInt()));

        List<Path> files = new ArrayList<>(List.of(
                ROOT.resolve("deploy/compose/connect-distributed.properties"),
                ROOT.resolve("deploy/compose/websocket-bridge.properties")));
        try (Stream<Path> connectors = Files.list(ROOT.resolve("deploy/compose/connectors"))) {
            connectors.forEach(files::add);
        }
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                if (line.trim().startsWith("#")) {
                    continue;
                }
                Matcher m = HOST_PORT.matcher(line);
                while (m.find()) {
                    String where = file.getFileName() + ": " + line.trim();
                    if (m.group(1).equals("0.0.0.0")) {
                        continue; // a listener binding every interface
                    }
                    assertThat(listening).as(where).containsKey(m.group(1));
                    assertThat(listening.get(m.group(1))).as(where).contains(Integer.parseInt(m.group(2)));
                }
            }
        }
    }

    @Test
    void healthChecksUseOnlyToolsTheirImagesHave() {
        services.fields().forEachRemaining(s -> {
            JsonNode test = s.getValue().path("healthcheck").path("test");
            if (test.isMissingNode()) {
                return;
            }
            Set<String> tools =
                    IMAGE_TOOLS.get(repository(s.getValue().path("image").asText()));
            for (String command : commands(texts(test))) {
                assertThat(tools)
                        .as(
                                "%s's health check calls %s, which its image %s may not have",
                                s.getKey(), command, s.getValue().path("image").asText())
                        .contains(command);
            }
        });
    }

    @Test
    void longRunningServicesHaveHealthChecksAndShellScriptsParse() throws Exception {
        services.fields().forEachRemaining(s -> {
            if (!s.getKey().equals("connector-deploy")) {
                assertThat(s.getValue().path("healthcheck").path("test").isArray())
                        .as("%s has a health check", s.getKey())
                        .isTrue();
            }
        });
        for (Map.Entry<String, String> script : bashScripts().entrySet()) {
            Process bash = new ProcessBuilder("bash", "-n", "-c", script.getValue())
                    .redirectErrorStream(true)
                    .start();
            assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(bash.getInputStream().readAllBytes()))
                    .as("bash -n of %s: %s", script.getKey(), script.getValue())
                    .isEmpty();
            assertThat(bash.exitValue()).as(script.getKey()).isZero();
        }
    }

    @Test
    void haproxyChecksAndBalancesEveryWorkersWebhookAndEveryBridge() throws IOException {
        Map<String, List<String>> cfg = haproxyConfig();
        JsonNode haproxy = services.get("haproxy");
        assertThat(image("haproxy")).startsWith("haproxy:");
        assertThat(texts(haproxy.get("volumes")))
                .contains("./deploy/compose/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");

        int port = webhookPort();
        assertThat(cfg.get("frontend webhook")).contains("bind :" + port);
        assertThat(cfg.get("backend webhook"))
                .contains("option httpchk")
                // the webhook's GET /health answers 200 only where a listener runs, 503 while its task stops
                .contains("http-check send meth GET uri /health")
                .contains("http-check expect status 200")
                .noneMatch(l -> l.contains("expect status 405"));
        assertThat(servers(cfg.get("backend webhook")))
                .containsExactlyInAnyOrderElementsOf(
                        workers().stream().map(w -> w + ":" + port).toList());

        int bridgePort = Integer.parseInt(bridge.getProperty("listen.port"));
        assertThat(cfg.get("frontend bridge")).contains("bind :" + bridgePort);
        assertThat(cfg.get("backend bridge"))
                .contains("option httpchk")
                .contains("http-check send meth GET uri /health")
                .contains("http-check expect status 200");
        assertThat(servers(cfg.get("backend bridge")))
                .containsExactlyInAnyOrderElementsOf(
                        bridges().stream().map(b -> b + ":" + bridgePort).toList());
        for (String backend : List.of("backend webhook", "backend bridge")) {
            assertThat(cfg.get(backend)).anyMatch(l -> l.startsWith("default-server check "));
        }
        // The per-address limit of config/ moves to the proxy, which sees the client's address.
        String perAddress = StackConfig.load(ROOT.resolve("config/websocket-bridge.properties"))
                .getProperty("limits.connections.per.address");
        assertThat(cfg.get("frontend bridge"))
                .contains("tcp-request connection reject if { sc_conn_cur(0) gt " + perAddress + " }");
        assertThat(texts(haproxy.get("ports"))).contains(port + ":" + port, bridgePort + ":" + bridgePort);
        assertThat(port).isEqualTo(LocalStack.WEBHOOK_PORT);
        assertThat(bridgePort).isEqualTo(LocalStack.BRIDGE_PORT);
    }

    @Test
    void secretsAndTenantSettingsReachTheWorkersOnlyThroughTheirConfigProviders() throws IOException {
        assertThat(worker.getProperty("config.providers")).isEqualTo("file,env");
        String allowedPaths = worker.getProperty(WorkerSecrets.FILE_ALLOWED_PATHS);
        Pattern allowedEnv = Pattern.compile(worker.getProperty(WorkerSecrets.ENV_ALLOWLIST_PATTERN));
        Pattern reference = Pattern.compile("\\$\\{(env|file):([^}]*)}");
        for (String name : workers()) {
            JsonNode service = services.get(name);
            assertThat(service.has("env_file"))
                    .as("%s: no demo credentials in the production layout", name)
                    .isFalse();
            assertThat(texts(service.get("volumes")))
                    .as("%s mounts the secrets folder where the file provider may read", name)
                    .anyMatch(v -> v.endsWith(":" + allowedPaths + ":ro"));
            Set<String> environment = fieldNames(service.get("environment"));
            try (Stream<Path> files = Files.list(ROOT.resolve("deploy/compose/connectors"))) {
                for (Path file : files.toList()) {
                    Matcher m = reference.matcher(Files.readString(file));
                    while (m.find()) {
                        String where = name + " running " + file.getFileName() + ": " + m.group();
                        if (m.group(1).equals("env")) {
                            assertThat(environment).as(where).contains(m.group(2));
                            assertThat(m.group(2)).as(where).matches(allowedEnv);
                        } else {
                            assertThat(m.group(2)).as(where).startsWith(allowedPaths + "/");
                        }
                    }
                }
            }
        }

        // connectors/ itself holds no secret inline: each credential setting is a config provider reference.
        Map<String, String> demo = WorkerSecrets.environment(ROOT.resolve("config/secrets"));
        Pattern credential = Pattern.compile("(?i).*(secret|password|token|api\\.key|jaas\\.config).*");
        for (ProductionLayout.Connector connector : new ProductionLayout(ROOT).connectors()) {
            connector.config().forEach((key, value) -> {
                String where = connector.file() + ": " + key;
                demo.values().forEach(secret -> assertThat(value).as(where).doesNotContain(secret));
                if (credential.matcher(key).matches() && !value.isEmpty()) {
                    assertThat(value)
                            .as("%s is a secret: a config provider reference", where)
                            .matches(reference);
                }
                Matcher m = reference.matcher(value);
                while (m.find()) {
                    if (m.group(1).equals("env")) {
                        assertThat(demo)
                                .as("%s: defined in config/secrets/%s", where, WorkerSecrets.ENV_FILE)
                                .containsKey(m.group(2));
                    }
                }
            });
        }
    }

    /** The command a service runs, compose's $$ read as $. */
    private static String command(String service) {
        return String.join(" ", texts(services.get(service).path("command"))).replace("$$", "$");
    }

    private static int webhookPort() {
        return new ProductionLayout(ROOT)
                .connectors().stream()
                        .filter(c -> c.config().containsKey("listener.port"))
                        .mapToInt(c -> Integer.parseInt(c.config().get("listener.port")))
                        .findFirst()
                        .orElseThrow();
    }

    /** The broker services: the apache/kafka image running its own start script (no command). */
    private static List<String> brokers() {
        return names(s -> repository(s.path("image").asText()).equals("apache/kafka") && !s.has("command"));
    }

    /** The Connect workers: services whose command starts connect-distributed.sh. */
    private static List<String> workers() {
        return names(s -> String.join(" ", texts(s.path("command"))).contains("connect-distributed.sh"));
    }

    private static List<String> bridges() {
        return names(s -> String.join(" ", texts(s.path("command"))).contains("WebSocketBridgeMain"));
    }

    private static List<String> names(java.util.function.Predicate<JsonNode> filter) {
        List<String> names = new ArrayList<>();
        services.fields().forEachRemaining(s -> {
            if (filter.test(s.getValue())) {
                names.add(s.getKey());
            }
        });
        return names;
    }

    private static String env(String service, String property) {
        return services.get(service)
                .get("environment")
                .get(environmentName(property))
                .asText();
    }

    /** The apache/kafka image's mapping: KAFKA_ + the name upper-cased, '_' as "__", '-' as "___", '.' as '_'. */
    private static String environmentName(String property) {
        return "KAFKA_"
                + property.replace("_", "__")
                        .replace("-", "___")
                        .replace('.', '_')
                        .toUpperCase(Locale.ROOT);
    }

    private static String propertyName(String environmentName) {
        return environmentName
                .substring("KAFKA_".length())
                .toLowerCase(Locale.ROOT)
                .replace("___", "-")
                .replace("__", "\u0000")
                .replace('_', '.')
                .replace('\u0000', '_');
    }

    private static List<String> dependsOn(String service) {
        JsonNode dependsOn = services.get(service).path("depends_on");
        if (dependsOn.isArray()) {
            return texts(dependsOn);
        }
        List<String> names = new ArrayList<>();
        dependsOn.fields().forEachRemaining(d -> {
            assertThat(d.getValue().path("condition").asText())
                    .as("%s waits for %s to be healthy", service, d.getKey())
                    .isEqualTo("service_healthy");
            names.add(d.getKey());
        });
        return names;
    }

    /** The commands a health check runs: its program, or the first word of each step of its shell script. */
    private static Set<String> commands(List<String> test) {
        Set<String> commands = new TreeSet<>();
        List<String> scripts = new ArrayList<>();
        if (test.get(0).equals("CMD-SHELL")) {
            scripts.add(test.get(1));
        } else {
            commands.add(test.get(1));
            if (test.get(1).equals("bash") && test.get(2).equals("-c")) {
                scripts.add(test.get(3));
            }
        }
        for (String script : scripts) {
            for (String step : script.split("&&|\\|\\||[|;]")) {
                String word = step.trim().split("\\s+")[0];
                if (!word.isEmpty() && !SHELL_BUILTINS.contains(word)) {
                    commands.add(word);
                }
            }
        }
        return commands;
    }

    /** Every bash -c script of the file (commands and health checks), compose's $$ read as $. */
    private static Map<String, String> bashScripts() {
        Map<String, String> scripts = new LinkedHashMap<>();
        services.fields().forEachRemaining(s -> {
            for (String field : List.of("command", "healthcheck")) {
                JsonNode node = field.equals("command")
                        ? s.getValue().path("command")
                        : s.getValue().path("healthcheck").path("test");
                List<String> args = texts(node);
                int bash = args.indexOf("bash");
                if (bash >= 0 && args.size() > bash + 2 && args.get(bash + 1).equals("-c")) {
                    scripts.put(s.getKey() + " " + field, args.get(bash + 2).replace("$$", "$"));
                }
            }
        });
        return scripts;
    }

    /** haproxy.cfg as its sections ("frontend webhook", ...) and their trimmed lines, comments left out. */
    private static Map<String, List<String>> haproxyConfig() throws IOException {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : Files.readAllLines(ROOT.resolve("deploy/compose/haproxy.cfg"))) {
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                current = new ArrayList<>();
                sections.put(line.trim(), current);
            } else if (current != null) {
                current.add(line.trim().replaceAll("\\s+", " "));
            }
        }
        return sections;
    }

    /** The address of each "server NAME ADDRESS ..." line. */
    private static List<String> servers(List<String> section) {
        return section.stream()
                .filter(l -> l.startsWith("server "))
                .map(l -> l.split(" ")[2])
                .toList();
    }

    private static String image(String service) {
        return services.get(service).get("image").asText();
    }

    private static String repository(String image) {
        int colon = image.lastIndexOf(':');
        return colon < 0 ? image : image.substring(0, colon);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
