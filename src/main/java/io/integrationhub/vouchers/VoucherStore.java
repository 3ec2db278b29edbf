package io.integrationhub.vouchers;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The vouchers table. Every change names the state it expects ({@code WHERE status = ...}), so two resolutions of
 * one voucher (the request and the recovery job, two replicas) can never both apply: the second changes nothing.
 */
class VoucherStore {

    private static final String COLUMNS = "tenant_id, id, idempotency_key, provider_key, provider, type, msisdn, "
            + "amount, currency, customer_id, reference, status, provider_ref, failure_reason, last_error, budget_month, "
            + "lease_until, recovery_attempts, created_by, created_at, updated_at, issued_at";
    private static final RowMapper<Voucher> ROW = VoucherStore::map;

    private final NamedParameterJdbcTemplate jdbc;

    VoucherStore(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a PENDING voucher held for {@code lease}; empty when the tenant used the key already. */
    Optional<Voucher> insert(UUID id, String tenant, String idempotencyKey, NewVoucher request, LocalDate month,
            Duration lease, String createdBy) {
        return jdbc.query("INSERT INTO vouchers (tenant_id, id, idempotency_key, provider_key, provider, type, msisdn, "
                        + "amount, currency, customer_id, reference, status, budget_month, lease_until, created_by) "
                        + "VALUES (:tenant, :id, :key, :providerKey, :provider, :type, :msisdn, :amount, :currency, "
                        + ":customer, :reference, 'PENDING', :month, now() + :lease * interval '1 millisecond', :by) "
                        + "ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING " + COLUMNS,
                new MapSqlParameterSource()
                        .addValue("tenant", tenant).addValue("id", id).addValue("key", idempotencyKey)
                        .addValue("providerKey", providerKey(tenant, idempotencyKey))
                        .addValue("provider", request.provider()).addValue("type", request.type())
                        .addValue("msisdn", request.msisdn()).addValue("amount", request.amount())
                        .addValue("currency", request.currency()).addValue("customer", request.customerId())
                        .addValue("reference", request.reference()).addValue("month", month)
                        .addValue("lease", lease.toMillis()).addValue("by", createdBy), ROW).stream().findFirst();
    }

    /** The provider's {@code X-Idempotency-Key} of a tenant's client key. */
    static String providerKey(String tenant, String idempotencyKey) {
        return tenant + ":" + idempotencyKey;
    }

    Optional<Voucher> find(UUID id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM vouchers WHERE id = :id", Map.of("id", id), ROW).stream().findFirst();
    }

    Optional<Voucher> findByKey(String tenant, String idempotencyKey) {
        return jdbc.query("SELECT " + COLUMNS + " FROM vouchers WHERE tenant_id = :tenant AND idempotency_key = :key",
                Map.of("tenant", tenant, "key", idempotencyKey), ROW).stream().findFirst();
    }

    Optional<Voucher> findByProviderKey(String provider, String providerKey) {
        return jdbc.query("SELECT " + COLUMNS + " FROM vouchers WHERE provider = :provider AND provider_key = :key",
                Map.of("provider", provider, "key", providerKey), ROW).stream().findFirst();
    }

    Optional<Voucher> findByProviderRef(String provider, String providerRef) {
        return jdbc.query("SELECT " + COLUMNS + " FROM vouchers WHERE provider = :provider AND provider_ref = :ref",
                Map.of("provider", provider, "ref", providerRef), ROW).stream().findFirst();
    }

    List<Voucher> page(String tenant, VoucherStatus status, int page, int size) {
        return jdbc.query("SELECT " + COLUMNS + " FROM vouchers WHERE tenant_id = :tenant"
                        + (status == null ? "" : " AND status = :status") + " ORDER BY created_at, id LIMIT :size OFFSET :offset",
                new MapSqlParameterSource().addValue("tenant", tenant).addValue("status", status == null ? null : status.name())
                        .addValue("size", size).addValue("offset", (long) page * size), ROW);
    }

    long count(String tenant, VoucherStatus status) {
        Long n = jdbc.queryForObject("SELECT count(*) FROM vouchers WHERE tenant_id = :tenant"
                        + (status == null ? "" : " AND status = :status"),
                new MapSqlParameterSource().addValue("tenant", tenant).addValue("status", status == null ? null : status.name()),
                Long.class);
        return n == null ? 0 : n;
    }

    /** Takes a PENDING voucher whose lease ran out (a request that died, an earlier recovery) for {@code lease}. */
    Optional<Voucher> claimExpired(UUID id, Duration lease) {
        return jdbc.query("UPDATE vouchers SET lease_until = now() + :lease * interval '1 millisecond', updated_at = now() "
                        + "WHERE id = :id AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < now()) "
                        + "RETURNING " + COLUMNS,
                Map.of("id", id, "lease", lease.toMillis()), ROW).stream().findFirst();
    }

    /**
     * The recovery job's batch: PENDING vouchers of enabled providers whose lease ran out, each held for
     * {@code lease} (as long as its status call can take), shared by the replicas.
     */
    List<Voucher> claimPending(List<String> providers, int limit, Duration lease) {
        return jdbc.query("UPDATE vouchers SET lease_until = now() + :lease * interval '1 millisecond', "
                        + "recovery_attempts = recovery_attempts + 1, updated_at = now() WHERE id IN (SELECT id FROM "
                        + "vouchers WHERE status = 'PENDING' AND lease_until < now() AND provider IN (:providers) "
                        + "ORDER BY lease_until LIMIT :limit "
                        + "FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS,
                Map.of("limit", limit, "lease", lease.toMillis(), "providers", providers), ROW);
    }

    /** The lease given up: the recovery job may take the voucher on its next run. */
    void release(UUID id, String lastError) {
        jdbc.update("UPDATE vouchers SET lease_until = now(), last_error = :error, updated_at = now() "
                + "WHERE id = :id AND status = 'PENDING'", new MapSqlParameterSource().addValue("id", id)
                .addValue("error", lastError));
    }

    /** {@code from} → {@code to}; empty when the voucher is not in {@code from} any more. */
    Optional<Voucher> transition(UUID id, VoucherStatus from, VoucherStatus to, String providerRef, String failureReason) {
        return jdbc.query("UPDATE vouchers SET status = :to, provider_ref = COALESCE(:ref, provider_ref), "
                        + "failure_reason = COALESCE(:reason, failure_reason), lease_until = NULL, updated_at = now(), "
                        + "issued_at = CASE WHEN :to = 'ISSUED' THEN now() ELSE issued_at END "
                        + "WHERE id = :id AND status = :from RETURNING " + COLUMNS,
                new MapSqlParameterSource().addValue("id", id).addValue("from", from.name()).addValue("to", to.name())
                        .addValue("ref", providerRef).addValue("reason", failureReason), ROW).stream().findFirst();
    }

    private static Voucher map(ResultSet rs, int row) throws SQLException {
        return new Voucher(rs.getString("tenant_id"), rs.getObject("id", UUID.class), rs.getString("idempotency_key"),
                rs.getString("provider_key"), rs.getString("provider"), rs.getString("type"), rs.getString("msisdn"),
                rs.getBigDecimal("amount"), rs.getString("currency"), rs.getString("customer_id"),
                rs.getString("reference"), VoucherStatus.valueOf(rs.getString("status")), rs.getString("provider_ref"),
                rs.getString("failure_reason"), rs.getString("last_error"), rs.getObject("budget_month", LocalDate.class),
                instant(rs.getTimestamp("lease_until")), rs.getInt("recovery_attempts"), rs.getString("created_by"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")),
                instant(rs.getTimestamp("issued_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    static BigDecimal money(BigDecimal value) {
        return value.setScale(2, java.math.RoundingMode.UNNECESSARY);
    }
}
