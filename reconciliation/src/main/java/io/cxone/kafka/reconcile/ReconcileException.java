package io.cxone.kafka.reconcile;

/**
 * The reconciliation could not run to the end: a bad option, a service that does not answer or refuses us, a bound
 * exceeded. The command prints the message and exits 2; a message says what to do about it.
 */
public final class ReconcileException extends RuntimeException {

    public ReconcileException(String message) {
        super(message);
    }

    public ReconcileException(String message, Throwable cause) {
        super(message, cause);
    }
}
