package io.integrationhub.vouchers;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** A voucher row (V12__vouchers.sql). */
public record Voucher(String tenantId, UUID id, String idempotencyKey, String providerKey, String provider,
        String type, String msisdn, BigDecimal amount, String currency, String customerId, String reference,
        VoucherStatus status, String providerRef, String failureReason, String lastError, LocalDate budgetMonth,
        Instant leaseUntil, int recoveryAttempts, String createdBy, Instant createdAt, Instant updatedAt,
        Instant issuedAt) {

    /** Whether {@code request} asks for this voucher (a repeat of its request under the same key). */
    boolean matches(NewVoucher request) {
        return provider.equals(request.provider()) && type.equals(request.type()) && msisdn.equals(request.msisdn())
                && amount.compareTo(request.amount()) == 0 && currency.equals(request.currency())
                && java.util.Objects.equals(customerId, request.customerId())
                && java.util.Objects.equals(reference, request.reference());
    }
}
