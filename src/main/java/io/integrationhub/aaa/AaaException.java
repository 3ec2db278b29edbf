package io.integrationhub.aaa;

/**
 * AAA answered a call with an error, or could not be reached. The subclasses say which, so flows choose by type:
 * {@link AaaUnavailableException} is worth retrying later; the others are AAA's answer about the request.
 */
public abstract class AaaException extends RuntimeException {

    private final String operation;
    private final int aaaStatus;

    protected AaaException(String operation, int aaaStatus, String message, Throwable cause) {
        super(message, cause);
        this.operation = operation;
        this.aaaStatus = aaaStatus;
    }

    /** The contract's operation name, e.g. {@code createOrganization}. */
    public String operation() {
        return operation;
    }

    /**
     * Whether this means AAA is out of reach (no answer, 429, 502, 503, 504) rather than an answer about this call:
     * a flow keeps its work for later instead of recording the call as failed.
     */
    public boolean isOutage() {
        return false;
    }

    /** AAA's HTTP status; 0 when no answer came. */
    public int aaaStatus() {
        return aaaStatus;
    }
}
