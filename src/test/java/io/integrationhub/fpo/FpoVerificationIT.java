package io.integrationhub.fpo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.HubIntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * With hub.fpo.verification-required a new FPO waits in PENDING_VERIFICATION, untouched in AAA, until an
 * fpo:verify caller verifies it; then it is set up. (A hub of its own: the setting is read at start-up. It is closed
 * after this class so it does not stay beside the shared one.)
 */
@TestPropertySource(properties = "hub.fpo.verification-required=true")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FpoVerificationIT extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;
    @Autowired CamelContext camel;
    @Autowired FpoLifecycle lifecycle;
    @Autowired FpoStore store;

    @Test
    void aNewFpoWaitsForVerificationWithoutAnyAaaCallThenVerifyingSetsItUp() throws Exception {
        FpoSupport fpos = new FpoSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        fpos.resetCalls();

        JsonNode created = fpos.created();
        String id = created.path("id").asText();

        assertThat(created.path("status").asText()).isEqualTo("PENDING_VERIFICATION");
        assertThat(created.path("aaa_org_id").isNull()).isTrue();
        assertThat(fpos.calls("findUserByPhone") + fpos.calls("createUser") + fpos.calls("createOrganization")).isZero();
        assertThat(fpos.post("/api/v1/fpos/" + id + "/retry-setup").body())
                .contains("from PENDING_VERIFICATION to PENDING_SETUP");

        HttpResponse<String> verified = fpos.post("/api/v1/fpos/" + id + "/verify");

        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(FpoSupport.JSON.readTree(verified.body()).path("status").asText()).isEqualTo("ACTIVE");
        assertThat(fpos.eventTypes(id)).containsExactly("fpo.created", "fpo.verified", "fpo.activated");
        assertThat(fpos.organizations()).hasSize(1);
    }

    /**
     * The scheduled reconciliation picks unclaimed PENDING_SETUP FPOs (every 3 s in the test profile). Verifying
     * must hand the FPO to its own setup run in the same transaction that makes it PENDING_SETUP: before, the job
     * could claim it in between and the verify request answered 409 "the setup is running already".
     */
    @Test
    void verifyingTakesTheSetupInItsOwnTransactionSoTheReconcileJobCannotTakeItFirst() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        FpoSupport fpos = new FpoSupport(port, jdbc, tenant);
        String id = fpos.created().path("id").asText();
        Exchange exchange = new DefaultExchange(camel);

        lifecycle.verify(exchange, tenant, id);

        String claim = exchange.getProperty(FpoSetup.CLAIM, String.class);
        assertThat(claim).isNotNull();
        assertThat(jdbc.queryForObject("SELECT status || ' ' || setup_claimed_by FROM fpos WHERE id = ?::uuid",
                String.class, id)).isEqualTo("PENDING_SETUP " + claim);
        assertThat(store.pendingSetups(10_000, Duration.ofMinutes(10))).doesNotContain(UUID.fromString(id));
    }
}
