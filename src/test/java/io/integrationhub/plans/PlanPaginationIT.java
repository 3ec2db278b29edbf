package io.integrationhub.plans;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.HubIntegrationTest;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each pagination kind against the demo API over real HTTP, with its stop, and the guards: a cursor or link that
 * comes back fails the step instead of looping; more pages than max_pages fails naming the limit. Entities reach
 * plan-entities on the real Kafka broker, keyed tenant:type:id.
 */
class PlanPaginationIT extends HubIntegrationTest {

    private PlanSupport plans;
    private String integration;
    private String config;

    @BeforeEach
    void demoIntegration() throws Exception {
        plans = new PlanSupport(port, "tenant-" + UUID.randomUUID());
        integration = plans.integration("demo", "{\"type\": \"api_key\", \"name\": \"X-Api-Key\", "
                + "\"value\": \"{config.api_key}\"}", "\"config_schema\": {\"type\": \"object\", \"required\": "
                + "[\"api_key\"], \"properties\": {\"api_key\": {\"type\": \"string\", \"format\": \"password\"}}}");
        config = plans.config(integration, "{\"api_key\": \"demo-key\"}");
    }

    @AfterEach
    void removePlans() throws Exception {
        plans.cleanUp();
    }

    private JsonNode run(String name, String steps) throws Exception {
        String plan = plans.plan(name, integration, config, steps, null).path("id").asText();
        return plans.runToEnd(plan);
    }

    @Test
    void pageNumbersUntilAnEmptyPage() throws Exception {
        JsonNode execution = run("customers", """
                [{"id": "customers", "kind": "request", "path": "/customers",
                  "query": {"per_page": "50"},
                  "paginate": {"type": "page_number", "param": "page", "start": 1, "records": "data"},
                  "steps": [{"id": "emit_customers", "kind": "emit", "type": "customer", "records": "data", "id": "id"}]}]
                """);

        assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("success");
        assertThat(execution.path("pages").asInt()).isEqualTo(6);   // 5 full pages of 250, then the empty one
        assertThat(execution.path("http_calls").asInt()).isEqualTo(6);
        assertThat(execution.path("entities").asInt()).isEqualTo(250);
        assertThat(execution.path("entity_types").path("customer").asInt()).isEqualTo(250);
        var records = PlanSupport.entities(execution.path("id").asText(), 250);
        assertThat(records).hasSize(250);
        ConsumerRecord<String, String> first = records.stream().filter(r -> r.key().endsWith(":c-0001")).findFirst()
                .orElseThrow();
        assertThat(first.key()).isEqualTo(plans.tenant + ":customer:c-0001");
        assertThat(PlanSupport.header(first, "tenant")).isEqualTo(plans.tenant);
        assertThat(PlanSupport.JSON.readTree(first.value()).path("record").path("email").asText())
                .isEqualTo("customer1@example.org");
    }

    @Test
    void offsetsUntilTheStopCondition() throws Exception {
        JsonNode execution = run("records", """
                [{"id": "records", "kind": "request", "path": "/records",
                  "paginate": {"type": "offset", "limit": 100, "stop_when": "offset >= `900`"},
                  "steps": [{"id": "emit_records", "kind": "emit", "type": "record", "records": "records", "id": "id"}]}]
                """);

        assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("success");
        assertThat(execution.path("pages").asInt()).isEqualTo(10);   // 1,000 records; the 10th page (offset 900) meets stop_when
        assertThat(execution.path("entities").asInt()).isEqualTo(1000);
    }

    @Test
    void nextLinksFromTheBodyUntilThereIsNone() throws Exception {
        JsonNode execution = run("feed", """
                [{"id": "feed", "kind": "request", "path": "/feed", "query": {"limit": "50"},
                  "paginate": {"type": "next_link", "next": "links.next"},
                  "steps": [{"id": "emit_entries", "kind": "emit", "type": "entry", "records": "entries", "id": "id"}]}]
                """);

        assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("success");
        assertThat(execution.path("pages").asInt()).isEqualTo(20);
        assertThat(execution.path("entities").asInt()).isEqualTo(1000);
    }

    @Test
    void linkHeaderPagesUntilNoRelNext() throws Exception {
        JsonNode execution = run("orders", """
                [{"id": "orders", "kind": "request", "path": "/customers/c-0001/orders", "query": {"per_page": "2"},
                  "paginate": {"type": "link_header"},
                  "steps": [{"id": "emit_orders", "kind": "emit", "type": "order", "id": "id", "records": "@"}]}]
                """);

        assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("success");
        assertThat(execution.path("pages").asInt()).isEqualTo(2);   // 3 orders, 2 per page
        assertThat(execution.path("entities").asInt()).isEqualTo(3);
    }

    @Test
    void aCursorThatComesBackFailsTheStepInsteadOfLooping() throws Exception {
        JsonNode execution = run("looping-cursor", """
                [{"id": "looping", "kind": "request", "path": "/loop/cursor",
                  "paginate": {"type": "cursor", "cursor": "next_cursor"}}]
                """);

        assertThat(execution.path("status").asText()).isEqualTo("failure");
        assertThat(execution.path("error").asText()).contains("step looping").contains("the-same-cursor")
                .contains("a second time");
        assertThat(execution.path("pages").asInt()).isEqualTo(2);
    }

    @Test
    void aLinkThatComesBackFailsTheStepInsteadOfLooping() throws Exception {
        JsonNode execution = run("looping-link", """
                [{"id": "looping", "kind": "request", "path": "/loop/link", "paginate": {"type": "link_header"}}]
                """);

        assertThat(execution.path("status").asText()).isEqualTo("failure");
        assertThat(execution.path("error").asText()).contains("step looping").contains("requested before");
    }

    @Test
    void morePagesThanMaxPagesFailsNamingTheLimit() throws Exception {
        JsonNode execution = run("capped", """
                [{"id": "customers", "kind": "request", "path": "/customers", "query": {"per_page": "10"},
                  "paginate": {"type": "page_number", "records": "data", "max_pages": 2}}]
                """);

        assertThat(execution.path("status").asText()).isEqualTo("failure");
        assertThat(execution.path("error").asText()).contains("max_pages (2)").contains("hub.plans.max-pages");
        assertThat(execution.path("pages").asInt()).isEqualTo(2);
    }
}
