package io.integrationhub.fpo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.HubIntegrationTest;
import java.net.http.HttpResponse;
import java.util.UUID;
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
}
