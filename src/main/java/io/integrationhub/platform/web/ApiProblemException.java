package io.integrationhub.platform.web;

/**
 * A refusal with an HTTP status of its own (404 not found, 409 conflict, 503 unavailable, ...), its message written
 * for the caller. The rest-problem-errors route configuration answers it with that status as problem+json.
 */
public class ApiProblemException extends RuntimeException {

    private final int status;

    public ApiProblemException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem answer needs a 4xx or 5xx status, not " + status);
        }
        this.status = status;
    }

    public int getStatus() {
        return status;
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
