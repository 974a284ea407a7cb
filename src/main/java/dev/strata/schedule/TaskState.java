package dev.strata.schedule;

/** The state of a task run in {@code strata.task_runs}. */
public enum TaskState {
    /** Waiting to be claimed (possibly for its upstreams or its previous interval). */
    QUEUED,
    /** Claimed by a worker, which holds a lease on it. */
    RUNNING,
    /** Done; its result is committed. */
    SUCCESS,
    /** Failed and out of attempts; blocks downstream and, with depends_on_past, later intervals. */
    FAILED,
    /** Failed, to be retried after {@code retry_delay}. */
    UP_FOR_RETRY,
    /** Not run on purpose. */
    SKIPPED;

    public String db() {
        return name().toLowerCase();
    }

    public static TaskState of(String db) {
        return valueOf(db.toUpperCase());
    }

    public boolean terminal() {
        return this == SUCCESS || this == FAILED || this == SKIPPED;
    }
}
