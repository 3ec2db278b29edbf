package io.integrationhub.platform.web;

/**
 * A refusal with an HTTP status of its own (404 not found, 409 conflict, 503 unavailable, ...), its message written
 * for the caller. The rest-problem-errors route configuration answers it with that status as problem+json.
 */
public class ApiProblemException extends RuntimeException {

    private final int status;
    private final Integer retryAfterSeconds;

    public ApiProblemException(int status, String message) {
        this(status, message, null);
    }

    private ApiProblemException(int status, String message, Integer retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem answer needs a 4xx or 5xx status, not " + status);
        }
        this.status = status;
    }

    public int getStatus() {
        return status;
    }

    /** Sent as {@code Retry-After}; an answer with it is not kept for Idempotency-Key replays. Null: none. */
    public Integer getRetryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** 409: the resource is busy with another request; the same request may be sent again after the wait. */
    public static ApiProblemException busy(String message, int retryAfterSeconds) {
        return new ApiProblemException(409, message, retryAfterSeconds);
    }

    public static ApiProblemException notFound(String message) {
        return new ApiProblemException(404, message);
    }

    public static ApiProblemException conflict(String message) {
        return new ApiProblemException(409, message);
    }

    public static ApiProblemException unavailable(String message) {
        return new ApiProblemException(503, message);
    }
}
