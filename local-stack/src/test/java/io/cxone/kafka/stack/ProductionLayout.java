package io.cxone.kafka.stack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders the production layouts' files from {@code config/} and {@code connectors/}, which are written for the local
 * stack (every service on a loopback port, replication factor 1, the CXone simulator): {@code deploy/compose/} (the
 * worker and bridge settings and connector bodies that {@code docker-compose.yml} mounts) and {@code deploy/kubernetes/}
 * (a Strimzi {@code KafkaConnect} that builds the plugins into its image, one {@code KafkaConnector} per connector file,
 * the webhook {@code Service}). Every difference from the sources is one of the rules below, kept as data here, so a
 * setting changed in {@code config/} or {@code connectors/} reaches both layouts on the next refresh.
 *
 * <p>Test code: nothing at run time uses it. {@link ProductionLayoutTest} compares the committed files with this
 * rendering (and rewrites them with {@value #UPDATE_PROPERTY}=true), like the configuration references.
 */
final class ProductionLayout {

    static final String UPDATE_PROPERTY = "deploy.layout.update";
    static final String REFRESH_COMMAND = "mvn -B -q test -pl local-stack -am -Dtest=ProductionLayoutTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE_PROPERTY + "=true";

    static final String COMPOSE_DIR = "deploy/compose";
    static final String KUBERNETES_DIR = "deploy/kubernetes";

    /** Where each loopback service of the local stack is on the compose network: its service names, same ports. */
    static final Map<Integer, String> COMPOSE_ADDRESSES = Map.of(
            9092,
            "kafka-1:9092,kafka-2:9092,kafka-3:9092",
            LocalStack.REGISTRY_PORT,
            "schema-registry:" + LocalStack.REGISTRY_PORT,
            LocalStack.ELASTICSEARCH_PORT,
            "elasticsearch:" + LocalStack.ELASTICSEARCH_PORT);

    /**
     * The Services the Kubernetes manifests assume in their namespace: the bootstrap Service Strimzi creates for a
     * {@code Kafka} named {@code cxone}, and a registry and an Elasticsearch reachable under these names.
     */
    static final Map<Integer, String> KUBERNETES_ADDRESSES = Map.of(
            9092,
            "cxone-kafka-bootstrap:9092",
            LocalStack.REGISTRY_PORT,
            "schema-registry:" + LocalStack.REGISTRY_PORT,
            LocalStack.ELASTICSEARCH_PORT,
            "elasticsearch:" + LocalStack.ELASTICSEARCH_PORT);

    /** Replication of every topic the layouts create (three brokers; min.insync.replicas 2 on the brokers). */
    static final String REPLICATION_FACTOR = "3";
    /** Connect workers of both layouts (docker-compose.yml's connect-1 and connect-2; the KafkaConnect replicas). */
    static final int CONNECT_WORKERS = 2;

    /**
     * Settings that name the CXone tenant. The shipped connectors name the simulator; the production layouts take the
     * tenant from the worker's environment, through the same env config provider as the client secret.
     */
    static final Map<String, String> TENANT_SETTINGS = Map.of(
            "cxone.base.url",
            "CXONE_BASE_URL",
            "cxone.client.id",
            "CXONE_CLIENT_ID",
            "cxone.access.key.id",
            "CXONE_ACCESS_KEY_ID");

    /** Settings that choose the interface a listener binds: every interface on a container network. */
    static final Set<String> BIND_SETTINGS = Set.of("listeners", "listen.host", "listener.bind.address");

    static final String CONNECT_CLUSTER = "cxone-connect";
    static final String COMPOSE_PLUGIN_PATH = "/opt/cxone/plugins";
    /** Secrets the Kubernetes workers read: variables for ${env:...}, files for ${file:...}. */
    static final String ENV_SECRET = "cxone-connect-env";

    static final String FILE_SECRET = "cxone-connect-files";
    /** Placeholders for where an operator publishes the plugin zips and the built worker image. */
    static final String ARTIFACT_BASE_URL = "https://artifacts.example.com/cxone-kafka-connect/";

    static final String IMAGE_REPOSITORY = "images.example.com/cxone/cxone-connect";

    private static final Pattern LOOPBACK = Pattern.compile("(?:127\\.0\\.0\\.1|localhost)(?::(\\d+))?");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    /** One file of {@code connectors/}: the connector's name, its file name and its settings in file order. */
    record Connector(String file, String name, Map<String, String> config) {
        String connectorClass() {
            return config.get("connector.class");
        }
    }

    /** A Connect plugin module of this project and the connector classes it ships. */
    record Plugin(String module, Set<String> connectorClasses) {
        String name() {
            return "cxone-" + module;
        }
    }

    private final Path root;
    private final Properties versions;

    ProductionLayout(Path root) {
        this.root = root;
        versions = new Properties();
        try (InputStream in = ProductionLayout.class.getResourceAsStream("/cxone-stack.properties")) {
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String version(String key) {
        return versions.getProperty(key);
    }

    /** Every generated file by its path in the checkout. */
    Map<String, String> render() {
        Map<String, String> files = new TreeMap<>();
        files.putAll(renderCompose());
        files.putAll(renderKubernetes());
        return files;
    }

    Map<String, String> renderCompose() {
        Map<String, String> files = new TreeMap<>();
        files.put(
                COMPOSE_DIR + "/connect-distributed.properties",
                renderProperties(
                        "config/connect-distributed.properties",
                        COMPOSE_ADDRESSES,
                        Map.of(),
                        // docker-compose.yml sets it per worker, from the container's host name
                        Set.of("rest.advertised.host.name"),
                        Map.of("plugin.path", COMPOSE_PLUGIN_PATH)));
        Properties bridge = StackConfig.load(root.resolve("config/websocket-bridge.properties"));
        files.put(
                COMPOSE_DIR + "/websocket-bridge.properties",
                renderProperties(
                        "config/websocket-bridge.properties",
                        COMPOSE_ADDRESSES,
                        // behind the load balancer every client has its address: it enforces the per-address limit
                        Map.of("limits.connections.per.address", bridge.getProperty("limits.connections.total")),
                        // the local stack's development token is published with the code: production tokens come
                        // only from the secrets folder, and without them the bridges refuse to start
                        bridge.stringPropertyNames().stream()
                                .filter(k -> k.startsWith("auth.token."))
                                .collect(Collectors.toSet()),
                        Map.of()));
        Set<String> installed = installedConnectorClasses();
        for (Connector connector : connectors()) {
            if (installed.contains(connector.connectorClass())) {
                files.put(
                        COMPOSE_DIR + "/connectors/" + connector.name() + ".json",
                        json(production(connector.config(), COMPOSE_ADDRESSES)));
            }
        }
        return files;
    }

    Map<String, String> renderKubernetes() {
        Map<String, String> files = new TreeMap<>();
        List<String> resources = new ArrayList<>(List.of("kafka-connect.yaml", "webhook.yaml"));
        List<String> leftOut = new ArrayList<>();
        Set<String> installed = installedConnectorClasses();
        List<Connector> connectors = connectors();
        for (Connector connector : connectors) {
            String file = "connectors/" + connector.name() + ".yaml";
            files.put(
                    KUBERNETES_DIR + "/" + file,
                    header("connectors/" + connector.file()) + yaml(kafkaConnector(connector)));
            (installed.contains(connector.connectorClass()) ? resources : leftOut).add(file);
        }
        files.put(
                KUBERNETES_DIR + "/kafka-connect.yaml",
                header("config/connect-distributed.properties and connectors/*.json") + yaml(kafkaConnect(connectors)));
        Connector webhook = connectors.stream()
                .filter(c -> c.config().containsKey("listener.port"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no webhook connector in connectors/"));
        int webhookPort = Integer.parseInt(webhook.config().get("listener.port"));
        files.put(
                KUBERNETES_DIR + "/webhook.yaml",
                header("connectors/" + webhook.file()) + yaml(webhookService(webhookPort)) + "---\n"
                        + yaml(webhookNetworkPolicy(webhookPort)));
        ObjectNode kustomization = JSON.createObjectNode()
                .put("apiVersion", "kustomize.config.k8s.io/v1beta1")
                .put("kind", "Kustomization");
        resources.forEach(kustomization.putArray("resources")::add);
        StringBuilder note = new StringBuilder(header("connectors/*.json"));
        for (String file : leftOut) {
            note.append("# Not listed: ")
                    .append(file)
                    .append(" (its connector class is not in this project's plugins; add its plugin to")
                    .append(" kafka-connect.yaml's build first).\n");
        }
        files.put(KUBERNETES_DIR + "/kustomization.yaml", note + yaml(kustomization));
        return files;
    }

    /** The connector settings for a production layout: the rules of this class applied to each setting. */
    static Map<String, String> production(Map<String, String> config, Map<Integer, String> addresses) {
        Map<String, String> out = new LinkedHashMap<>();
        config.forEach((key, value) -> out.put(key, productionValue(key, value, addresses)));
        // The webhook listens on every worker (tasks share the port with SO_REUSEPORT): the load balancer in front
        // always has a live listener, also while a dead worker's tasks move.
        if (out.containsKey("listener.port")
                && Integer.parseInt(out.getOrDefault("tasks.max", "1")) < CONNECT_WORKERS) {
            out.put("tasks.max", Integer.toString(CONNECT_WORKERS));
        }
        return out;
    }

    static String productionValue(String key, String value, Map<Integer, String> addresses) {
        if (TENANT_SETTINGS.containsKey(key)) {
            return "${env:" + TENANT_SETTINGS.get(key) + "}";
        }
        if (key.endsWith("replication.factor")) {
            return REPLICATION_FACTOR;
        }
        if (BIND_SETTINGS.contains(key)) {
            return LOOPBACK.matcher(value).replaceAll(m -> "0.0.0.0" + (m.group(1) == null ? "" : ":" + m.group(1)));
        }
        Matcher m = LOOPBACK.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String address = m.group(1) == null ? null : addresses.get(Integer.parseInt(m.group(1)));
            if (address == null) {
                throw new IllegalStateException(key + "=" + value + " names " + m.group()
                        + ", which has no production address: add it to ProductionLayout");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(address));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Every file of {@code connectors/}, in file-name order. */
    List<Connector> connectors() {
        List<Connector> connectors = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.resolve("connectors"))) {
            for (Path file :
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode spec = JSON.readTree(file.toFile());
                Map<String, String> config = new LinkedHashMap<>();
                spec.path("config")
                        .fields()
                        .forEachRemaining(
                                e -> config.put(e.getKey(), e.getValue().asText()));
                connectors.add(new Connector(
                        file.getFileName().toString(), spec.path("name").asText(), config));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return connectors;
    }

    /** The plugin modules whose folders {@code ./stack} puts on plugin.path, with their ServiceLoader manifests. */
    List<Plugin> plugins() {
        List<Plugin> plugins = new ArrayList<>();
        for (Path pluginDir : new LocalStack(root, root.resolve(".stack")).pluginPath()) {
            String module = root.relativize(pluginDir).getName(0).toString();
            Set<String> classes = new TreeSet<>();
            for (String type : List.of("source.SourceConnector", "sink.SinkConnector")) {
                Path manifest = root.resolve(module)
                        .resolve("src/main/resources/META-INF/services/org.apache.kafka.connect." + type);
                if (Files.isRegularFile(manifest)) {
                    try {
                        Files.readAllLines(manifest).stream()
                                .map(String::trim)
                                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                                .forEach(classes::add);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            plugins.add(new Plugin(module, classes));
        }
        return plugins;
    }

    Set<String> installedConnectorClasses() {
        Set<String> classes = new TreeSet<>();
        plugins().forEach(p -> classes.addAll(p.connectorClasses()));
        return classes;
    }

    /**
     * A copy of a {@code config/} properties file for a production layout: its own header, then the source's lines
     * after its header comment, each setting through {@link #productionValue}; {@code replaced} settings take the
     * given value, {@code dropped} ones are left out, {@code added} ones are appended.
     */
    String renderProperties(
            String source,
            Map<Integer, String> addresses,
            Map<String, String> replaced,
            Set<String> dropped,
            Map<String, String> added) {
        List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve(source));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder out = new StringBuilder(header(source));
        boolean inHeader = true;
        StringBuilder comments = new StringBuilder(); // the comment lines right above the next setting
        for (String line : lines) {
            String trimmed = line.trim();
            if (inHeader && trimmed.startsWith("#")) {
                continue;
            }
            inHeader = false;
            int eq = line.indexOf('=');
            if (trimmed.startsWith("#")) {
                comments.append(line).append('\n');
                continue;
            }
            if (trimmed.isEmpty() || eq < 0) {
                out.append(comments).append(line).append('\n');
                comments.setLength(0);
                continue;
            }
            if (line.endsWith("\\")) {
                throw new IllegalStateException(source + ": continued lines are not supported: " + line);
            }
            String key = line.substring(0, eq).trim();
            if (!dropped.contains(key)) {
                String value = replaced.containsKey(key)
                        ? replaced.get(key)
                        : productionValue(key, line.substring(eq + 1).trim(), addresses);
                out.append(comments).append(key).append('=').append(value).append('\n');
            }
            comments.setLength(0); // a dropped setting's comment goes with it
        }
        out.append(comments);
        added.forEach((key, value) -> out.append(key).append('=').append(value).append('\n'));
        return out.toString();
    }

    private ObjectNode kafkaConnector(Connector connector) {
        Map<String, String> config = production(connector.config(), KUBERNETES_ADDRESSES);
        ObjectNode resource = resource("kafka.strimzi.io/v1", "KafkaConnector", connector.name());
        ((ObjectNode) resource.get("metadata")).putObject("labels").put("strimzi.io/cluster", CONNECT_CLUSTER);
        ObjectNode spec = resource.putObject("spec");
        // Strimzi sets connector.class and tasks.max from these two fields.
        spec.put("class", config.remove("connector.class"));
        spec.put("tasksMax", Integer.parseInt(config.remove("tasks.max")));
        ObjectNode out = spec.putObject("config");
        config.forEach(out::put);
        return resource;
    }

    private ObjectNode kafkaConnect(List<Connector> connectors) {
        Map<String, String> worker = new LinkedHashMap<>();
        StackConfig.load(root.resolve("config/connect-distributed.properties"))
                .forEach((k, v) -> worker.put((String) k, (String) v));
        ObjectNode resource = resource("kafka.strimzi.io/v1", "KafkaConnect", CONNECT_CLUSTER);
        // Connectors are the KafkaConnector resources beside this file, not REST calls.
        ((ObjectNode) resource.get("metadata"))
                .putObject("annotations")
                .put("strimzi.io/use-connector-resources", "true");
        ObjectNode spec = resource.putObject("spec");
        spec.put("version", version("kafka.version"));
        spec.put("replicas", CONNECT_WORKERS);
        spec.put(
                "bootstrapServers",
                productionValue("bootstrap.servers", worker.get("bootstrap.servers"), KUBERNETES_ADDRESSES));
        spec.put("groupId", worker.get("group.id"));
        spec.put("configStorageTopic", worker.get("config.storage.topic"));
        spec.put("offsetStorageTopic", worker.get("offset.storage.topic"));
        spec.put("statusStorageTopic", worker.get("status.storage.topic"));
        ObjectNode config = spec.putObject("config");
        new TreeMap<>(worker).forEach((key, value) -> {
            if (!strimziOwns(key)) {
                config.put(key, productionValue(key, value, KUBERNETES_ADDRESSES));
            }
        });
        ObjectNode build = spec.putObject("build");
        build.putObject("output")
                .put("type", "docker")
                .put("image", IMAGE_REPOSITORY + ":" + version("project.version"));
        ArrayNode plugins = build.putArray("plugins");
        for (Plugin plugin : plugins()) {
            String zip = plugin.name() + "-" + version("project.version") + ".zip";
            ObjectNode entry = plugins.addObject().put("name", plugin.name());
            entry.putArray("artifacts")
                    .addObject()
                    .put("type", "zip")
                    .put("url", ARTIFACT_BASE_URL + version("project.version") + "/" + zip);
        }
        ObjectNode template = spec.putObject("template");
        template.putObject("pod")
                .putArray("volumes")
                .addObject()
                .put("name", "cxone-secrets")
                .putObject("secret")
                .put("secretName", FILE_SECRET)
                .put("optional", true);
        ObjectNode container = template.putObject("connectContainer");
        ArrayNode env = container.putArray("env");
        for (String variable : envReferences(connectors)) {
            env.addObject()
                    .put("name", variable)
                    .putObject("valueFrom")
                    .putObject("secretKeyRef")
                    .put("name", ENV_SECRET)
                    .put("key", variable);
        }
        container
                .putArray("volumeMounts")
                .addObject()
                .put("name", "cxone-secrets")
                .put("mountPath", worker.get(WorkerSecrets.FILE_ALLOWED_PATHS))
                .put("readOnly", true);
        return resource;
    }

    /** Worker settings Strimzi sets itself (from the spec's own fields or its own listeners and plugin folder). */
    static boolean strimziOwns(String key) {
        return key.equals("bootstrap.servers")
                || key.equals("group.id")
                || key.endsWith(".storage.topic")
                || key.equals("listeners")
                || key.startsWith("rest.")
                || key.equals("plugin.path");
    }

    /** The variables every production connector reads through ${env:...}, sorted. */
    static Set<String> envReferences(List<Connector> connectors) {
        Pattern env = Pattern.compile("\\$\\{env:([^}:]+)}");
        Set<String> names = new TreeSet<>();
        for (Connector connector : connectors) {
            production(connector.config(), KUBERNETES_ADDRESSES).values().forEach(value -> {
                Matcher m = env.matcher(value);
                while (m.find()) {
                    names.add(m.group(1));
                }
            });
        }
        return names;
    }

    private static ObjectNode connectPodSelector() {
        return JSON.createObjectNode()
                .put("strimzi.io/cluster", CONNECT_CLUSTER)
                .put("strimzi.io/kind", "KafkaConnect")
                .put("strimzi.io/name", CONNECT_CLUSTER + "-connect");
    }

    private static ObjectNode webhookService(int port) {
        ObjectNode resource = resource("v1", "Service", "cxone-webhook");
        ObjectNode spec = resource.putObject("spec");
        spec.set("selector", connectPodSelector());
        spec.putArray("ports")
                .addObject()
                .put("name", "webhook")
                .put("protocol", "TCP")
                .put("port", port)
                .put("targetPort", port);
        return resource;
    }

    /** Strimzi's own NetworkPolicy lets only the operator and the workers reach the pods (REST port): open the webhook. */
    private static ObjectNode webhookNetworkPolicy(int port) {
        ObjectNode resource = resource("networking.k8s.io/v1", "NetworkPolicy", "cxone-webhook");
        ObjectNode spec = resource.putObject("spec");
        spec.putObject("podSelector").set("matchLabels", connectPodSelector());
        spec.putArray("policyTypes").add("Ingress");
        spec.putArray("ingress")
                .addObject()
                .putArray("ports")
                .addObject()
                .put("protocol", "TCP")
                .put("port", port);
        return resource;
    }

    private static ObjectNode resource(String apiVersion, String kind, String name) {
        ObjectNode resource =
                JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
        resource.putObject("metadata").put("name", name);
        return resource;
    }

    private static String header(String source) {
        return "# Generated from " + source
                + " by ProductionLayoutTest; do not edit. After changing the source, refresh:\n" + "#   "
                + REFRESH_COMMAND + "\n";
    }

    private static String yaml(JsonNode node) {
        try {
            return YAML.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Map<String, String> config) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(
                        Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        try {
            return JSON.writer(printer).writeValueAsString(config) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
