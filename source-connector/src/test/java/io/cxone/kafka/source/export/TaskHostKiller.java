package io.cxone.kafka.source.export;

import static org.awaitility.Awaitility.await;

import io.cxone.kafka.stack.ConnectWorkerService;
import io.cxone.kafka.testkit.StackCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Connect group of a {@link StackCluster} as {@link ExportKillRun}'s worker: {@link #kill} SIGKILLs whichever worker
 * runs the export's task; {@link #start} waits until the group has moved the task to a surviving worker and, if asked
 * to, starts the killed worker again (it rejoins the group as a fresh JVM).
 */
public final class TaskHostKiller implements ExportKillRun.Worker {

    private static final String TASK = "task 0";

    private final StackCluster cluster;
    private final String connector;
    private final boolean restartKilled;
    private final List<String> killed = new ArrayList<>();
    private ConnectWorkerService down;

    public TaskHostKiller(StackCluster cluster, String connector, boolean restartKilled) {
        this.cluster = cluster;
        this.connector = connector;
        this.restartKilled = restartKilled;
    }

    /** The workers killed so far, in order (their service names). */
    public List<String> killed() {
        return List.copyOf(killed);
    }

    @Override
    public String restUrl() {
        return cluster.liveWorker().url();
    }

    @Override
    public void kill() {
        down = cluster.workerRunning(connector, TASK)
                .orElseThrow(() -> new IllegalStateException(connector + " has no task 0 to kill the worker of"));
        cluster.kill(down);
        killed.add(down.name());
    }

    @Override
    public void start() {
        ConnectWorkerService gone = down;
        // Stale status names the dead worker until its session expires and the group reassigns the task.
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .alias(connector + " task RUNNING on a worker other than the killed " + gone.name())
                .until(() -> cluster.workers().stream()
                        .filter(w -> w != gone && cluster.isAlive(w))
                        .anyMatch(w -> cluster.runsOn(connector, TASK, w)));
        if (restartKilled) {
            cluster.restart(gone);
        }
    }
}
