package io.integrationhub.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Idempotency-Key records in PostgreSQL ({@code idempotency_keys}). Each statement runs on its own (auto-commit):
 * the claim must be visible to concurrent requests at once, whatever the request's own transactions do.
 *
 * <p>By default the records are committed with {@code synchronous_commit = off}, set inside each statement by
 * {@code set_config(..., true)} (one round trip, no second pool): a synchronous commit waits for a WAL flush,
 * which costs milliseconds per request on ordinary disks. Visibility to other requests is immediate either way.
 * Durability: PostgreSQL flushes WAL in order, so a claim is durable as soon as the business transaction it
 * guards commits (synchronously); only a PostgreSQL crash within about three {@code wal_writer_delay} (600 ms)
 * of an answer can lose its completion, and the key then behaves like a request left in progress (409 until
 * {@code in-progress-timeout}, then it runs again), the same as a hub crash between commit and answer.
 * {@code hub.idempotency.synchronous-commit=true} commits them synchronously instead.
 */
public class IdempotencyStore {

    /** Whose key: keys are scoped per tenant and user, as the draft asks (one client's key never meets another's). */
    public record Key(String tenantId, String userId, String key) {}

    /** What to do with a request that carries a key. */
    public sealed interface Claim {}

    /**
     * The request is ours to run: the key was new, expired, or left in progress by a dead request. {@code token}
     * names this claim: only its holder completes or releases the row, so a request whose claim timed out and was
     * taken over cannot touch the new owner's row.
     */
    public record Claimed(UUID token) implements Claim {}

    /** A request with this key completed: replay its response. */
    public record Completed(int status, Map<String, String> headers, byte[] body) implements Claim {}

    /** A request with this key is still running. */
    public record InProgress() implements Claim {}

    /** The key was used for a different request (method, path or body). */
    public record Mismatch(String method, String path) implements Claim {}

    private static final String CLAIM = """
            INSERT INTO idempotency_keys AS k (tenant_id, user_id, idempotency_key, fingerprint, method, path,
                                              state, locked_until, expires_at, claim_token)
            SELECT ?, ?, ?, ?, ?, ?, 'in_progress', now() + make_interval(secs => ?), now() + make_interval(secs => ?), ?
            WHERE %s
            ON CONFLICT (tenant_id, user_id, idempotency_key) DO UPDATE
               SET fingerprint = excluded.fingerprint, method = excluded.method, path = excluded.path,
                   claim_token = excluded.claim_token,
                   state = 'in_progress', locked_until = excluded.locked_until, response_status = NULL,
                   response_headers = NULL, response_body = NULL, created_at = now(), completed_at = NULL,
                   expires_at = excluded.expires_at
             WHERE k.expires_at <= now()
                OR (k.state = 'in_progress' AND k.locked_until <= now() AND k.fingerprint = excluded.fingerprint)
            RETURNING 1
            """;

    private static final String COMPLETE = """
            UPDATE idempotency_keys SET state = 'completed', response_status = ?, response_headers = ?::jsonb,
                   response_body = ?, completed_at = now()
            WHERE tenant_id = ? AND user_id = ? AND idempotency_key = ? AND claim_token = ? AND state = 'in_progress'
              AND %s
            """;

    private static final String RELEASE = """
            DELETE FROM idempotency_keys WHERE tenant_id = ? AND user_id = ? AND idempotency_key = ?
              AND claim_token = ? AND state = 'in_progress' AND %s
            """;

    /** timer buckets start here: a statement usually takes well under Micrometer's default floor of 1 ms */
    private static final Duration MIN_BUCKET = Duration.ofNanos(100_000);

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Duration retention;
    private final Duration inProgressTimeout;
    private final String claimStatement;
    private final String completeStatement;
    private final String releaseStatement;
    /** the claim is the part of the key's cost a client waits for; the record is written after the answer */
    private final Timer claims;
    private final Timer records;

