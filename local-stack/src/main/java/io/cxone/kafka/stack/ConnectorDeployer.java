package io.cxone.kafka.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Deploys {@code connectors/*.json} ({@code {"name": ..., "config": {...}}}) through the Connect REST API
 * with {@code PUT /connectors/{name}/config} (create or update), then waits until each connector and all
 * its tasks are RUNNING. A file whose connector class the worker does not have is skipped and reported
 * (e.g. the Confluent Elasticsearch variant, meant for clusters that have that plugin).
 */
public final class ConnectorDeployer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A deployed connector's state, with where its connector and each task run ({@code units}). */
    public record Result(String name, String file, String state, String detail, List<Unit> units) {}

    /** The connector itself ({@code "connector"}) or one task ({@code "task 0"}), its state and its worker's id. */
    public record Unit(String id, String state, String workerId) {}

    private final String connectUrl;

    private static final String WEBHOOK_PORT = "listener.port";
    private static final String TASKS_MAX = "tasks.max";
    private final int workers;

    public ConnectorDeployer(String connectUrl) {
        this(connectUrl, 1);
    }

    /**
     * @param workers the Connect workers of the stack: a webhook connector (one with {@code listener.port}) gets at
     *                least as many tasks, so that every worker usually runs a listener on the shared port
     *                (SO_REUSEPORT) and the webhook goes on answering at its address when one worker dies
     */
    public ConnectorDeployer(String connectUrl, int workers) {
        this.connectUrl = connectUrl;
        this.workers = workers;
    }

    public List<Result> deployAll(Path dir, Duration timeout) {
        List<Result> results = new ArrayList<>();
        Set<String> installed = installedPluginClasses();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new StackException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        for (Path file : files) {
            JsonNode spec = readSpec(file);
            String name = spec.get("name").asText();
            String connectorClass = spec.path("config").path("connector.class").asText();
            if (!installed.contains(connectorClass)) {
                results.add(new Result(
                        name,
                        file.getFileName().toString(),
                        "SKIPPED",
                        connectorClass + " is not installed on this worker",
                        List.of()));
                continue;
            }
            put(name, (ObjectNode) spec.get("config"), file);
        }
        for (Path file : files) {
            JsonNode spec = readSpec(file);
            String name = spec.get("name").asText();
            if (results.stream().anyMatch(r -> r.name().equals(name))) {
                continue;
            }
            results.add(awaitRunning(name, file.getFileName().toString(), timeout));
        }
        return results;
    }

    private static JsonNode readSpec(Path file) {
        try {
            JsonNode spec = JSON.readTree(file.toFile());
            if (!spec.hasNonNull("name")
                    || !spec.path("config").isObject()
                    || !spec.path("config").hasNonNull("connector.class")) {
                throw new StackException(
                        file + ": expected {\"name\": ..., \"config\": {\"connector.class\": ..., ...}}");
            }
            return spec;
        } catch (IOException e) {
            throw new StackException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private Set<String> installedPluginClasses() {
        try {
            var response = HttpProbe.get(connectUrl + "/connector-plugins");
            Set<String> classes = new HashSet<>();
            for (JsonNode plugin : JSON.readTree(response.body())) {
                classes.add(plugin.path("class").asText());
            }
            return classes;
        } catch (IOException e) {
            throw new StackException(
                    "connect: cannot list installed plugins at " + connectUrl + ": " + e.getMessage(), e);
        }
    }

    private void put(String name, ObjectNode config, Path file) {
        if (config.has(WEBHOOK_PORT) && config.path(TASKS_MAX).asInt(1) < workers) {
            config = config.deepCopy().put(TASKS_MAX, Integer.toString(workers));
        }
        try {
            var response = HttpProbe.put(
                    connectUrl + "/connectors/" + encode(name) + "/config", JSON.writeValueAsString(config));
            if (response.statusCode() / 100 != 2) {
                throw new StackException("connector " + name + " (" + file + ") was refused by Connect: HTTP "
                        + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new StackException("connector " + name + ": PUT to " + connectUrl + " failed: " + e.getMessage(), e);
        }
    }

    private Result awaitRunning(String name, String file, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Status status = new Status("UNKNOWN", "", List.of());
        while (System.nanoTime() < deadline) {
            status = status(name);
            if ("RUNNING".equals(status.state()) || "FAILED".equals(status.state())) {
                break;
            }
            ManagedProcess.sleepQuietly(500);
        }
        return new Result(name, file, status.state(), status.detail(), status.units());
    }

    public record Status(String state, String detail, List<Unit> units) {}

    /** Connector state, RUNNING only when the connector and every task run; FAILED carries the first trace line. */
    public Status status(String name) {
        try {
            var response = HttpProbe.get(connectUrl + "/connectors/" + encode(name) + "/status");
            if (response.statusCode() != 200) {
                return new Status("UNKNOWN", "HTTP " + response.statusCode(), List.of());
            }
            JsonNode status = JSON.readTree(response.body());
            List<JsonNode> units = new ArrayList<>();
            units.add(status.path("connector"));
            status.path("tasks").forEach(units::add);
            List<Unit> placed = new ArrayList<>();
            placed.add(unit("connector", status.path("connector")));
            status.path("tasks")
                    .forEach(t -> placed.add(unit("task " + t.path("id").asInt(), t)));
            for (JsonNode unit : units) {
                if ("FAILED".equals(unit.path("state").asText())) {
                    return new Status(
                            "FAILED",
                            unit.path("trace").asText("").lines().findFirst().orElse(""),
                            placed);
                }
            }
            boolean allRunning = units.stream()
                    .allMatch(u -> "RUNNING".equals(u.path("state").asText()));
            int tasks = status.path("tasks").size();
            int configured = configuredTasks(name);
            String detail = (tasks < configured ? tasks + " of " + configured : Integer.toString(tasks))
                    + (Math.max(tasks, configured) == 1 ? " task" : " tasks");
            if (allRunning && (tasks == 0 || tasks < configured)) {
                // The connector runs but has not created (or started) all its tasks yet: not ready.
                return new Status("STARTING", detail, placed);
            }
            return new Status(
                    allRunning
                            ? "RUNNING"
                            : status.path("connector").path("state").asText("UNKNOWN"),
                    detail,
                    placed);
        } catch (IOException e) {
            return new Status("UNREACHABLE", e.getMessage(), List.of());
        }
    }

    /** How many tasks the connector's configuration has; a task reports its status only once it started. */
    private int configuredTasks(String name) throws IOException {
        var response = HttpProbe.get(connectUrl + "/connectors/" + encode(name));
        return response.statusCode() == 200
                ? JSON.readTree(response.body()).path("tasks").size()
                : 0;
    }

    private static Unit unit(String id, JsonNode node) {
        return new Unit(
                id, node.path("state").asText("UNKNOWN"), node.path("worker_id").asText(""));
    }

    public List<String> deployedNames() {
        try {
            List<String> names = new ArrayList<>();
            JSON.readTree(HttpProbe.get(connectUrl + "/connectors").body()).forEach(n -> names.add(n.asText()));
            return names;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
