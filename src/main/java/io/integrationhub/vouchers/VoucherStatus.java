package io.integrationhub.vouchers;

import io.integrationhub.platform.web.InvalidRequestException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A voucher's states. PENDING: committed, the provider's answer not yet recorded (in flight, or left by a crash or a
 * timeout for the recovery job). ISSUED, then CANCELLED, REDEEMED or EXPIRED as the provider reports. FAILED: the
 * provider refused it or holds none under its key; its amount is given back to the budget, as a CANCELLED one's is.
 */
public enum VoucherStatus {
    PENDING, ISSUED, FAILED, CANCELLED, REDEEMED, EXPIRED;


    static VoucherStatus parse(String value, String field) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field + ": must be one of " + Arrays.stream(values()).map(Enum::name)
                    .collect(Collectors.joining(", ")) + ", got '" + value + "'");
        }
    }
}
