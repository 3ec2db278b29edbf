package io.integrationhub.aaa.simulator;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Built-in AAA (identity service) simulator, served over real HTTP at {@code /sim/aaa} in the dev profile, so the
 * hub and its tests talk HTTP to something that behaves like AAA. It implements config/aaa-openapi.yaml; state is
 * in memory.
 * <p>
 * Each handler method is named as the contract's operationId: fault injection ({@code failOperations} of
 * {@code PUT /sim/aaa/faults}) and the call counts ({@code GET /sim/aaa/calls}) name operations so.
 * <p>
 * Thread safety: every map is concurrent, so reads take no lock. Writes that read and change more than one map
 * (an organization with its Idempotency-Key and natural key, a group checked against its organization, a delete
 * and what hangs off the organization) hold {@link #writes}, so two of them never interleave.
 */
@RestController
@RequestMapping("/sim/aaa")
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
class AaaSimulatorController {

    static final String API_KEY = "X-API-Key";
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final Set<String> STATUSES = Set.of("ACTIVE", "INACTIVE");
    private static final int MAX_PAGE_SIZE = 200;

    record NewOrganization(String tenantId, String name, String type, String registrationNo, String description,
            Map<String, String> metadata) {}

    /** A PATCH body: a null field stays as it is. */
    record OrganizationPatch(String name, String description, String status, Map<String, String> metadata) {}

    record Organization(String id, String tenantId, String name, String type, String registrationNo,
            String description, String status, Map<String, String> metadata, int userCount, int groupCount,
            Instant createdAt, Instant updatedAt) {}

    record NewUser(String phoneNumber, String firstName, String lastName, String email) {}

    record User(String id, String phoneNumber, String firstName, String lastName, String email, Instant createdAt) {}

    record NewGroup(String name) {}

    record Group(String id, String organizationId, String name, List<String> permissions) {}

    record NewPermission(String permission) {}

    record RoleAssignment(String organizationId, String userId, String role, boolean assigned) {}

    record Page<T>(List<T> items, int page, int size, int total) {

        /** A list that is not paged: all of it on page 0. */
        static <T> Page<T> all(List<T> items) {
            return new Page<>(items, 0, items.size(), items.size());
        }
    }

    /** An organization as stored; its counts are worked out when it is shown. */
    private record StoredOrganization(String id, String tenantId, String name, String type, String registrationNo,
            String description, String status, Map<String, String> metadata, Instant createdAt, Instant updatedAt) {

        NaturalKey naturalKey() {
            return new NaturalKey(tenantId, type, registrationNo);
        }
    }

    /** What makes two organizations the same one in AAA, whatever their Idempotency-Keys. */
    private record NaturalKey(String tenantId, String type, String registrationNo) {}

    private final Object writes = new Object();
    private final Map<String, StoredOrganization> organizations = new ConcurrentHashMap<>();
    private final Map<String, String> organizationByIdempotencyKey = new ConcurrentHashMap<>();
    private final Map<NaturalKey, String> organizationByNaturalKey = new ConcurrentHashMap<>();
    private final Map<String, User> usersById = new ConcurrentHashMap<>();
    private final Map<String, User> usersByPhone = new ConcurrentHashMap<>();
    /** organization id → group id → group */
    private final Map<String, Map<String, Group>> groupsByOrganization = new ConcurrentHashMap<>();
    /** organization id → user id → roles; a user is listed only once given a role (roles are never taken away) */
    private final Map<String, Map<String, Set<String>>> rolesByOrganization = new ConcurrentHashMap<>();

    /** Runs before every operation of this controller: AAA refuses a call without an API key (any key will do). */
    @ModelAttribute
    void requireApiKey(@RequestHeader(name = API_KEY, required = false) String apiKey) {
        if (blank(apiKey)) {
            throw new AaaProblem(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", "the " + API_KEY + " header is required");
        }
    }

    /**
     * 201 with a new organization. The same Idempotency-Key again answers 200 with the organization it created,
     * whatever the body; another key for the same tenant, type and registration number answers 409.
     */
    @PostMapping("/organizations")
    ResponseEntity<Organization> createOrganization(
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey,
            @RequestBody(required = false) NewOrganization request) {
        if (blank(idempotencyKey)) {
            throw new AaaProblem(HttpStatus.BAD_REQUEST, "BAD_REQUEST", "the " + IDEMPOTENCY_KEY + " header is required");
        }
        synchronized (writes) {
            String replayed = organizationByIdempotencyKey.get(idempotencyKey);
            if (replayed != null) {
                return ResponseEntity.ok(view(organizations.get(replayed)));
            }
            NewOrganization body = request != null ? request : new NewOrganization(null, null, null, null, null, null);
            required("tenantId", body.tenantId());
            required("name", body.name());
            required("type", body.type());
            required("registrationNo", body.registrationNo());
            Map<String, String> metadata = metadata(body.metadata() == null ? Map.of() : body.metadata());
            NaturalKey naturalKey = new NaturalKey(body.tenantId(), body.type(), body.registrationNo());
            String existing = organizationByNaturalKey.get(naturalKey);
            if (existing != null) {
                throw AaaProblem.alreadyExists("tenant " + body.tenantId() + " already has an organization of type "
                        + body.type() + " with registrationNo " + body.registrationNo(), existing);
            }
            Instant now = Instant.now();
            StoredOrganization organization = new StoredOrganization(newId("org-"), body.tenantId(), body.name(),
                    body.type(), body.registrationNo(), body.description(), "ACTIVE", metadata, now, now);
            organizations.put(organization.id(), organization);
            organizationByIdempotencyKey.put(idempotencyKey, organization.id());
            organizationByNaturalKey.put(naturalKey, organization.id());
            return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}")
                    .buildAndExpand(organization.id()).toUri()).body(view(organization));
        }
    }

    @GetMapping("/organizations/{orgId}")
    Organization getOrganization(@PathVariable String orgId) {
        return view(organization(orgId));
    }

    /** Ordered by createdAt, then id, so that pages do not overlap or skip while nothing is created. */
    @GetMapping("/organizations")
    Page<Organization> listOrganizations(@RequestParam(required = false) String type,
            @RequestParam(required = false) String tenantId, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        if (page < 0) {
            throw AaaProblem.businessRule("page must be 0 or more");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw AaaProblem.businessRule("size must be between 1 and " + MAX_PAGE_SIZE);
        }
        List<StoredOrganization> matching = organizations.values().stream()
                .filter(o -> blank(type) || o.type().equals(type))
                .filter(o -> blank(tenantId) || o.tenantId().equals(tenantId))
                .sorted(Comparator.comparing(StoredOrganization::createdAt).thenComparing(StoredOrganization::id))
                .toList();
        List<Organization> items = matching.stream().skip((long) page * size).limit(size).map(this::view).toList();
        return new Page<>(items, page, size, matching.size());
    }

    /** Changes the fields the body has; {@code metadata} replaces the whole map. */
    @PatchMapping("/organizations/{orgId}")
    Organization updateOrganization(@PathVariable String orgId, @RequestBody(required = false) OrganizationPatch patch) {
        synchronized (writes) {
            StoredOrganization current = organization(orgId);
            if (patch == null) {
                return view(current);
            }
            if (patch.name() != null && patch.name().isBlank()) {
                throw AaaProblem.businessRule("name must not be blank");
            }
            if (patch.status() != null && !STATUSES.contains(patch.status())) {
                throw AaaProblem.businessRule("status must be ACTIVE or INACTIVE, not '" + patch.status() + "'");
            }
            StoredOrganization updated = new StoredOrganization(current.id(), current.tenantId(),
                    patch.name() != null ? patch.name() : current.name(), current.type(), current.registrationNo(),
                    patch.description() != null ? patch.description() : current.description(),
                    patch.status() != null ? patch.status() : current.status(),
                    patch.metadata() != null ? metadata(patch.metadata()) : current.metadata(),
                    current.createdAt(), after(current.updatedAt()));
            organizations.put(orgId, updated);
            return view(updated);
        }
    }

    /**
     * Simulator operator only (not called by the hub): removes the organization with its groups and roles, as if
     * someone deleted it in AAA behind the hub's back. Its Idempotency-Keys go too, so the hub can create it again.
     */
    @DeleteMapping("/organizations/{orgId}")
    ResponseEntity<Void> deleteOrganization(@PathVariable String orgId) {
        synchronized (writes) {
            StoredOrganization organization = organization(orgId);
            organizations.remove(orgId);
            organizationByNaturalKey.remove(organization.naturalKey());
            organizationByIdempotencyKey.values().removeIf(orgId::equals);
            groupsByOrganization.remove(orgId);
            rolesByOrganization.remove(orgId);
        }
        return ResponseEntity.noContent().build();
    }

    /** 201 with a new user; a phone number that is taken answers 409 with the existing user's id. */
    @PostMapping("/users")
    ResponseEntity<User> createUser(@RequestBody(required = false) NewUser request) {
        NewUser body = request != null ? request : new NewUser(null, null, null, null);
        required("phoneNumber", body.phoneNumber());
        if (!E164.matcher(body.phoneNumber()).matches()) {
            throw AaaProblem.businessRule("phoneNumber must be E.164: '+', country code and number, 7 to 15 digits");
        }
        required("firstName", body.firstName());
        required("lastName", body.lastName());
        User candidate = new User(newId("usr-"), body.phoneNumber(), body.firstName(), body.lastName(), body.email(),
                Instant.now());
        // users are never removed, so the phone map alone decides who is first; no lock needed
        User existing = usersByPhone.putIfAbsent(candidate.phoneNumber(), candidate);
        if (existing != null) {
            throw AaaProblem.alreadyExists("a user with phoneNumber " + candidate.phoneNumber() + " already exists",
                    existing.id());
        }
        usersById.put(candidate.id(), candidate);
        // no Location: the contract has no operation that reads one user by id
        return ResponseEntity.status(HttpStatus.CREATED).body(candidate);
    }

    /** A page of the one user with that phone number, or an empty page. */
    @GetMapping("/users")
    Page<User> findUserByPhone(@RequestParam(required = false) String phoneNumber) {
        if (blank(phoneNumber)) {
            throw AaaProblem.businessRule("the phoneNumber query parameter is required");
        }
        User user = usersByPhone.get(phoneNumber);
        return Page.all(user == null ? List.of() : List.of(user));
    }

    @GetMapping("/organizations/{orgId}/groups")
    Page<Group> listGroups(@PathVariable String orgId) {
        organization(orgId);
        return Page.all(groupsByOrganization.getOrDefault(orgId, Map.of()).values().stream()
                .sorted(Comparator.comparing(Group::name).thenComparing(Group::id)).toList());
    }

    /** 201 with a new group; a name the organization has already answers 409 with that group's id. */
    @PostMapping("/organizations/{orgId}/groups")
    ResponseEntity<Group> createGroup(@PathVariable String orgId, @RequestBody(required = false) NewGroup request) {
        synchronized (writes) {
            organization(orgId);
            String name = request == null ? null : request.name();
            required("name", name);
            Map<String, Group> groups = groupsByOrganization.computeIfAbsent(orgId, id -> new ConcurrentHashMap<>());
            for (Group existing : groups.values()) {
                if (existing.name().equals(name)) {
                    throw AaaProblem.alreadyExists("organization " + orgId + " already has a group named '" + name
                            + "'", existing.id());
                }
            }
            Group group = new Group(newId("grp-"), orgId, name, List.of());
            groups.put(group.id(), group);
            return ResponseEntity.status(HttpStatus.CREATED).body(group);
        }
    }

    /** Gives the group the permission; one it holds already is fine (the group comes back unchanged). */
    @PostMapping("/organizations/{orgId}/groups/{groupId}/permissions")
    Group assignPermission(@PathVariable String orgId, @PathVariable String groupId,
            @RequestBody(required = false) NewPermission request) {
        synchronized (writes) {
            organization(orgId);
            Group group = groupsByOrganization.getOrDefault(orgId, Map.of()).get(groupId);
            if (group == null) {
                throw AaaProblem.notFound("group " + groupId + " in organization " + orgId);
            }
            String permission = request == null ? null : request.permission();
            required("permission", permission);
            if (group.permissions().contains(permission)) {
                return group;
            }
            List<String> permissions = new ArrayList<>(group.permissions());
            permissions.add(permission);
            Group updated = new Group(group.id(), orgId, group.name(), List.copyOf(permissions));
            groupsByOrganization.get(orgId).put(groupId, updated);
            return updated;
        }
    }

    @GetMapping("/organizations/{orgId}/users/{userId}/roles/{role}")
    RoleAssignment checkRole(@PathVariable String orgId, @PathVariable String userId, @PathVariable String role) {
        organization(orgId);
        user(userId);
        boolean assigned = rolesByOrganization.getOrDefault(orgId, Map.of()).getOrDefault(userId, Set.of()).contains(role);
        return new RoleAssignment(orgId, userId, role, assigned);
    }

    /** Gives the user the role in the organization; a role the user holds already is fine. */
    @PutMapping("/organizations/{orgId}/users/{userId}/roles/{role}")
    RoleAssignment assignRole(@PathVariable String orgId, @PathVariable String userId, @PathVariable String role) {
        synchronized (writes) {
            organization(orgId);
            user(userId);
            rolesByOrganization.computeIfAbsent(orgId, id -> new ConcurrentHashMap<>())
                    .computeIfAbsent(userId, id -> ConcurrentHashMap.newKeySet()).add(role);
        }
        return new RoleAssignment(orgId, userId, role, true);
    }

    @ExceptionHandler(AaaProblem.class)
    ResponseEntity<ProblemDetail> problem(AaaProblem problem) {
        return ResponseEntity.status(problem.body.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem.body);
    }

    /** A body that is not JSON of the expected shape, or a query parameter that is not a number: 400. */
    @ExceptionHandler({HttpMessageNotReadableException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<ProblemDetail> unreadable(Exception e) {
        String detail = e instanceof MethodArgumentTypeMismatchException mismatch
                ? "parameter '" + mismatch.getName() + "' must be a number"
                : "the request body is not JSON of the expected shape";
        return problem(new AaaProblem(HttpStatus.BAD_REQUEST, "BAD_REQUEST", detail));
    }

    private Organization view(StoredOrganization o) {
        int userCount = rolesByOrganization.getOrDefault(o.id(), Map.of()).size();
        int groupCount = groupsByOrganization.getOrDefault(o.id(), Map.of()).size();
        return new Organization(o.id(), o.tenantId(), o.name(), o.type(), o.registrationNo(), o.description(),
                o.status(), o.metadata(), userCount, groupCount, o.createdAt(), o.updatedAt());
    }

    private StoredOrganization organization(String orgId) {
        StoredOrganization organization = organizations.get(orgId);
        if (organization == null) {
            throw AaaProblem.notFound("organization " + orgId);
        }
        return organization;
    }

    private User user(String userId) {
        User user = usersById.get(userId);
        if (user == null) {
            throw AaaProblem.notFound("user " + userId);
        }
        return user;
    }

    /** A copy, sorted so the JSON is the same every time; a null value is a business error. */
    private static Map<String, String> metadata(Map<String, String> metadata) {
        metadata.forEach((key, value) -> {
            if (value == null) {
                throw AaaProblem.businessRule("metadata." + key + " must be a string, not null");
            }
        });
        return Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /** Now, but always later than {@code previous}, so that an update is seen to change updatedAt. */
    private static Instant after(Instant previous) {
        Instant now = Instant.now();
        return now.isAfter(previous) ? now : previous.plus(1, ChronoUnit.MICROS);
    }

    private static void required(String field, String value) {
        if (blank(value)) {
            throw AaaProblem.businessRule(field + " is required");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String newId(String prefix) {
        return prefix + UUID.randomUUID();
    }

    /** An answer of the contract's problem shape: type urn:aaa:&lt;code&gt;, title, status, detail, code. */
    static final class AaaProblem extends RuntimeException {

        private final transient ProblemDetail body;

        AaaProblem(HttpStatus status, String code, String detail) {
            super(detail, null, false, false);   // an answer, not a failure: no stack trace
            body = ProblemDetail.forStatusAndDetail(status, detail);
            body.setType(URI.create("urn:aaa:" + code.toLowerCase(Locale.ROOT).replace('_', '-')));
            body.setProperty("code", code);
        }

        static AaaProblem notFound(String what) {
            return new AaaProblem(HttpStatus.NOT_FOUND, "NOT_FOUND", "no " + what);
        }

        static AaaProblem alreadyExists(String detail, String existingId) {
            AaaProblem problem = new AaaProblem(HttpStatus.CONFLICT, "ALREADY_EXISTS", detail);
            problem.body.setProperty("existingId", existingId);
            return problem;
        }

        static AaaProblem businessRule(String reason) {
            AaaProblem problem = new AaaProblem(HttpStatus.UNPROCESSABLE_ENTITY, "BUSINESS_RULE", reason);
            problem.body.setProperty("reason", reason);
            return problem;
        }
    }
}
