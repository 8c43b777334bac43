package io.cxone.kafka.reconcile;

import java.time.Duration;

/** The time the whole run may take ({@code --timeout}): every wait is cut to what is left of it. */
final class Deadline {

    private final long endNanos;
    private final Duration total;

    Deadline(Duration total) {
        this.total = total;
        this.endNanos = System.nanoTime() + total.toNanos();
    }

    /** What is left, at most {@code cap}; throws once nothing is left, saying what was being done. */
    Duration remaining(Duration cap, String doing) {
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            throw new ReconcileException("gave up after --timeout " + total.toSeconds() + " s while " + doing
                    + "; raise --timeout for larger topics or indices");
        }
        return Duration.ofNanos(Math.min(left, cap.toNanos()));
    }
}
