package io.integrationhub.vouchers;

import java.math.BigDecimal;

/** A checked {@code POST /api/v1/vouchers} body. */
record NewVoucher(String provider, String type, String msisdn, BigDecimal amount, String currency, String customerId,
        String reference) {}
