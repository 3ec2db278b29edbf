package io.integrationhub.vouchers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad voucher and budget requests answer problem+json naming the field, write nothing and call no provider. */
class VoucherBadInputIT extends VoucherIntegrationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON   | {\"provider\": \"airtime\",                                                        | request body is not valid JSON",
        "bad msisdn       | {\"provider\": \"airtime\", \"type\": \"airtime\", \"msisdn\": \"0771234567\", \"amount\": 5, \"currency\": \"USD\"} | msisdn: must be an E.164",
        "three decimals   | {\"provider\": \"airtime\", \"type\": \"airtime\", \"msisdn\": \"+263771234567\", \"amount\": 5.125, \"currency\": \"USD\"} | amount: must have at most 2 decimals",
        "zero amount      | {\"provider\": \"airtime\", \"type\": \"airtime\", \"msisdn\": \"+263771234567\", \"amount\": 0, \"currency\": \"USD\"} | amount: must be more than 0",
        "amount as text   | {\"provider\": \"airtime\", \"type\": \"airtime\", \"msisdn\": \"+263771234567\", \"amount\": \"5\", \"currency\": \"USD\"} | amount: must be a number",
        "unknown currency | {\"provider\": \"airtime\", \"type\": \"airtime\", \"msisdn\": \"+263771234567\", \"amount\": 5, \"currency\": \"EUR\"} | currency: must be ZWG or USD",
        "unknown type     | {\"provider\": \"airtime\", \"type\": \"sms\", \"msisdn\": \"+263771234567\", \"amount\": 5, \"currency\": \"USD\"} | type: must be airtime or data",
        "unknown field    | {\"provider\": \"airtime\", \"type\": \"airtime\", \"msisdn\": \"+263771234567\", \"amount\": 5, \"currency\": \"USD\", \"pin\": 1} | pin: unknown field",
        "missing fields   | {}                                                                        | provider: is required",
    })
    void aBadVoucherRequestAnswers400NamingTheFieldAndWritesNothing(String name, String body, String names) throws Exception {
        HttpResponse<String> answer = vouchers.issue(body, UUID.randomUUID().toString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.body()).contains(names);
        assertThat(vouchers.vouchers()).isZero();
        assertThat(vouchers.calls("airtime", "issue")).isZero();
    }

    @Test
    void withoutAnIdempotencyKeyNothingIsIssued() throws Exception {
        HttpResponse<String> answer = vouchers.issue(VoucherSupport.body("airtime", "5", "USD"), null);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("Idempotency-Key");
        assertThat(vouchers.vouchers()).isZero();
    }

    @Test
    void aDisabledOrUnknownProviderAnswers422() throws Exception {
        HttpResponse<String> disabled = vouchers.issue(VoucherSupport.body("legacy", "5", "USD"), UUID.randomUUID().toString());
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(422);
        assertThat(disabled.body()).contains("provider 'legacy' is disabled");
        HttpResponse<String> unknown = vouchers.issue(VoucherSupport.body("nosuch", "5", "USD"), UUID.randomUUID().toString());
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(unknown.body()).contains("unknown provider 'nosuch'");
        assertThat(vouchers.vouchers()).isZero();
    }

    @Test
    void aKeyReusedForAnotherVoucherAnswers422() throws Exception {
        String key = UUID.randomUUID().toString();
        assertThat(vouchers.issue(VoucherSupport.body("airtime", "5", "USD"), key).statusCode()).isEqualTo(201);
        HttpResponse<String> other = vouchers.issue(VoucherSupport.body("airtime", "6", "USD"), key);
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(vouchers.vouchers()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "EUR | {\"amount\": 10}                         | currency: must be ZWG or USD",
        "USD | {\"amount\": -1}                         | amount: must be 0 or more",
        "USD | {\"amount\": 10, \"threshold_percent\": 0} | threshold_percent: must be a whole number 1..100",
        "USD | {\"amount\": 1.001}                      | amount: must have at most 2 decimals",
    })
    void aBadBudgetAnswers400NamingTheField(String currency, String body, String names) throws Exception {
        HttpResponse<String> answer = vouchers.put("/api/v1/budgets/" + currency, body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains(names);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM voucher_budgets WHERE tenant_id = ?", Integer.class,
                vouchers.tenant)).isZero();
    }
}
