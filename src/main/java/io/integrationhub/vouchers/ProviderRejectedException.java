package io.integrationhub.vouchers;

/** The provider refused the request (a 4xx other than 404 and 429), with its reason. Never retried. */
public class ProviderRejectedException extends ProviderException {

    private final String reason;

    public ProviderRejectedException(String provider, String operation, int status, String reason) {
        super(provider, operation, status, provider + " refused " + operation + " (HTTP " + status + ")"
                + (reason == null || reason.isBlank() ? "" : ": " + reason), null);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
