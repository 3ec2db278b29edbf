package io.integrationhub.aaa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.integrationhub.support.HubIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;

/**
 * The aaa-action Kamelet against the AAA simulator over real HTTP: what is retried (5xx, 429 with its Retry-After)
 * and what is not (business answers), the circuit breaker opening, failing fast and closing again, and the caller's
 * headers kept and never sent.
 */
class AaaActionIT extends HubIntegrationTest {

    @Autowired ProducerTemplate producer;
    @Autowired TestRestTemplate http;
    @Autowired CircuitBreaker aaaCircuitBreaker;
    @Autowired AaaOperations aaaOperations;
    @Autowired CamelContext camel;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    @AfterEach
    void clean() {
        http.delete(url("/sim/aaa/faults"));
        http.delete(url("/sim/aaa/calls"));
        aaaCircuitBreaker.reset();
    }

    /**
     * camel-http reads the method header as its own enum; any other type (a string, camel-http-common's enum of the
     * same name) goes through the type converter's slow path on every call, which was 7% of the hub's CPU in a
     * profile of FPO creates.
     */
    @Test
    void theRequestMethodIsTheEnumCamelHttpReadsSoNoCallConvertsIt() throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(Map.of("orgId", "org-1"));
        aaaOperations.begin(exchange, "getOrganization");

        aaaOperations.send(exchange, "getOrganization");

        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_METHOD))
                .isSameAs(org.apache.camel.component.http.HttpMethods.GET);
    }

    @Test
    void aServerErrorIsRetriedThreeAttemptsInAllThenReportedUnavailable() throws Exception {
        faults(Map.of("failOperations", List.of("getOrganization")));

        assertThatThrownBy(() -> call("getOrganization", Map.of("orgId", "org-" + UUID.randomUUID())))
                .hasRootCauseInstanceOf(AaaUnavailableException.class);

        assertThat(calls("getOrganization")).isEqualTo(3);
    }

    @Test
    void aBusinessRefusalIsNotRetriedAndCarriesAaasReason() throws Exception {
        faults(Map.of("failOperations", List.of("createUser"), "statusCode", 422));

        assertThatThrownBy(() -> call("createUser", Map.of("phoneNumber", "+254700000001", "firstName", "A",
                "lastName", "B"))).rootCause().isInstanceOf(AaaBusinessException.class)
                .hasMessageContaining("injected business error");

        assertThat(calls("createUser")).isEqualTo(1);
    }

    @Test
    void notFoundIsAnAnswerNotRetried() throws Exception {
        assertThatThrownBy(() -> call("getOrganization", Map.of("orgId", "org-missing-" + UUID.randomUUID())))
                .hasRootCauseInstanceOf(AaaNotFoundException.class);
        assertThat(calls("getOrganization")).isEqualTo(1);
    }

    @Test
    void a429IsRetriedAfterTheRetryAfterAaaSent() throws Exception {
        // test profile: backoff 100 ms then 200 ms; Retry-After asks for 1 s before each retry
        faults(Map.of("failOperations", List.of("listOrganizations"), "statusCode", 429, "retryAfterSeconds", 1));

        long start = System.nanoTime();
        assertThatThrownBy(() -> call("listOrganizations", Map.of("type", "FPO")))
                .hasRootCauseInstanceOf(AaaUnavailableException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(calls("listOrganizations")).isEqualTo(3);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void theBreakerOpensOnAnOutageFailsFastWithoutCallingAaaAndClosesWhenAaaIsBack() throws Exception {
        // from closed: an earlier test's outage (the shared hub's FPO tests) may have left it open, due to turn
        // half-open in the middle of the checks below
        aaaCircuitBreaker.reset();
        faults(Map.of("outage", true));
        for (int i = 0; i < 10 && aaaCircuitBreaker.getState() != CircuitBreaker.State.OPEN; i++) {
            assertThatThrownBy(() -> call("listOrganizations", Map.of()))
                    .isInstanceOf(CamelExecutionException.class);
        }
        assertThat(aaaCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        // test profile: open for 5 s
        JsonNode health = json.readTree(http.getForObject(url("/actuator/health"), String.class));
        assertThat(health.at("/components/aaa/status").asText()).isEqualTo("DEGRADED");
        assertThat(health.at("/components/aaa/details/circuitBreaker").asText()).isEqualTo("OPEN");
        assertThat(health.path("status").asText()).isNotEqualTo("DOWN");
        assertThat(http.getForObject(url("/actuator/prometheus"), String.class))
                .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"aaa\"[^}]*state=\"open\"[^}]*} 1\\.0");
        int callsWhenOpen = calls("listOrganizations");

        assertThatThrownBy(() -> call("listOrganizations", Map.of()))
                .hasRootCauseInstanceOf(CallNotPermittedException.class);
        assertThat(calls("listOrganizations")).isEqualTo(callsWhenOpen);

        http.delete(url("/sim/aaa/faults"));
        // half-open after the wait, then the trial calls close it
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            try {
                call("listOrganizations", Map.of());
            } catch (CamelExecutionException stillOpen) {
                // not yet half-open
            }
            assertThat(aaaCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        });
    }

    @Test
    void theCallersHeadersAreKeptAndTheAnswerIsTheBody() throws Exception {
        Object answer = producer.request("kamelet:aaa-action/aaa-action-it-list?operation=listOrganizations", e -> {
            e.getMessage().setBody(Map.of("type", "FPO", "size", 5));
            e.getMessage().setHeader("Authorization", "Bearer caller-token");
            e.getMessage().setHeader("fpoId", "kept");
        }).getMessage();
        org.apache.camel.Message message = (org.apache.camel.Message) answer;

        assertThat(message.getHeader("fpoId")).isEqualTo("kept");
        assertThat(message.getHeader(AaaOperations.STATUS)).isEqualTo(200);
        assertThat(message.getBody(Map.class)).containsKeys("items", "page", "size", "total");
        assertThat(http.getForObject(url("/actuator/prometheus"), String.class))
                .containsPattern("aaa_call_seconds_count\\{[^}]*operation=\"listOrganizations\",outcome=\"success\"");
    }

    private Object call(String operation, Map<String, Object> parameters) {
        return producer.requestBody("kamelet:aaa-action/aaa-action-it-" + operation + "?operation=" + operation, parameters);
    }

    private void faults(Map<String, Object> faults) {
        http.put(url("/sim/aaa/faults"), faults);
    }

    private int calls(String operation) throws Exception {
        return json.readTree(http.getForObject(url("/sim/aaa/calls"), String.class)).path(operation).asInt();
    }
}
