package io.cxone.kafka.source.export;

/**
 * CXone answered 404 (or 410) for a call naming a job it created earlier: the job expired, or CXone (a restarted
 * simulator) forgot it. The caller starts a new job for the same report or window instead of failing.
 */
public final class UnknownJobException extends CxoneApiException {
    private final String job;

    public UnknownJobException(String job, CxoneApiException cause) {
        super(cause.status(), cause.getMessage(), cause);
        this.job = job;
    }

    /** A failed call naming {@code job}, as an UnknownJobException when its status (404, 410) says CXone does not know the job. */
    static CxoneApiException classify(String job, CxoneApiException e) {
        return e.status() == 404 || e.status() == 410 ? new UnknownJobException(job, e) : e;
    }

    public String job() {
        return job;
    }
}
