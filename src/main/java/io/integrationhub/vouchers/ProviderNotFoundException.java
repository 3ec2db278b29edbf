package io.integrationhub.vouchers;

/** The provider holds no voucher under the id or idempotency key asked for (404). */
public class ProviderNotFoundException extends ProviderException {

    public ProviderNotFoundException(String provider, String operation, String detail) {
        super(provider, operation, 404, provider + " " + operation + ": no such voucher"
                + (detail == null || detail.isBlank() ? "" : " (" + detail + ")"), null);
    }
}
