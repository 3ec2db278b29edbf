package io.integrationhub.fpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One setup run of one FPO (exchange property {@code fpoSetup} of the fpo-setup routes): which components are done,
 * which the run still has to do, and the parameters of each AAA call. Components: {@code ceo_user},
 * {@code organization}, {@code group:<name>} (the group and its permissions), {@code ceo_role}. A component is due
 * when it is not done and what it needs is there (the groups and the role need the organization, the role the user).
 */
public final class SetupRun {

    public static final String PROPERTY = "fpoSetup";
    static final String CEO_USER = "ceo_user";
    static final String ORGANIZATION = "organization";
    static final String GROUP = "group:";
    static final String CEO_ROLE = "ceo_role";

    final UUID claim;
    final Fpo fpo;
    final String trigger;
    final long startedNanos = System.nanoTime();
    private final Map<String, List<String>> groups;
    private final String ceoRole;
    final ObjectNode progress;
    final ObjectNode errors = JsonNodeFactory.instance.objectNode();
    private final Map<String, String> groupIds = new LinkedHashMap<>();
    String orgId;
    String ceoUserId;
    String unreachable;

    SetupRun(Fpo fpo, UUID claim, String trigger, Map<String, List<String>> groups, String ceoRole) {
        this.fpo = fpo;
        this.claim = claim;
        this.trigger = trigger;
        this.groups = groups;
        this.ceoRole = ceoRole;
        this.progress = fpo.setupProgress() instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
        this.orgId = fpo.aaaOrgId();
        this.ceoUserId = fpo.ceoUserId();
    }

    /** Every component of a setup, in order. */
    List<String> components() {
        List<String> all = new ArrayList<>(List.of(CEO_USER, ORGANIZATION));
        groups.keySet().forEach(g -> all.add(GROUP + g));
        all.add(CEO_ROLE);
        return all;
    }

    public boolean done(String component) {
        return "done".equals(progress.path(component).path("status").asText());
    }

    /** Whether the run should do {@code component} now. */
    public boolean needs(String component) {
        if (unreachable != null || done(component)) {
            return false;
        }
        return switch (component) {
            case CEO_USER -> fpo.ceo() != null && !fpo.ceo().isNull();
            case ORGANIZATION -> true;
            case CEO_ROLE -> orgId != null && ceoUserId != null;
            default -> component.startsWith(GROUP) && orgId != null;
        };
    }

    /** The group names whose component is due. */
    public List<String> pendingGroups() {
        return groups.keySet().stream().filter(g -> needs(GROUP + g)).toList();
    }

    /** What a component that was not done waits for; null when it was simply not reached. */
    String waitsFor(String component) {
        if ((component.startsWith(GROUP) || component.equals(CEO_ROLE)) && orgId == null) {
            return ORGANIZATION;
        }
        if (component.equals(CEO_ROLE) && ceoUserId == null) {
            return CEO_USER;
        }
        return null;
    }

    public Map<String, Object> findCeoParameters() {
        return Map.of("phoneNumber", fpo.ceo().path("phone_number").asText());
    }

    public Map<String, Object> createCeoParameters() {
        JsonNode ceo = fpo.ceo();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("phoneNumber", ceo.path("phone_number").asText());
        p.put("firstName", ceo.path("first_name").asText());
        p.put("lastName", ceo.path("last_name").asText());
        if (ceo.hasNonNull("email")) {
            p.put("email", ceo.path("email").asText());
        }
        return p;
    }

    /**
     * createOrganization with an idempotency key derived from the FPO: every retry, every replica and every later
     * run for this FPO gets the one organization AAA made first.
     */
    public Map<String, Object> organizationParameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("idempotencyKey", "fpo-" + fpo.id());
        p.put("tenantId", fpo.tenantId());
        p.put("name", fpo.name());
        p.put("type", "FPO");
        p.put("registrationNo", fpo.registrationNo());
        if (fpo.description() != null) {
            p.put("description", fpo.description());
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (fpo.metadata() != null) {
            fpo.metadata().fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        }
        metadata.put("hub_fpo_id", fpo.id().toString());
        p.put("metadata", metadata);
        return p;
    }

    public Map<String, Object> groupParameters(String group) {
        return Map.of("orgId", orgId, "name", group);
    }

    public List<Map<String, Object>> permissionParameters(String group) {
        String groupId = groupIds.get(group);
        return groups.get(group).stream()
                .<Map<String, Object>>map(p -> Map.of("orgId", orgId, "groupId", groupId, "permission", p)).toList();
    }

    public Map<String, Object> roleParameters() {
        return Map.of("orgId", orgId, "userId", ceoUserId, "role", ceoRole);
    }

    void groupId(String group, String id) {
        groupIds.put(group, id);
    }

    String groupId(String group) {
        return groupIds.get(group);
    }

    /** The component's outcome in setup_progress: done (with the AAA id), failed, blocked, pending. */
    static ObjectNode outcome(String status, String aaaId) {
        ObjectNode outcome = JsonNodeFactory.instance.objectNode().put("status", status);
        if (aaaId != null) {
            outcome.put("aaa_id", aaaId);
        }
        return outcome.put("at", Instant.now().toString());
    }

    boolean complete() {
        return components().stream().allMatch(this::done);
    }
}
