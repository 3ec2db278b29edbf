package io.integrationhub.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.HubIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Fan-out: every parent of every parent page is read, and each parent pages through its own children (the bugs of
 * dlt #3772 and Airbyte #40573 skipped child pages or read only the first parent page). And isolation: a tenant
 * whose plans are slow holds at most hub.plans.max-running-per-tenant workers, so another tenant's plan runs at once.
 */
class PlanFanOutIT extends HubIntegrationTest {

    @Test
    void eachParentOfEachParentPagePaginatesItsOwnChildren() throws Exception {
        PlanSupport plans = new PlanSupport(port, "tenant-" + UUID.randomUUID());
        String integration = plans.integration("demo", "{\"type\": \"api_key\", \"name\": \"X-Api-Key\", "
                + "\"value\": \"demo-key\"}", null);
        String plan = plans.plan("orders", integration, null, """
                [{"id": "customers", "kind": "request", "path": "/customers", "query": {"per_page": "100"},
                  "paginate": {"type": "page_number", "records": "data", "size": 100},
                  "steps": [{"id": "customer", "kind": "for_each", "items": "data[?status == 'active']", "concurrency": 4,
                    "steps": [{"id": "orders", "kind": "request", "path": "/customers/{item.id}/orders",
                               "query": {"per_page": "2"}, "paginate": {"type": "link_header"},
                      "steps": [{"id": "emit", "kind": "emit", "type": "order", "records": "@", "id": "id"}]}]}]}]
                """, null).path("id").asText();

        JsonNode execution = plans.runToEnd(plan);

        // 250 customers in pages of 100 (the short third page stops), 200 active, 3 orders each in pages of 2
        assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("success");
        assertThat(execution.path("entities").asInt()).isEqualTo(600);
        assertThat(execution.path("pages").asInt()).isEqualTo(3 + 200 * 2);
        var records = PlanSupport.entities(execution.path("id").asText(), 600);
        Set<String> keys = new HashSet<>();
        records.forEach(r -> keys.add(r.key()));
        assertThat(keys).hasSize(600).contains(plans.tenant + ":order:o-0001-3", plans.tenant + ":order:o-0249-3");
        assertThat(keys).noneMatch(k -> k.contains("o-0005-"));   // customer 5 is inactive: filtered out
        plans.cleanUp();
    }

    @Test
    void aTenantWithSlowPlansDoesNotDelayAnotherTenant() throws Exception {
        PlanSupport slow = new PlanSupport(port, "tenant-" + UUID.randomUUID());
        String slowApi = slow.integration("demo", null, null);
        List<String> slowRuns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String plan = slow.plan("slow-" + i, slowApi, null, """
                    [{"id": "wait", "kind": "request", "path": "/slow", "query": {"ms": "4000"}}]
                    """, null).path("id").asText();
            slowRuns.add(slow.run(plan));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> statuses(slow, slowRuns).stream()
                .filter("running"::equals).count() == 2);
        PlanSupport quick = new PlanSupport(port, "tenant-" + UUID.randomUUID());
        String quickPlan = quick.plan("quick", quick.integration("demo", null, null), null, """
                [{"id": "records", "kind": "request", "path": "/records", "query": {"limit": "10"}}]
                """, null).path("id").asText();

        long start = System.nanoTime();
        JsonNode quickRun = quick.runToEnd(quickPlan);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(quickRun.path("status").asText()).isEqualTo("success");
        assertThat(took).as("the other tenant's run").isLessThan(Duration.ofSeconds(3));
        // the slow tenant still holds two workers, and its third run waits for one of them
        assertThat(statuses(slow, slowRuns)).containsExactlyInAnyOrder("running", "running", "queued");
        for (String run : slowRuns) {
            assertThat(slow.ended(run).path("status").asText()).isEqualTo("success");
        }
        slow.cleanUp();
        quick.cleanUp();
    }

    private static List<String> statuses(PlanSupport plans, List<String> executions) throws Exception {
        List<String> statuses = new ArrayList<>();
        for (String execution : executions) {
            var answer = plans.get("/api/v1/executions/" + execution);
            statuses.add(answer.statusCode() == 200 ? PlanSupport.JSON.readTree(answer.body()).path("status").asText()
                    : "unknown");
        }
        return statuses;
    }
}
