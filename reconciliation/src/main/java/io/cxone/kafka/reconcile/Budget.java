package io.cxone.kafka.reconcile;

/**
 * How many record and document ids the run may hold in memory ({@code --max-records}); about 150 bytes each. A run
 * that would need more stops with a message, rather than running the JVM out of memory half-way.
 */
final class Budget {

    private final long max;
    private long used;

    Budget(long max) {
        this.max = max;
    }

    void take(String what) {
        if (++used > max) {
            throw new ReconcileException("more than " + max + " record and document ids to hold (--max-records) while "
                    + what + "; raise --max-records and the heap (JAVA_OPTS=-Xmx...) together");
        }
    }
}
