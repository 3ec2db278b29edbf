package io.integrationhub.vouchers;

/**
 * A voucher provider answered a call with an error, or could not be reached. The subclasses say which:
 * {@link ProviderUnavailableException} is worth retrying; the others are the provider's answer about the request.
 */
public abstract class ProviderException extends RuntimeException {

    private final String provider;
    private final String operation;
    private final int providerStatus;

    protected ProviderException(String provider, String operation, int providerStatus, String message, Throwable cause) {
        super(message, cause);
        this.provider = provider;
        this.operation = operation;
        this.providerStatus = providerStatus;
    }

    public String provider() {
        return provider;
    }

    /** issue, status or cancel. */
    public String operation() {
        return operation;
    }

    /** The provider's HTTP status; 0 when no answer came. */
    public int providerStatus() {
        return providerStatus;
    }
}
