package dev.strata.console;

/**
 * An answer other than 200 that a handler gives on purpose: bad input (400), unknown thing (404),
 * not available here (503). The message is shown to the user, so it never holds secrets or SQL.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }

    int status() {
        return status;
    }
}
