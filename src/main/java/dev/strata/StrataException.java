package dev.strata;

import java.util.Objects;

/**
 * The root of every error Strata reports on purpose. It carries an {@link ErrorCode} that decides
 * the process exit code and whether the operation may be retried; the message is written for the
 * user and never contains secrets.
 */
public class StrataException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public StrataException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code);
    }

    public StrataException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code);
    }

    public ErrorCode code() {
        return code;
    }
}
