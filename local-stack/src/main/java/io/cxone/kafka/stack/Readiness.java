package io.cxone.kafka.stack;

import java.util.Optional;

/** The one rule for "did this service start": healthy, or failed because it exited or ran out of time. */
public final class Readiness {
    private Readiness() {}

    /** Empty while the service may still come up; a reason once it cannot. */
    static Optional<String> failure(StackService service, ManagedProcess process, double secondsSinceStart) {
        if (!process.isAlive()) {
            return Optional.of("its process exited"
                    + process.exitCode().map(c -> " with code " + c).orElse(""));
        }
        if (secondsSinceStart > service.startTimeout().toSeconds()) {
            return Optional.of(
                    "it did not become healthy within " + service.startTimeout().toSeconds() + " s");
        }
        return Optional.empty();
    }

    static StackException exception(StackService service, ManagedProcess process, String why) {
        return new StackException(service.name() + " failed to start: " + why + ".\nLog: " + process.logFile()
                + "\n---- last lines ----\n" + process.logTail(25) + "\n--------------------");
    }

    /** Starts {@code service} and blocks until it is healthy; stops it and throws when it cannot come up. */
    public static ManagedProcess startAndAwait(StackService service) {
        long t0 = System.nanoTime();
        ManagedProcess process = service.start();
        while (!service.isHealthy()) {
            Optional<String> failure = failure(service, process, (System.nanoTime() - t0) / 1e9);
            if (failure.isPresent()) {
                StackException e = exception(service, process, failure.get());
                process.stop(service.stopGrace());
                throw e;
            }
            ManagedProcess.sleepQuietly(250);
        }
        return process;
    }
}
