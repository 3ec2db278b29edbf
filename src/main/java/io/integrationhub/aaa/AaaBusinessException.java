package io.integrationhub.aaa;

/**
 * AAA refused the call for a reason of its own (422, or another 4xx that is not 404, 409 or 429): never retried;
 * {@link #reason()} is AAA's words, which reach the caller of the hub's API.
 */
public class AaaBusinessException extends AaaException {

    private final String reason;

    public AaaBusinessException(String operation, int aaaStatus, String reason) {
        super(operation, aaaStatus, operation + " refused by AAA (" + aaaStatus + "): " + reason, null);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
