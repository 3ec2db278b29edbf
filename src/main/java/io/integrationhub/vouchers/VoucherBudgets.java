package io.integrationhub.vouchers;

import io.integrationhub.platform.web.ApiProblemException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Monthly voucher budgets per tenant and currency (calendar months in UTC). A voucher's amount is reserved in the
 * transaction that commits it PENDING, under a lock of the month's row ({@code SELECT ... FOR UPDATE}): concurrent
 * issues of one tenant and currency take their turn on that row, each sees what the ones before it reserved, so
 * together they never pass the budget. A FAILED or CANCELLED voucher gives its amount back. The first reservation that
 * reaches the threshold marks the month, so {@code budget.threshold} is emitted once per month.
 */
class VoucherBudgets {

    /** The month's figures after a reservation that reached the threshold for the first time. */
    record ThresholdCrossed(String tenant, String currency, LocalDate month, BigDecimal budget, BigDecimal committed,
            int thresholdPercent) {}

    private final NamedParameterJdbcTemplate jdbc;

    VoucherBudgets(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    static LocalDate currentMonth() {
        return LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
    }

    /**
     * Reserves {@code amount} of the month's budget (none set: no limit, the amount is still counted). Must run in
     * the transaction that stores the voucher.
     *
     * @return the threshold crossing this reservation made, or null
     * @throws ApiProblemException 422 "budget exceeded" naming what is left
     */
    ThresholdCrossed reserve(String tenant, String currency, BigDecimal amount, LocalDate month) {
        MapSqlParameterSource args = new MapSqlParameterSource().addValue("tenant", tenant)
                .addValue("currency", currency).addValue("month", month).addValue("amount", amount);
        jdbc.update("INSERT INTO voucher_budget_months (tenant_id, currency, month) VALUES (:tenant, :currency, :month) "
                + "ON CONFLICT DO NOTHING", args);
        // the month's row, locked: concurrent issues of this tenant and currency wait here, one at a time, and each
        // sees what the ones before it committed
        BigDecimal before = jdbc.queryForObject("SELECT committed FROM voucher_budget_months WHERE tenant_id = :tenant "
                + "AND currency = :currency AND month = :month FOR UPDATE", args, BigDecimal.class);
        Map<String, Object> budget = jdbc.queryForList("SELECT monthly_amount, threshold_percent FROM voucher_budgets "
                + "WHERE tenant_id = :tenant AND currency = :currency", args).stream().findFirst().orElse(null);
        if (budget != null && before.add(amount).compareTo((BigDecimal) budget.get("monthly_amount")) > 0) {
            BigDecimal monthly = (BigDecimal) budget.get("monthly_amount");
            throw new ApiProblemException(422, "budget exceeded: amount " + amount.toPlainString() + " " + currency
                    + " is more than the " + monthly.subtract(before).max(BigDecimal.ZERO).toPlainString() + " "
                    + currency + " left of this month's budget of " + monthly.toPlainString() + " " + currency);
        }
        BigDecimal committed = jdbc.queryForObject("UPDATE voucher_budget_months SET committed = committed + :amount "
                + "WHERE tenant_id = :tenant AND currency = :currency AND month = :month RETURNING committed", args,
                BigDecimal.class);
        if (budget == null) {
            return null;
        }
        BigDecimal monthly = (BigDecimal) budget.get("monthly_amount");
        int percent = ((Number) budget.get("threshold_percent")).intValue();
        BigDecimal threshold = monthly.multiply(BigDecimal.valueOf(percent)).divide(BigDecimal.valueOf(100), 2,
                RoundingMode.HALF_UP);
        if (committed.compareTo(threshold) < 0) {
            return null;
        }
        int marked = jdbc.update("UPDATE voucher_budget_months SET threshold_notified_at = now() WHERE tenant_id = "
                + ":tenant AND currency = :currency AND month = :month AND threshold_notified_at IS NULL", args);
        return marked == 0 ? null : new ThresholdCrossed(tenant, currency, month, monthly, committed, percent);
    }

    /** Gives a FAILED or CANCELLED voucher's amount back to its month. In that change's transaction. */
    void giveBack(Voucher voucher) {
        jdbc.update("UPDATE voucher_budget_months SET committed = committed - :amount WHERE tenant_id = :tenant "
                + "AND currency = :currency AND month = :month", new MapSqlParameterSource()
                .addValue("tenant", voucher.tenantId()).addValue("currency", voucher.currency())
                .addValue("month", voucher.budgetMonth()).addValue("amount", voucher.amount()));
    }

    /** {@code PUT /api/v1/budgets/{currency}}: sets the monthly amount and threshold. */
    Map<String, Object> set(String tenant, String currency, BigDecimal amount, int thresholdPercent, String by) {
        jdbc.update("INSERT INTO voucher_budgets (tenant_id, currency, monthly_amount, threshold_percent, updated_by) "
                + "VALUES (:tenant, :currency, :amount, :threshold, :by) ON CONFLICT (tenant_id, currency) DO UPDATE "
                + "SET monthly_amount = EXCLUDED.monthly_amount, threshold_percent = EXCLUDED.threshold_percent, "
                + "updated_by = EXCLUDED.updated_by, updated_at = now()", new MapSqlParameterSource()
                .addValue("tenant", tenant).addValue("currency", currency).addValue("amount", amount)
                .addValue("threshold", thresholdPercent).addValue("by", by));
        return list(tenant).stream().filter(b -> currency.equals(b.get("currency"))).findFirst().orElseThrow();
    }

    /** {@code GET /api/v1/budgets}: each budget with what this month's vouchers hold of it. */
    List<Map<String, Object>> list(String tenant) {
        return jdbc.query("SELECT b.currency, b.monthly_amount, b.threshold_percent, b.updated_at, "
                        + "COALESCE(m.committed, 0) AS committed, m.threshold_notified_at FROM voucher_budgets b "
                        + "LEFT JOIN voucher_budget_months m ON m.tenant_id = b.tenant_id AND m.currency = b.currency "
                        + "AND m.month = :month WHERE b.tenant_id = :tenant ORDER BY b.currency",
                new MapSqlParameterSource().addValue("tenant", tenant).addValue("month", currentMonth()), (rs, n) -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    BigDecimal monthly = rs.getBigDecimal("monthly_amount");
                    BigDecimal committed = rs.getBigDecimal("committed");
                    view.put("currency", rs.getString("currency"));
                    view.put("amount", monthly);
                    view.put("threshold_percent", rs.getInt("threshold_percent"));
                    view.put("month", currentMonth().toString());
                    view.put("committed", committed);
                    view.put("remaining", monthly.subtract(committed).max(BigDecimal.ZERO));
                    view.put("threshold_notified_at", rs.getTimestamp("threshold_notified_at") == null ? null
                            : rs.getTimestamp("threshold_notified_at").toInstant());
                    view.put("updated_at", rs.getTimestamp("updated_at").toInstant());
                    return view;
                });
    }
}
