package io.integrationhub.aaa;

/** AAA answered 409: what the call would create exists already; {@link #existingId()} names it. */
public class AaaConflictException extends AaaException {

    private final String existingId;

    public AaaConflictException(String operation, String existingId, String detail) {
        super(operation, 409, operation + ": already exists in AAA as " + existingId
                + (detail == null ? "" : " (" + detail + ")"), null);
        this.existingId = existingId;
    }

    public String existingId() {
        return existingId;
    }
}
