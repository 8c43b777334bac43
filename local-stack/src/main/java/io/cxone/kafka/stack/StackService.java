package io.cxone.kafka.stack;

import java.time.Duration;
import java.util.List;

/** One server of the stack: how to start it as a process, and how to tell that it is ready. */
public interface StackService {

    /** Short name used in tables, pid files and log file names. */
    String name();

    /** Where a person or a client reaches it. */
    String url();

    /** Loopback ports it binds; checked free before anything starts. */
    List<Integer> ports();

    /** Names of services that must be healthy before this one starts. */
    default List<String> dependsOn() {
        return List.of();
    }

    /** Spawns the process; returns at once. */
    ManagedProcess start();

    /** One cheap readiness probe; never throws. */
    boolean isHealthy();

    /** How long it may take to become healthy before the start counts as failed. */
    default Duration startTimeout() {
        return Duration.ofSeconds(90);
    }

    /** How long a graceful stop may take before the process is killed. */
    default Duration stopGrace() {
        return Duration.ofSeconds(20);
    }
}
