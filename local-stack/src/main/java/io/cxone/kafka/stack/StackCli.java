package io.cxone.kafka.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./stack up [--detach] [--workers N] [--brokers M] | status | down | reset | restart|kill|start SERVICE}: the
 * local stack on fixed loopback ports.
 *
 * <p>{@code up} starts every service as a child process (in dependency order, independent ones in
 * parallel), shows what is starting and for how long, deploys {@code connectors/*.json}, prints one
 * table, and then stays in the foreground until Ctrl-C, which stops everything. With {@code --detach}
 * it returns after the table and {@code ./stack down} stops the services later. {@code --brokers} and {@code
 * --workers} make a Kafka cluster and a Connect group of that size ({@link Topology}); later commands use the
 * topology of the last {@code up}.
 */
public final class StackCli {

    private static final PrintStream OUT = System.out;
    static final String USAGE =
            "usage: ./stack up [--detach] [--workers N] [--brokers M] | status | down | reset | restart|kill|start SERVICE"
                    + " | reconcile [OPTIONS]";

    /** One command line, checked before anything runs. */
    record Invocation(String command, boolean detach, Topology topology, String service) {}

    private final LocalStack stack;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private StackCli(LocalStack stack) {
        this.stack = stack;
    }

    public static void main(String[] args) {
        // The launcher's own Kafka admin client would log every probe; the services log to .stack/logs.
        org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.ERROR);
        org.apache.logging.log4j.core.config.Configurator.setLevel(
                "org.apache.kafka", org.apache.logging.log4j.Level.OFF);
        Invocation inv;
        try {
            inv = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("stack: " + e.getMessage());
            System.exit(usage());
            return;
        }
        try {
            StackCli cli = new StackCli(LocalStack.fromEnvironment());
            int code =
                    switch (inv.command()) {
                        case "up" -> cli.up(inv.detach(), inv.topology());
                        case "status" -> cli.status();
                        case "down" -> cli.down();
                        case "reset" -> cli.reset();
                        case "restart" -> cli.restart(inv.service());
                        case "kill" -> cli.kill(inv.service());
                        case "start" -> cli.start(inv.service());
                        default -> usage();
                    };
            System.exit(code);
        } catch (StackException e) {
            System.err.println();
            System.err.println("stack: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Reads the command line; an IllegalArgumentException says what is wrong with it. */
    static Invocation parse(String[] args) {
        if (args.length == 0) {
            return new Invocation("help", false, Topology.SINGLE, null);
        }
        String command = args[0];
        List<String> rest = List.of(args).subList(1, args.length);
        switch (command) {
            case "up" -> {
                return parseUp(rest);
            }
            case "status", "down", "reset" -> {
                if (!rest.isEmpty()) {
                    throw new IllegalArgumentException(command + " takes no arguments: " + String.join(" ", rest));
                }
                return new Invocation(command, false, Topology.SINGLE, null);
            }
            case "restart", "kill", "start" -> {
                if (rest.size() != 1 || rest.get(0).startsWith("-")) {
                    throw new IllegalArgumentException(command
                            + " takes one service name (see ./stack status), e.g. ./stack " + command + " connect-2");
                }
                return new Invocation(command, false, Topology.SINGLE, rest.get(0));
            }
            default -> {
                return new Invocation("help", false, Topology.SINGLE, null);
            }
        }
    }

    private static Invocation parseUp(List<String> options) {
        boolean detach = false;
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (option.equals("--detach") || option.equals("-d")) {
                detach = true;
                continue;
            }
            String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            if (!name.equals("--workers") && !name.equals("--brokers")) {
                throw new IllegalArgumentException("up: unknown option " + option);
            }
            String value;
            if (option.contains("=")) {
                value = option.substring(option.indexOf('=') + 1);
            } else if (i + 1 < options.size()) {
                value = options.get(++i);
            } else {
                throw new IllegalArgumentException("up: " + name + " needs a number");
            }
            if (counts.containsKey(name)) {
                throw new IllegalArgumentException("up: " + name + " given twice");
            }
            try {
                counts.put(name, Integer.parseInt(value));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("up: " + name + " needs a number, not '" + value + "'", e);
            }
        }
        try {
            return new Invocation(
                    "up",
                    detach,
                    new Topology(counts.getOrDefault("--brokers", 1), counts.getOrDefault("--workers", 1)),
                    null);
        } catch (StackException e) {
            throw new IllegalArgumentException("up: " + e.getMessage(), e);
        }
    }

    private static int usage() {
        OUT.println(USAGE);
        OUT.println(
                "  up      start Kafka, Connect, schema registry, Elasticsearch, simulator and bridge; deploy connectors/*.json");
        OUT.println("          --brokers M  a Kafka cluster of M nodes (1-" + Topology.MAX
                + ", default 1): replication factor min(3, M), min.insync.replicas 2 from 3 on");
        OUT.println("          --workers N  N Connect workers in one group (1-" + Topology.MAX
                + ", default 1), REST ports 8083, 8084, ...");
        OUT.println("  status  health of every service, and of every connector and task with the worker running it");
        OUT.println("  down    stop everything (the registry's schemas are saved and restored on the next up)");
        OUT.println("  reset   down, then delete all state and logs (unpacked distributions are kept)");
        OUT.println(
                "  restart SERVICE  stop one service of the running stack if it runs (e.g. connect), then start it again");
        OUT.println(
                "  kill SERVICE     SIGKILL one service and its child processes, as a crash would (e.g. connect-1)");
        OUT.println("  start SERVICE    start one stopped service and wait until it is healthy (e.g. kafka-3)");
        OUT.println(
                "  reconcile [OPTIONS]  check every completed export window against Kafka and Elasticsearch (docs/reconciliation.md)");
        return 2;
    }

    // ---------------------------------------------------------------- up

    private int up(boolean detach, Topology topology) {
        List<String> running = runningServices();
        if (!running.isEmpty()) {
            throw new StackException("the stack is already running (" + String.join(", ", running)
                    + "). See ./stack status, or stop it with ./stack down.");
        }
        stack.checkKafkaData(topology);
        long t0 = System.nanoTime();
        OUT.println("Preparing distributions (unpacked once into " + stack.distDir() + ") ...");
        List<StackService> services = stack.services(new Distributions(stack.distDir()), topology);
        checkPortsFree(services);
        topology.write(stack.topologyFile());
        OUT.println(describe(topology));

        Map<String, ManagedProcess> started = new LinkedHashMap<>();
        // Ctrl-C (or any exit of this JVM while in the foreground) stops everything it started.
        Thread stopOnExit = new Thread(() -> stopAll(services), "stack-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            startAll(services, started, t0);
            OUT.println("Deploying connectors from " + stack.connectorsDir() + " ...");
            List<ConnectorDeployer.Result> connectors = new ConnectorDeployer(connectUrl(services), topology.workers())
                    .deployAll(stack.connectorsDir(), Duration.ofSeconds(90));
            OUT.println();
            printTable(services, connectors);
            OUT.printf(Locale.ROOT, "%nAll services healthy in %.1f s. Logs: %s%n", seconds(t0), stack.logsDir());
            List<String> failed = connectors.stream()
                    .filter(r -> !List.of("RUNNING", "SKIPPED").contains(r.state()))
                    .map(ConnectorDeployer.Result::name)
                    .toList();
            if (!failed.isEmpty()) {
                throw new StackException("connectors not RUNNING: " + String.join(", ", failed) + ". See "
                        + stack.logsDir().resolve("connect*.log") + " and the status table above.");
            }
        } catch (StackException e) {
            System.err.println();
            System.err.println("stack: " + e.getMessage());
            System.err.println("stack: stopping what was started ...");
            stopAll(services);
            return 1;
        }
        if (detach) {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
            OUT.println("Running in the background. ./stack status shows health; ./stack down stops it.");
            return 0;
        }
        OUT.println("Press Ctrl-C to stop the stack (or run ./stack down elsewhere).");
        while (started.values().stream().anyMatch(ManagedProcess::isAlive)) {
            for (ManagedProcess p : started.values()) {
                if (!p.isAlive() && !stopped.get()) {
                    OUT.println("stack: " + p.name() + " is no longer running; last log lines (" + p.logFile() + "):");
                    OUT.println(p.logTail(10));
                }
            }
            started.values().removeIf(p -> !p.isAlive());
            ManagedProcess.sleepQuietly(1000);
        }
        return 0;
    }

    private void checkPortsFree(List<StackService> services) {
        List<String> busy = new ArrayList<>();
        for (StackService s : services) {
            for (int port : s.ports()) {
                if (!Ports.isFree(port)) {
                    busy.add(port + " (" + s.name() + ")");
                }
            }
        }
        if (!Ports.isFree(LocalStack.WEBHOOK_PORT)) {
            busy.add(LocalStack.WEBHOOK_PORT + " (webhook listener of the cxone-webhook-source connector)");
        }
        if (!busy.isEmpty()) {
            throw new StackException(
                    "ports already in use on 127.0.0.1: " + String.join(", ", busy)
                            + ". Nothing was started. Find the owner with `ss -ltnp` and stop it (or ./stack down if it is an earlier stack).");
        }
    }

    /** Starts each service once its dependencies are healthy; fails fast when one dies or times out. */
    private void startAll(List<StackService> services, Map<String, ManagedProcess> started, long t0) {
        Map<String, Long> startedAt = new LinkedHashMap<>();
        Map<String, Double> readyAfter = new LinkedHashMap<>();
        Progress progress = new Progress();
        while (readyAfter.size() < services.size()) {
            for (StackService s : services) {
                if (!started.containsKey(s.name()) && readyAfter.keySet().containsAll(s.dependsOn())) {
                    ManagedProcess p = s.start();
                    PidFile.write(stack.runDir(), p);
                    started.put(s.name(), p);
                    startedAt.put(s.name(), System.nanoTime());
                }
            }
            for (StackService s : services) {
                ManagedProcess p = started.get(s.name());
                if (p == null || readyAfter.containsKey(s.name())) {
                    continue;
                }
                if (s.isHealthy()) {
                    readyAfter.put(s.name(), seconds(startedAt.get(s.name())));
                    progress.line(String.format(
                            Locale.ROOT,
                            "  ✓ %-16s ready after %5.1f s  %s",
                            s.name(),
                            readyAfter.get(s.name()),
                            s.url()));
                } else {
                    Optional<String> failure = Readiness.failure(s, p, seconds(startedAt.get(s.name())));
                    if (failure.isPresent()) {
                        throw Readiness.exception(s, p, failure.get());
                    }
                }
            }
            List<String> waiting = new ArrayList<>();
            for (StackService s : services) {
                if (!readyAfter.containsKey(s.name())) {
                    waiting.add(
                            started.containsKey(s.name())
                                    ? String.format(Locale.ROOT, "%s %.0fs", s.name(), seconds(startedAt.get(s.name())))
                                    : s.name() + " (waits for " + String.join(", ", s.dependsOn()) + ")");
                }
            }
            if (!waiting.isEmpty()) {
                progress.status(
                        String.format(Locale.ROOT, "  [%3.0fs] starting: %s", seconds(t0), String.join(", ", waiting)));
                ManagedProcess.sleepQuietly(500);
            }
        }
        progress.done();
    }

    // ---------------------------------------------------------------- status / down / reset / one service

    private int status() {
        List<StackService> services = stack.services(new Distributions(stack.distDir()));
        List<ConnectorDeployer.Result> connectors = new ArrayList<>();
        // any worker answers for the whole group
        Optional<ConnectWorkerService> worker = workers(services).stream()
                .filter(ConnectWorkerService::isHealthy)
                .findFirst();
        if (worker.isPresent()) {
            ConnectorDeployer deployer = new ConnectorDeployer(worker.get().url());
            for (String name : deployer.deployedNames()) {
                ConnectorDeployer.Status st = deployer.status(name);
                connectors.add(new ConnectorDeployer.Result(name, "", st.state(), st.detail(), st.units()));
            }
        }
        OUT.println(describe(stack.topology()));
        boolean healthy = printTable(services, connectors);
        return healthy ? 0 : 1;
    }

    private static String describe(Topology t) {
        return String.format(
                Locale.ROOT,
                "Kafka: %d %s (replication factor %d, min.insync.replicas %d); Connect: %d %s in one group",
                t.brokers(),
                t.brokers() == 1 ? "broker" : "brokers",
                t.replicationFactor(),
                t.minInsyncReplicas(),
                t.workers(),
                t.workers() == 1 ? "worker" : "workers");
    }

    private int down() {
        List<StackService> services = stack.services(new Distributions(stack.distDir()));
        if (runningServices().isEmpty()) {
            OUT.println("The stack is not running.");
            return 0;
        }
        stopAll(services);
        return 0;
    }

    private StackService service(List<StackService> services, String name) {
        return services.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new StackException("no service " + name + "; services: "
                        + services.stream().map(StackService::name).toList()));
    }

    /** One service of a running stack, e.g. a Connect worker that was killed: stopped if it still runs, then started. */
    private int restart(String name) {
        StackService service = service(stack.services(new Distributions(stack.distDir())), name);
        long t = System.nanoTime();
        PidFile.read(stack.runDir(), name).ifPresent(p -> p.stop(service.stopGrace()));
        PidFile.delete(stack.runDir(), name);
        ManagedProcess process = Readiness.startAndAwait(service);
        PidFile.write(stack.runDir(), process);
        OUT.printf(Locale.ROOT, "  restarted %-16s (pid %d, %.1f s)%n", name, process.pid(), seconds(t));
        return 0;
    }

    /** SIGKILL, no graceful stop: what a crash does to the service (e.g. a worker's tasks are not stopped). */
    private int kill(String name) {
        service(stack.services(new Distributions(stack.distDir())), name);
        Optional<ManagedProcess> process = PidFile.read(stack.runDir(), name);
        PidFile.delete(stack.runDir(), name);
        if (process.isEmpty()) {
            OUT.println(name + " is not running.");
            return 1;
        }
        process.get().kill();
        OUT.printf(
                Locale.ROOT,
                "  killed %-16s (pid %d, SIGKILL) at %s%n",
                name,
                process.get().pid(),
                Instant.now());
        return 0;
    }

    /** Starts one stopped service of the stack and waits until it is healthy. */
    private int start(String name) {
        StackService service = service(stack.services(new Distributions(stack.distDir())), name);
        Optional<ManagedProcess> running = PidFile.read(stack.runDir(), name);
        if (running.isPresent()) {
            throw new StackException(name + " is already running (pid "
                    + running.get().pid() + "); ./stack restart " + name + " stops and starts it");
        }
        long t = System.nanoTime();
        ManagedProcess process = Readiness.startAndAwait(service);
        PidFile.write(stack.runDir(), process);
        OUT.printf(Locale.ROOT, "  started %-16s (pid %d, %.1f s)%n", name, process.pid(), seconds(t));
        return 0;
    }

    private int reset() {
        down();
        try {
            if (Files.isDirectory(stack.stateDir())) {
                try (var children = Files.list(stack.stateDir())) {
                    for (var child : children.toList()) {
                        if (!child.equals(stack.distDir())) {
                            Distributions.deleteTree(child);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StackException("could not delete " + stack.stateDir() + ": " + e.getMessage(), e);
        }
        OUT.println("State and logs deleted: " + stack.stateDir() + " (kept the unpacked distributions in "
                + stack.distDir() + ")");
        return 0;
    }

    /**
     * Stops in reverse start order, each service saving what it must first; then anything else with a pid file (a
     * service of an earlier topology). Safe to call twice.
     */
    private void stopAll(List<StackService> services) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        List<StackService> reversed = new ArrayList<>(services);
        java.util.Collections.reverse(reversed);
        for (StackService s : reversed) {
            if (!(s instanceof KafkaBrokerService)) {
                stop(s.name(), s.stopGrace());
            }
        }
        // All Kafka nodes at once: one by one, the last ones would wait out their grace for a controller quorum
        // that the first ones took away.
        reversed.stream()
                .filter(KafkaBrokerService.class::isInstance)
                .map(s -> CompletableFuture.runAsync(() -> stop(s.name(), s.stopGrace())))
                .toList()
                .forEach(CompletableFuture::join);
        for (String name : PidFile.names(stack.runDir())) {
            stop(name, Duration.ofSeconds(20));
        }
    }

    private void stop(String name, Duration grace) {
        Optional<ManagedProcess> p = PidFile.read(stack.runDir(), name);
        if (p.isPresent()) {
            long t = System.nanoTime();
            p.get().stop(grace);
            OUT.printf(
                    Locale.ROOT,
                    "  stopped %-16s (pid %d, %.1f s)%n",
                    name,
                    p.get().pid(),
                    seconds(t));
        }
        PidFile.delete(stack.runDir(), name);
    }

    private List<String> runningServices() {
        List<String> names = new ArrayList<>();
        for (String name : PidFile.names(stack.runDir())) {
            PidFile.read(stack.runDir(), name).ifPresent(p -> names.add(name + " pid " + p.pid()));
        }
        return names;
    }

    private static List<ConnectWorkerService> workers(List<StackService> services) {
        return services.stream()
                .filter(ConnectWorkerService.class::isInstance)
                .map(ConnectWorkerService.class::cast)
                .toList();
    }

    private static String connectUrl(List<StackService> services) {
        return workers(services).get(0).url();
    }

    /** One table of services and connectors; true when everything is healthy / running. */
    private boolean printTable(List<StackService> services, List<ConnectorDeployer.Result> connectors) {
        boolean allHealthy = true;
        Map<String, String> workerNames = new LinkedHashMap<>();
        List<String> workersUp = new ArrayList<>();
        OUT.printf("%-18s %-28s %-9s %s%n", "SERVICE", "URL", "PID", "STATE");
        for (StackService s : services) {
            Optional<ManagedProcess> p = PidFile.read(stack.runDir(), s.name());
            boolean healthy = p.isPresent() && s.isHealthy();
            String state = p.isEmpty() ? "stopped" : healthy ? "healthy" : "unhealthy";
            allHealthy &= healthy;
            if (s instanceof ConnectWorkerService w) {
                workerNames.put(w.workerId(), w.name());
                if (healthy) {
                    workersUp.add(w.workerId());
                }
            }
            OUT.printf(
                    "%-18s %-28s %-9s %s%n",
                    s.name(), s.url(), p.map(x -> Long.toString(x.pid())).orElse("-"), state);
        }
        if (!connectors.isEmpty()) {
            OUT.println();
            OUT.printf("%-32s %-12s %s%n", "CONNECTOR", "STATE", "DETAIL / WORKER");
            for (ConnectorDeployer.Result r : connectors) {
                List<String> lines = new ArrayList<>();
                List<String> stale = new ArrayList<>();
                for (ConnectorDeployer.Unit u : r.units()) {
                    Placement placement = Placement.of(u, workerNames, workersUp);
                    if (placement.stale()) {
                        stale.add(u.id());
                    }
                    lines.add(String.format("  %-30s %-12s %s", u.id(), u.state(), placement.where()));
                }
                allHealthy &= List.of("RUNNING", "SKIPPED").contains(r.state()) && stale.isEmpty();
                String detail = stale.isEmpty()
                        ? r.detail()
                        : r.detail() + "; on a stopped worker: " + String.join(", ", stale);
                OUT.printf("%-32s %-12s %s%n", r.name(), r.state(), detail);
                lines.forEach(OUT::println);
            }
        }
        return allHealthy;
    }

    /** Where a connector or task runs, as status shows it; stale while Connect still places it on a stopped worker. */
    record Placement(String where, boolean stale) {
        static Placement of(
                ConnectorDeployer.Unit unit, Map<String, String> workerNames, Collection<String> workersUp) {
            String worker = workerNames.getOrDefault(unit.workerId(), unit.workerId());
            if (unit.state().equals("UNASSIGNED")) {
                return new Placement("none (last on " + worker + ")", false);
            }
            if (workerNames.containsKey(unit.workerId()) && !workersUp.contains(unit.workerId())) {
                // a killed worker never reports its tasks stopped: Connect shows them as it last knew them
                return new Placement(worker + " (stopped; Connect has not reassigned it yet)", true);
            }
            return new Placement(worker, false);
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    /** A status line rewritten in place on a terminal; on a pipe (CI) one line every five seconds. */
    private static final class Progress {
        private final boolean tty = System.console() != null;
        private long lastPrinted;
        private int width;

        void status(String text) {
            if (tty) {
                OUT.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
                width = text.length();
                OUT.flush();
            } else if (System.nanoTime() - lastPrinted > 5_000_000_000L) {
                OUT.println(text);
                lastPrinted = System.nanoTime();
            }
        }

        void line(String text) {
            if (tty) {
                OUT.print("\r" + " ".repeat(width) + "\r");
                width = 0;
            }
            OUT.println(text);
        }

        void done() {
            if (tty && width > 0) {
                OUT.print("\r" + " ".repeat(width) + "\r");
            }
        }
    }
}
