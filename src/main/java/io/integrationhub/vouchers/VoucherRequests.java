package io.integrationhub.vouchers;

import static io.integrationhub.platform.web.RequestFields.kind;
import static io.integrationhub.platform.web.RequestFields.text;
import static io.integrationhub.platform.web.RequestFields.unknownFields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.integrationhub.platform.web.RequestFields;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads voucher and budget request bodies. Every problem names its field and all are reported at once, before
 * anything is written or a provider is called.
 */
class VoucherRequests {

    static final Set<String> CURRENCIES = Set.of("ZWG", "USD");
    static final Set<String> TYPES = Set.of("airtime", "data");
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000");
    private static final Set<String> ISSUE_FIELDS = Set.of("provider", "type", "msisdn", "amount", "currency",
            "customer_id", "reference");
    private static final Set<String> BUDGET_FIELDS = Set.of("amount", "threshold_percent");

    private final ObjectMapper json;

    VoucherRequests(ObjectMapper json) {
        this.json = json;
    }

    NewVoucher parseIssue(String body) {
        JsonNode root = RequestFields.readObject(json, body);
        List<String> problems = new ArrayList<>();
        unknownFields(root, ISSUE_FIELDS, "", problems);
        String provider = text(root, "provider", "provider", 1, 31, true, problems);
        String type = text(root, "type", "type", 1, 20, true, problems);
        if (type != null && !TYPES.contains(type)) {
            problems.add("type: must be airtime or data, got '" + type + "'");
        }
        String msisdn = text(root, "msisdn", "msisdn", 1, 16, true, problems);
        if (msisdn != null && !E164.matcher(msisdn).matches()) {
            problems.add("msisdn: must be an E.164 number such as +263771234567, got '" + msisdn + "'");
        }
        BigDecimal amount = amount(root, "amount", true, false, problems);
        String currency = currency(root.get("currency"), "currency", problems);
        String customerId = text(root, "customer_id", "customer_id", 1, 100, false, problems);
        String reference = text(root, "reference", "reference", 1, 100, false, problems);
        RequestFields.check(problems);
        return new NewVoucher(provider, type, msisdn, amount, currency, customerId, reference);
    }

    /** A {@code PUT /api/v1/budgets/{currency}} body: the amount per month and the threshold percent (80). */
    record BudgetRequest(String currency, BigDecimal amount, int thresholdPercent) {}

    BudgetRequest parseBudget(String currencyParameter, String body) {
        List<String> problems = new ArrayList<>();
        String currency = currency(JsonNodeFactory.instance.textNode(currencyParameter), "currency", problems);
        JsonNode root = RequestFields.readObject(json, body);
        unknownFields(root, BUDGET_FIELDS, "", problems);
        BigDecimal amount = amount(root, "amount", true, true, problems);
        int threshold = 80;
        JsonNode percent = root.get("threshold_percent");
        if (percent != null && !percent.isNull()) {
            if (!percent.isIntegralNumber() || percent.asInt() < 1 || percent.asInt() > 100) {
                problems.add("threshold_percent: must be a whole number 1..100, got " + percent);
            } else {
                threshold = percent.asInt();
            }
        }
        RequestFields.check(problems);
        return new BudgetRequest(currency, amount, threshold);
    }

    static String currency(String value) {
        List<String> problems = new ArrayList<>();
        String currency = currency(value == null ? null : JsonNodeFactory.instance.textNode(value),
                "currency", problems);
        RequestFields.check(problems);
        return currency;
    }

    private static String currency(JsonNode node, String field, List<String> problems) {
        if (node == null || node.isNull()) {
            problems.add(field + ": is required (ZWG or USD)");
            return null;
        }
        if (!node.isTextual()) {
            problems.add(field + ": must be a string, got " + kind(node));
            return null;
        }
        String currency = node.asText().strip().toUpperCase(Locale.ROOT);
        if (!CURRENCIES.contains(currency)) {
            problems.add(field + ": must be ZWG or USD, got '" + node.asText() + "'");
            return null;
        }
        return currency;
    }

    /** A positive (or, with {@code zeroAllowed}, non-negative) JSON number with at most 2 decimals. */
    private static BigDecimal amount(JsonNode root, String field, boolean required, boolean zeroAllowed,
            List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(field + ": is required");
            }
            return null;
        }
        if (!node.isNumber()) {
            problems.add(field + ": must be a number, got " + kind(node));
            return null;
        }
        BigDecimal amount = node.decimalValue();
        if (amount.signum() < 0 || !zeroAllowed && amount.signum() == 0) {
            problems.add(field + ": must be " + (zeroAllowed ? "0 or more" : "more than 0") + ", got "
                    + amount.toPlainString());
            return null;
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            problems.add(field + ": must have at most 2 decimals, got " + amount.toPlainString());
            return null;
        }
        if (amount.compareTo(MAX_AMOUNT) > 0) {
            problems.add(field + ": must be at most " + MAX_AMOUNT.toPlainString() + ", got " + amount.toPlainString());
            return null;
        }
        return amount.setScale(2);
    }
}
