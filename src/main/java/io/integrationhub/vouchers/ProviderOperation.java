package io.integrationhub.vouchers;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The operations of the voucher-provider contract (config/voucher-provider-openapi.yaml). */
public enum ProviderOperation {
    /** POST a voucher; the same X-Idempotency-Key returns the voucher issued the first time. */
    ISSUE("issue", "POST", "/api/v1/issue"),
    /** GET a voucher by the provider's id or by the X-Idempotency-Key it was issued under. */
    STATUS("status", "GET", "/api/v1/status/{id}"),
    /** POST {@code voucher_id}: cancels an issued voucher. */
    CANCEL("cancel", "POST", "/api/v1/cancel");

    private final String operationName;
    private final String method;
    private final String path;

    ProviderOperation(String operationName, String method, String path) {
        this.operationName = operationName;
        this.method = method;
        this.path = path;
    }

    public String operationName() {
        return operationName;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public boolean hasBody() {
        return method.equals("POST");
    }

    public static ProviderOperation named(String name) {
        for (ProviderOperation op : values()) {
            if (op.operationName.equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("voucher-provider-action: unknown operation '" + name + "' (known: "
                + Arrays.stream(values()).map(ProviderOperation::operationName).collect(Collectors.joining(", ")) + ")");
    }
}
