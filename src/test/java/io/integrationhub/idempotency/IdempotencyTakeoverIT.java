package io.integrationhub.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.idempotency.IdempotencyStore.Claim;
import io.integrationhub.idempotency.IdempotencyStore.Claimed;
import io.integrationhub.idempotency.IdempotencyStore.Key;
import io.integrationhub.support.HubIntegrationTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A request whose claim timed out and was taken over must not touch the new owner's row: its late 5xx release and
 * its late completion are both ignored, while the new owner's own completion works.
 */
class IdempotencyTakeoverIT extends HubIntegrationTest {

    @Autowired IdempotencyStore store;
    @Autowired JdbcTemplate jdbc;

    private final Key key = new Key("t-takeover-" + UUID.randomUUID(), "u-1", "k-1");
    private final byte[] fingerprint = IdempotencyStore.fingerprint("POST", "/api/v1/x", new byte[0]);

    @Test
    void aLateReleaseOrCompletionOfATakenOverClaimLeavesTheNewOwnersRowAlone() {
        Claimed first = (Claimed) store.claim(key, fingerprint, "POST", "/api/v1/x");
        timeOut();
        Claim second = store.claim(key, fingerprint, "POST", "/api/v1/x");
        assertThat(second).as("taken over after the in-progress timeout").isInstanceOf(Claimed.class);
        Claimed owner = (Claimed) second;
        assertThat(owner.token()).isNotEqualTo(first.token());

        // the first request's late 5xx: its release must not free the key the new owner is running
        assertThat(store.release(key, first)).isFalse();
        assertThat(state()).isEqualTo("in_progress");
        assertThat(store.claim(key, fingerprint, "POST", "/api/v1/x")).isInstanceOf(IdempotencyStore.InProgress.class);

        // nor may its late answer be recorded as the key's answer
        assertThat(store.complete(key, first, 200, Map.of(), "{\"from\":\"first\"}".getBytes())).isFalse();
        assertThat(state()).isEqualTo("in_progress");

        assertThat(store.complete(key, owner, 201, Map.of("Content-Type", "application/json"),
                "{\"from\":\"owner\"}".getBytes())).isTrue();
        Claim replay = store.claim(key, fingerprint, "POST", "/api/v1/x");
        assertThat(replay).isInstanceOf(IdempotencyStore.Completed.class);
        assertThat(new String(((IdempotencyStore.Completed) replay).body())).isEqualTo("{\"from\":\"owner\"}");
        assertThat(((IdempotencyStore.Completed) replay).status()).isEqualTo(201);
    }

    @Test
    void theOwnerReleasesItsOwnClaimSoARetryRunsAgain() {
        Claimed claim = (Claimed) store.claim(key, fingerprint, "POST", "/api/v1/x");

        assertThat(store.release(key, claim)).isTrue();

        assertThat(state()).isNull();
        assertThat(store.claim(key, fingerprint, "POST", "/api/v1/x")).isInstanceOf(Claimed.class);
    }

    /** As if the first request had run past hub.idempotency.in-progress-timeout. */
    private void timeOut() {
        jdbc.update("UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE tenant_id = ?",
                key.tenantId());
    }

    private String state() {
        return jdbc.query("SELECT state FROM idempotency_keys WHERE tenant_id = ? AND idempotency_key = ?",
                rs -> rs.next() ? rs.getString(1) : null, key.tenantId(), key.key());
    }
}
