package io.integrationhub.fpo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * SQL of the {@code fpos} table. A change of state names the version it read ({@code WHERE version = :version}), so
 * two requests on one FPO never interleave: the second finds the version moved and is refused. A setup run holds
 * the FPO by a claim token with a lease instead (it calls AAA for seconds and must not hold a row lock).
 */
class FpoStore {

    private static final String COLUMNS = "id, tenant_id, name, registration_no, description, ceo, metadata, "
            + "aaa_org_id, ceo_user_id, status, setup_progress, setup_errors, setup_attempts, version, "
            + "status_changed_at, last_setup_at, synced_at, notified_at, created_by, created_at, updated_at";

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper json;
    private final RowMapper<Fpo> rows;

    FpoStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.rows = this::fpo;
    }

    /** The new row, or empty when the tenant has an FPO with that registration number (also under a race). */
    Optional<Fpo> insert(UUID id, String tenantId, NewFpo fpo, FpoStatus status, String createdBy) {
        return jdbc.query("INSERT INTO fpos (id, tenant_id, name, registration_no, description, ceo, metadata, status, "
                + "created_by) VALUES (:id, :tenant, :name, :registrationNo, :description, cast(:ceo AS jsonb), "
                + "cast(:metadata AS jsonb), :status, :createdBy) ON CONFLICT (tenant_id, registration_no) DO NOTHING "
                + "RETURNING " + COLUMNS, new MapSqlParameterSource("id", id).addValue("tenant", tenantId)
                .addValue("name", fpo.name()).addValue("registrationNo", fpo.registrationNo())
                .addValue("description", fpo.description()).addValue("ceo", write(fpo.ceo()))
                .addValue("metadata", write(fpo.metadata())).addValue("status", status.name())
                .addValue("createdBy", createdBy), rows).stream().findFirst();
    }

    /**
     * A local reference to an organization that exists in AAA: inserted ACTIVE (or INACTIVE), or, when the tenant's
     * FPO with that registration number has no organization yet (its create answer was lost), linked to it. Empty
     * when another reference won the race; the caller reads that one.
     */
    Optional<Fpo> insertSynced(UUID id, String tenantId, String aaaOrgId, String name, String registrationNo,
            String description, JsonNode metadata, FpoStatus status) {
        MapSqlParameterSource params = new MapSqlParameterSource("id", id).addValue("tenant", tenantId)
                .addValue("org", aaaOrgId).addValue("name", name).addValue("registrationNo", registrationNo)
                .addValue("description", description).addValue("metadata", write(metadata))
                .addValue("status", status.name());
        Optional<Fpo> linked = jdbc.query("UPDATE fpos SET aaa_org_id = :org, synced_at = now(), updated_at = now(), "
                + "version = version + 1 WHERE tenant_id = :tenant AND registration_no = :registrationNo "
                + "AND aaa_org_id IS NULL RETURNING " + COLUMNS, params, rows).stream().findFirst();
        if (linked.isPresent()) {
            return linked;
        }
        return jdbc.query("INSERT INTO fpos (id, tenant_id, name, registration_no, description, metadata, aaa_org_id, "
                + "status, setup_progress, synced_at, created_by) VALUES (:id, :tenant, :name, :registrationNo, "
                + ":description, cast(:metadata AS jsonb), :org, :status, '{\"synced\": {\"status\": \"done\"}}', "
                + "now(), 'aaa-sync') ON CONFLICT DO NOTHING RETURNING " + COLUMNS, params, rows).stream().findFirst();
    }

    Optional<Fpo> find(UUID id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM fpos WHERE id = :id", new MapSqlParameterSource("id", id), rows)
                .stream().findFirst();
    }

    Optional<Fpo> findByOrg(String aaaOrgId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM fpos WHERE aaa_org_id = :org",
                new MapSqlParameterSource("org", aaaOrgId), rows).stream().findFirst();
    }

    List<Fpo> page(String tenantId, FpoStatus status, int page, int size) {
        return jdbc.query("SELECT " + COLUMNS + " FROM fpos WHERE tenant_id = :tenant "
                + "AND (cast(:status AS text) IS NULL OR status = :status) ORDER BY created_at, id LIMIT :size OFFSET :offset",
                new MapSqlParameterSource("tenant", tenantId).addValue("status", status == null ? null : status.name())
                        .addValue("size", size).addValue("offset", (long) page * size), rows);
    }

    long count(String tenantId, FpoStatus status) {
        return jdbc.queryForObject("SELECT count(*) FROM fpos WHERE tenant_id = :tenant "
                + "AND (cast(:status AS text) IS NULL OR status = :status)", new MapSqlParameterSource("tenant", tenantId)
                .addValue("status", status == null ? null : status.name()), Long.class);
    }

    /**
     * Moves the FPO to {@code next} if it still has the version it was read with; {@code notified_at} is cleared on a
     * change of state (the stuck job's notice was about the old one). Empty: it changed meanwhile.
     */
    Optional<Fpo> transition(Fpo current, FpoStatus next) {
        current.status().check(next);
        return jdbc.query("UPDATE fpos SET status = :next, version = version + 1, updated_at = now(), "
                + "status_changed_at = CASE WHEN status = :next THEN status_changed_at ELSE now() END, "
                + "notified_at = CASE WHEN status = :next THEN notified_at ELSE NULL END "
                + "WHERE id = :id AND version = :version RETURNING " + COLUMNS,
                new MapSqlParameterSource("id", current.id()).addValue("version", current.version())
                        .addValue("next", next.name()), rows).stream().findFirst();
    }

    /** AAA is the source of truth: name, description and metadata as AAA holds them. */
    Optional<Fpo> syncFields(Fpo current, String name, String description, JsonNode metadata) {
        return jdbc.query("UPDATE fpos SET name = :name, description = :description, "
                + "metadata = coalesce(cast(:metadata AS jsonb), metadata), synced_at = now(), updated_at = now(), "
                + "version = version + 1 WHERE id = :id AND version = :version RETURNING " + COLUMNS,
                new MapSqlParameterSource("id", current.id()).addValue("version", current.version())
                        .addValue("name", name).addValue("description", description)
                        .addValue("metadata", metadata == null || metadata.isNull() ? null : write(metadata)), rows)
                .stream().findFirst();
    }

    Optional<Fpo> markSynced(Fpo current) {
        return jdbc.query("UPDATE fpos SET synced_at = now() WHERE id = :id RETURNING " + COLUMNS,
                new MapSqlParameterSource("id", current.id()), rows).stream().findFirst();
    }

    Optional<Fpo> markNotified(Fpo current) {
        return jdbc.query("UPDATE fpos SET notified_at = now(), version = version + 1 WHERE id = :id "
                + "AND version = :version RETURNING " + COLUMNS, new MapSqlParameterSource("id", current.id())
                .addValue("version", current.version()), rows).stream().findFirst();
    }

    Optional<Fpo> resetAttempts(Fpo current) {
        return jdbc.query("UPDATE fpos SET setup_attempts = 0, version = version + 1, updated_at = now() "
                + "WHERE id = :id AND version = :version RETURNING " + COLUMNS, new MapSqlParameterSource("id", current.id())
                .addValue("version", current.version()), rows).stream().findFirst();
    }

    /**
     * Takes the FPO for one setup run: it must be PENDING_SETUP or SETUP_FAILED and held by no live run. Empty: not
     * in such a state, or another run holds it.
     */
    Optional<Fpo> claimSetup(UUID id, UUID claim, Duration lease) {
        return jdbc.query("UPDATE fpos SET setup_claimed_by = :claim, setup_claimed_at = now() WHERE id = :id "
                + "AND status IN ('PENDING_SETUP', 'SETUP_FAILED') AND (setup_claimed_by IS NULL "
                + "OR setup_claimed_by = :claim OR setup_claimed_at < now() - cast(:lease AS interval)) RETURNING " + COLUMNS,
                new MapSqlParameterSource("id", id).addValue("claim", claim)
                        .addValue("lease", lease.toMillis() + " milliseconds"), rows).stream().findFirst();
    }

    /** Records one component's outcome of a run (kept even if the run dies later); false: the claim was lost. */
    boolean saveProgress(UUID id, UUID claim, String component, JsonNode outcome, String aaaOrgId, String ceoUserId) {
        return jdbc.update("UPDATE fpos SET setup_progress = setup_progress || jsonb_build_object(:component, "
                + "cast(:outcome AS jsonb)), aaa_org_id = coalesce(:org, aaa_org_id), "
                + "ceo_user_id = coalesce(:ceo, ceo_user_id), updated_at = now() "
                + "WHERE id = :id AND setup_claimed_by = :claim", new MapSqlParameterSource("id", id).addValue("claim", claim)
                .addValue("component", component).addValue("outcome", write(outcome)).addValue("org", aaaOrgId)
                .addValue("ceo", ceoUserId)) == 1;
    }

    /**
     * Ends a run: the state it reached, the whole progress and errors of the run, one more attempt if it counted;
     * empty: the claim was lost (another run took over).
     */
    Optional<Fpo> finishSetup(UUID id, UUID claim, FpoStatus next, JsonNode progress, JsonNode errors, String aaaOrgId,
            String ceoUserId, boolean countsAsAttempt) {
        return jdbc.query("UPDATE fpos SET status = :next, setup_progress = cast(:progress AS jsonb), "
                + "setup_errors = cast(:errors AS jsonb), aaa_org_id = coalesce(:org, aaa_org_id), "
                + "ceo_user_id = coalesce(:ceo, ceo_user_id), setup_attempts = setup_attempts + :attempt, "
                + "last_setup_at = now(), setup_claimed_by = NULL, setup_claimed_at = NULL, version = version + 1, "
                + "updated_at = now(), status_changed_at = CASE WHEN status = :next THEN status_changed_at ELSE now() END, "
                + "notified_at = CASE WHEN status = :next THEN notified_at ELSE NULL END "
                + "WHERE id = :id AND setup_claimed_by = :claim RETURNING " + COLUMNS,
                new MapSqlParameterSource("id", id).addValue("claim", claim).addValue("next", next.name())
                        .addValue("progress", write(progress)).addValue("errors", write(errors))
                        .addValue("org", aaaOrgId).addValue("ceo", ceoUserId)
                        .addValue("attempt", countsAsAttempt ? 1 : 0), rows).stream().findFirst();
    }

    void releaseClaim(UUID id, UUID claim) {
        jdbc.update("UPDATE fpos SET setup_claimed_by = NULL, setup_claimed_at = NULL WHERE id = :id "
                + "AND setup_claimed_by = :claim", new MapSqlParameterSource("id", id).addValue("claim", claim));
    }

    /** FPOs in {@code status} for longer than {@code age}, oldest first. */
    List<Fpo> inStateLongerThan(FpoStatus status, Duration age, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM fpos WHERE status = :status "
                + "AND status_changed_at < now() - cast(:age AS interval) ORDER BY status_changed_at LIMIT :limit",
                new MapSqlParameterSource("status", status.name()).addValue("age", age.toMillis() + " milliseconds")
                        .addValue("limit", limit), rows);
    }

    /** The scheduled reconciliation's batch: PENDING_SETUP FPOs no run holds, least recently tried first. */
    List<UUID> pendingSetups(int limit, Duration lease) {
        return jdbc.queryForList("SELECT id FROM fpos WHERE status = 'PENDING_SETUP' AND (setup_claimed_by IS NULL "
                + "OR setup_claimed_at < now() - cast(:lease AS interval)) ORDER BY last_setup_at NULLS FIRST, "
                + "created_at LIMIT :limit", new MapSqlParameterSource("limit", limit)
                .addValue("lease", lease.toMillis() + " milliseconds"), UUID.class);
    }

    /** FPOs with an AAA organization, in id order after {@code after}: the consistency check's pages. */
    List<Fpo> withOrganizationAfter(UUID after, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM fpos WHERE aaa_org_id IS NOT NULL "
                + "AND status IN ('ACTIVE', 'SETUP_FAILED', 'PENDING_SETUP', 'ORPHANED') AND id > :after "
                + "ORDER BY id LIMIT :limit", new MapSqlParameterSource("after", after).addValue("limit", limit), rows);
    }

    java.util.Map<String, Long> countByState() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.query("SELECT status, count(*) AS n FROM fpos GROUP BY status",
                (ResultSet rs) -> { counts.put(rs.getString("status"), rs.getLong("n")); });
        return counts;
    }

    private Fpo fpo(ResultSet rs, int row) throws SQLException {
        return new Fpo(rs.getObject("id", UUID.class), rs.getString("tenant_id"), rs.getString("name"),
                rs.getString("registration_no"), rs.getString("description"), read(rs.getString("ceo")),
                read(rs.getString("metadata")), rs.getString("aaa_org_id"), rs.getString("ceo_user_id"),
                FpoStatus.valueOf(rs.getString("status")), read(rs.getString("setup_progress")),
                read(rs.getString("setup_errors")), rs.getInt("setup_attempts"), rs.getLong("version"),
                instant(rs, "status_changed_at"), instant(rs, "last_setup_at"), instant(rs, "synced_at"),
                instant(rs, "notified_at"), rs.getString("created_by"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private JsonNode read(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("fpos holds JSON PostgreSQL accepted but Jackson cannot read", e);
        }
    }

    private String write(Object value) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
