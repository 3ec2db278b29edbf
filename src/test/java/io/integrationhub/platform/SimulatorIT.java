package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.HubIntegrationTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;

/** The built-in AAA and voucher-provider simulators over real HTTP, with run-time fault injection. */
class SimulatorIT extends HubIntegrationTest {

    @Autowired TestRestTemplate http;
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void clearFaults() {
        http.delete(url("/sim/aaa/faults"));
        http.delete(url("/sim/providers/airtime/faults"));
    }

    @Test
    void aaaCreatesAUserAndAnswersADuplicatePhoneWithTheExistingUser() throws Exception {
        String phone = "+2637" + (10_000_000 + (int) (Math.random() * 89_999_999));
        ResponseEntity<String> created = http.postForEntity(url("/sim/aaa/users"),
                Map.of("phone", phone, "name", "Tariro Moyo"), String.class);
        ResponseEntity<String> duplicate = http.postForEntity(url("/sim/aaa/users"),
                Map.of("phone", phone, "name", "Someone Else"), String.class);

        assertThat(created.getStatusCode().value()).isEqualTo(201);
        String id = json.readTree(created.getBody()).at("/id").asText();
        assertThat(duplicate.getStatusCode().value()).isEqualTo(409);
        assertThat(json.readTree(duplicate.getBody()).at("/existingUserId").asText()).isEqualTo(id);
        assertThat(json.readTree(http.getForObject(url("/sim/aaa/users?phone={p}"), String.class, phone))
                .at("/0/id").asText()).isEqualTo(id);
    }

    @Test
    void aaaOutageInjectedAtRunTimeAnswers503UntilCleared() {
        http.put(url("/sim/aaa/faults"), Map.of("errorRate", 0, "latencyMs", 0, "outage", true));

        ResponseEntity<String> during = http.getForEntity(url("/sim/aaa/users?phone=1234567"), String.class);
        http.delete(url("/sim/aaa/faults"));
        ResponseEntity<String> after = http.getForEntity(url("/sim/aaa/users?phone=1234567"), String.class);

        assertThat(during.getStatusCode().value()).isEqualTo(503);
        assertThat(during.getHeaders().getContentType().toString()).contains("problem+json");
        assertThat(after.getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void providerIssuesAVoucherOncePerReference() throws Exception {
        Map<String, Object> request = Map.of("reference", UUID.randomUUID().toString(), "amount", 5,
                "currency", "USD", "recipient", "+263771234567");
        ResponseEntity<String> first = http.postForEntity(url("/sim/providers/airtime/vouchers"), request, String.class);
        ResponseEntity<String> again = http.postForEntity(url("/sim/providers/airtime/vouchers"), request, String.class);

        assertThat(first.getStatusCode().value()).isEqualTo(201);
        assertThat(again.getStatusCode().value()).isEqualTo(200);
        JsonNode voucher = json.readTree(first.getBody());
        assertThat(json.readTree(again.getBody()).at("/voucherId").asText()).isEqualTo(voucher.at("/voucherId").asText());
        assertThat(voucher.at("/status").asText()).isEqualTo("ISSUED");
    }

    @Test
    void providerErrorRateAndLatencyAreInjectedPerProvider() {
        http.put(url("/sim/providers/airtime/faults"), Map.of("errorRate", 1.0, "latencyMs", 50, "outage", false));
        Map<String, Object> request = Map.of("reference", "r-" + UUID.randomUUID(), "amount", 1,
                "currency", "ZWG", "recipient", "+263771234567");

        long start = System.nanoTime();
        ResponseEntity<String> airtime = http.postForEntity(url("/sim/providers/airtime/vouchers"), request, String.class);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        ResponseEntity<String> data = http.postForEntity(url("/sim/providers/data/vouchers"), request, String.class);

        assertThat(airtime.getStatusCode().value()).isEqualTo(500);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(50);
        assertThat(data.getStatusCode().value()).isEqualTo(201);
    }

    @Test
    void badSimulatorInputGetsAProblemDetail() {
        ResponseEntity<String> badCurrency = http.postForEntity(url("/sim/providers/data/vouchers"),
                Map.of("reference", "x", "amount", 1, "currency", "EUR", "recipient", "+2637"), String.class);
        ResponseEntity<String> badFaults = http.exchange(url("/sim/aaa/faults"), org.springframework.http.HttpMethod.PUT,
                new org.springframework.http.HttpEntity<>(Map.of("errorRate", 2)), String.class);
        ResponseEntity<String> unknownProvider = http.getForEntity(url("/sim/providers/nope/faults"), String.class);

        assertThat(badCurrency.getStatusCode().value()).isEqualTo(400);
        assertThat(badFaults.getStatusCode().value()).isEqualTo(400);
        assertThat(unknownProvider.getStatusCode().value()).isEqualTo(404);
    }
}
