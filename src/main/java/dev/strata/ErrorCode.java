package dev.strata;

/** Stable error categories: each maps to an exit code and says whether retrying can help. */
public enum ErrorCode {
    /** The project's configuration is invalid; nothing was started. */
    CONFIG(2, false),
    /** The command line is wrong. */
    USAGE(2, false),
    /** The warehouse could not be reached or refused a statement that may succeed later. */
    WAREHOUSE_UNAVAILABLE(1, true),
    /** The warehouse rejected Strata's SQL or data in a way a retry does not fix. */
    WAREHOUSE(1, false),
    /** A source (broker, database, Redis) could not be reached. */
    SOURCE_UNAVAILABLE(1, true),
    /** An embedded component (PostgreSQL, Kafka, Redis) failed to start or stop. */
    EMBEDDED(1, false),
    /** A task's SQL or data check failed. */
    TASK_FAILED(1, false),
    /** Ground truth and a mart disagree. */
    VERIFICATION_FAILED(1, false),
    /** Anything else: a bug in Strata. */
    INTERNAL(1, false);

    private final int exitCode;
    private final boolean retriable;

    ErrorCode(int exitCode, boolean retriable) {
        this.exitCode = exitCode;
        this.retriable = retriable;
    }

    public int exitCode() {
        return exitCode;
    }

    public boolean retriable() {
        return retriable;
    }
}