    public IdempotencyStore(JdbcTemplate jdbc, Duration retention, Duration inProgressTimeout, boolean synchronousCommit,
            MeterRegistry meters, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.retention = retention;
        this.inProgressTimeout = inProgressTimeout;
        // a condition that is always true and, as a side effect, makes the statement's commit asynchronous
        String commitMode = synchronousCommit ? "true" : "set_config('synchronous_commit', 'off', true) IS NOT NULL";
        this.claimStatement = CLAIM.formatted(commitMode);
        this.completeStatement = COMPLETE.formatted(commitMode);
        this.releaseStatement = RELEASE.formatted(commitMode);
        this.claims = Timer.builder("hub.idempotency.claim").description("Idempotency-Key claims, before the request runs")
                .publishPercentileHistogram().minimumExpectedValue(MIN_BUCKET).register(meters);
        this.records = Timer.builder("hub.idempotency.record").description("Idempotency-Key answers recorded, after they were sent")
                .publishPercentileHistogram().minimumExpectedValue(MIN_BUCKET).register(meters);
    }

    /** SHA-256 over method, path with query, and body: what "the same request" means. */
    public static byte[] fingerprint(String method, String pathAndQuery, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(method.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(pathAndQuery.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body == null ? new byte[0] : body);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /**
     * Claims the key for this request in one statement: a new key is inserted; an expired one, or one left in
     * progress past the timeout by a request with the same fingerprint, is taken over. The primary key makes
     * exactly one of many concurrent claims win. Otherwise says why not.
     */
    public Claim claim(Key key, byte[] fingerprint, String method, String path) {
        return claims.record(() -> claimOnce(key, fingerprint, method, path));
    }

    private Claim claimOnce(Key key, byte[] fingerprint, String method, String path) {
        for (int attempt = 0; attempt < 3; attempt++) {
            UUID token = UUID.randomUUID();
            List<Integer> won = jdbc.queryForList(claimStatement, Integer.class, key.tenantId(), key.userId(), key.key(),
                    fingerprint, method, path, seconds(inProgressTimeout), seconds(retention), token);
            if (!won.isEmpty()) {
                return new Claimed(token);
            }
            List<Claim> existing = jdbc.query("""
                    SELECT fingerprint, method, path, state, response_status, response_headers, response_body
                    FROM idempotency_keys WHERE tenant_id = ? AND user_id = ? AND idempotency_key = ?
                    """, (rs, n) -> {
                if (!Arrays.equals(rs.getBytes("fingerprint"), fingerprint)) {
                    return new Mismatch(rs.getString("method"), rs.getString("path"));
                }
                if ("in_progress".equals(rs.getString("state"))) {
                    return new InProgress();
                }
                return new Completed(rs.getInt("response_status"), headers(rs.getString("response_headers")),
                        rs.getBytes("response_body"));
            }, key.tenantId(), key.userId(), key.key());
            if (!existing.isEmpty()) {
                return existing.get(0);
            }
            // released (a 5xx) between the two statements: claim again
        }
        return new InProgress();
    }

    /**
     * Stores the response to replay; only the claim's own in-progress row is completed.
     *
     * @return false when the row is no longer this claim's (it timed out and another request took the key over)
     */
    public boolean complete(Key key, Claimed claim, int status, Map<String, String> headers, byte[] body) {
        String headerJson;
        try {
            headerJson = json.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response headers are plain strings", e);
        }
        Integer updated = records.record(() -> jdbc.update(completeStatement, status, headerJson, body, key.tenantId(),
                key.userId(), key.key(), claim.token()));
        return updated != null && updated > 0;
    }

    /**
     * Forgets a claim whose request failed (5xx or an exception), so a retry with the key runs again; a row another
     * request has since taken over is left alone.
     *
     * @return false when the row is no longer this claim's
     */
    public boolean release(Key key, Claimed claim) {
        return jdbc.update(releaseStatement, key.tenantId(), key.userId(), key.key(), claim.token()) > 0;
    }

    /** Deletes expired keys; the Quartz route idempotency-key-purge calls it. */
    public int purgeExpired() {
        return jdbc.update("DELETE FROM idempotency_keys WHERE expires_at <= now()");
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private Map<String, String> headers(String text) {
        if (text == null) {
            return Map.of();
        }
        try {
            return json.readValue(text, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("idempotency_keys.response_headers is not a JSON object of strings", e);
        }
    }
}
