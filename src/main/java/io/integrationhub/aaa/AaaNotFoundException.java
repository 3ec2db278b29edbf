package io.integrationhub.aaa;

/** AAA answered 404: the organization, user or group named in the call does not exist there. */
public class AaaNotFoundException extends AaaException {

    public AaaNotFoundException(String operation, String detail) {
        super(operation, 404, operation + ": not found in AAA" + (detail == null ? "" : " (" + detail + ")"), null);
    }
}
