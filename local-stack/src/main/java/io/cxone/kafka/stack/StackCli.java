package io.cxone.kafka.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./stack up [--detach] | status | down | reset}: the local stack on fixed loopback ports.
 *
 * <p>{@code up} starts every service as a child process (in dependency order, independent ones in
 * parallel), shows what is starting and for how long, deploys {@code connectors/*.json}, prints one
 * table, and then stays in the foreground until Ctrl-C, which stops everything. With {@code --detach}
 * it returns after the table and {@code ./stack down} stops the services later.
 */
public final class StackCli {

    private static final PrintStream OUT = System.out;

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
        String command = args.length == 0 ? "help" : args[0];
        boolean detach = List.of(args).contains("--detach") || List.of(args).contains("-d");
        try {
            StackCli cli = new StackCli(LocalStack.fromEnvironment());
            int code =
                    switch (command) {
                        case "up" -> cli.up(detach);
                        case "status" -> cli.status();
                        case "down" -> cli.down();
                        case "reset" -> cli.reset();
                        case "restart" -> args.length == 2 ? cli.restart(args[1]) : usage();
                        default -> usage();
                    };
            System.exit(code);
        } catch (StackException e) {
            System.err.println();
            System.err.println("stack: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int usage() {
        OUT.println("usage: ./stack up [--detach] | status | down | reset | restart SERVICE | reconcile [OPTIONS]");
        OUT.println(
                "  up      start Kafka, Connect, schema registry, Elasticsearch, simulator and bridge; deploy connectors/*.json");
        OUT.println("  status  health of every service and connector");
        OUT.println("  down    stop everything (the registry's schemas are saved and restored on the next up)");
        OUT.println("  reset   down, then delete all state and logs (unpacked distributions are kept)");
        OUT.println(
                "  restart SERVICE  stop one service of the running stack if it runs (e.g. connect), then start it again");
        OUT.println(
                "  reconcile [OPTIONS]  check every completed export window against Kafka and Elasticsearch (docs/reconciliation.md)");
        return 2;
    }

    // ---------------------------------------------------------------- up

    private int up(boolean detach) {
        List<String> running = runningServices();
        if (!running.isEmpty()) {
            throw new StackException("the stack is already running (" + String.join(", ", running)
                    + "). See ./stack status, or stop it with ./stack down.");
        }
        long t0 = System.nanoTime();
        OUT.println("Preparing distributions (unpacked once into " + stack.distDir() + ") ...");
        List<StackService> services = stack.services(new Distributions(stack.distDir()));
        checkPortsFree(services);

        Map<String, ManagedProcess> started = new LinkedHashMap<>();
        // Ctrl-C (or any exit of this JVM while in the foreground) stops everything it started.
        Thread stopOnExit = new Thread(() -> stopAll(services), "stack-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            startAll(services, started, t0);
            OUT.println("Deploying connectors from " + stack.connectorsDir() + " ...");
            List<ConnectorDeployer.Result> connectors = new ConnectorDeployer(connectUrl(services))
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
                        + stack.logFile("connect") + " and the status table above.");
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

    // ---------------------------------------------------------------- status / down / reset

    private int status() {
        List<StackService> services = stack.services(new Distributions(stack.distDir()));
        List<ConnectorDeployer.Result> connectors = new ArrayList<>();
        boolean connectUp = services.stream().anyMatch(s -> s.name().equals("connect") && s.isHealthy());
        if (connectUp) {
            ConnectorDeployer deployer = new ConnectorDeployer(connectUrl(services));
            for (String name : deployer.deployedNames()) {
                ConnectorDeployer.Status st = deployer.status(name);
                connectors.add(new ConnectorDeployer.Result(name, "", st.state(), st.detail()));
            }
        }
        boolean healthy = printTable(services, connectors);
        return healthy ? 0 : 1;
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

    /** One service of a running stack, e.g. a Connect worker that was killed: stopped if it still runs, then started. */
    private int restart(String name) {
        List<StackService> services = stack.services(new Distributions(stack.distDir()));
        StackService service = services.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new StackException("no service " + name + "; services: "
                        + services.stream().map(StackService::name).toList()));
        long t = System.nanoTime();
        PidFile.read(stack.runDir(), name).ifPresent(p -> p.stop(service.stopGrace()));
        PidFile.delete(stack.runDir(), name);
        ManagedProcess process = Readiness.startAndAwait(service);
        PidFile.write(stack.runDir(), process);
        OUT.printf(Locale.ROOT, "  restarted %-16s (pid %d, %.1f s)%n", name, process.pid(), seconds(t));
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

    /** Stops in reverse start order; each service saves what it must first. Safe to call twice. */
    private void stopAll(List<StackService> services) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        List<StackService> reversed = new ArrayList<>(services);
        java.util.Collections.reverse(reversed);
        for (StackService s : reversed) {
            Optional<ManagedProcess> p = PidFile.read(stack.runDir(), s.name());
            if (p.isPresent()) {
                long t = System.nanoTime();
                p.get().stop(s.stopGrace());
                OUT.printf(
                        Locale.ROOT,
                        "  stopped %-16s (pid %d, %.1f s)%n",
                        s.name(),
                        p.get().pid(),
                        seconds(t));
            }
            PidFile.delete(stack.runDir(), s.name());
        }
    }

    private List<String> runningServices() {
        List<String> names = new ArrayList<>();
        for (String name : List.of(
                "kafka", "schema-registry", "elasticsearch", "connect", "cxone-simulator", "websocket-bridge")) {
            PidFile.read(stack.runDir(), name).ifPresent(p -> names.add(name + " pid " + p.pid()));
        }
        return names;
    }

    private static String connectUrl(List<StackService> services) {
        return services.stream()
                .filter(s -> s.name().equals("connect"))
                .findFirst()
                .orElseThrow()
                .url();
    }

    /** One table of services and connectors; true when everything is healthy / running. */
    private boolean printTable(List<StackService> services, List<ConnectorDeployer.Result> connectors) {
        boolean allHealthy = true;
        OUT.printf("%-18s %-28s %-9s %s%n", "SERVICE", "URL", "PID", "STATE");
        for (StackService s : services) {
            Optional<ManagedProcess> p = PidFile.read(stack.runDir(), s.name());
            String state = p.isEmpty() ? "stopped" : s.isHealthy() ? "healthy" : "unhealthy";
            allHealthy &= state.equals("healthy");
            OUT.printf(
                    "%-18s %-28s %-9s %s%n",
                    s.name(), s.url(), p.map(x -> Long.toString(x.pid())).orElse("-"), state);
        }
        if (!connectors.isEmpty()) {
            OUT.println();
            OUT.printf("%-32s %-12s %s%n", "CONNECTOR", "STATE", "DETAIL");
            for (ConnectorDeployer.Result r : connectors) {
                allHealthy &= List.of("RUNNING", "SKIPPED").contains(r.state());
                OUT.printf("%-32s %-12s %s%n", r.name(), r.state(), r.detail());
            }
        }
        return allHealthy;
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
