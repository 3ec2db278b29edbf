package io.integrationhub.aaa.simulator;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Built-in AAA (identity service) simulator, served over real HTTP at {@code /sim/aaa} in the dev profile, so the
 * hub and its tests talk HTTP to something that behaves like AAA. State is in memory. The FPO capability adds the
 * organization, group, role and permission operations of the AAA contract.
 */
@RestController
@RequestMapping("/sim/aaa")
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
class AaaSimulatorController {

    record NewUser(@NotBlank @Pattern(regexp = "\\+?[0-9]{7,15}", message = "must be a phone number in digits") String phone,
            @NotBlank String name, String email) {}

    record User(String id, String phone, String name, String email, Instant createdAt) {}

    private final Map<String, User> usersById = new ConcurrentHashMap<>();
    private final Map<String, User> usersByPhone = new ConcurrentHashMap<>();
    /** Creates a user; a phone that is taken answers 409 with the existing user's id (AAA's duplicate-user answer). */
    @PostMapping("/users")
    ResponseEntity<?> createUser(@Valid @RequestBody NewUser request) {
        User candidate = new User(UUID.randomUUID().toString(), request.phone(), request.name(), request.email(), Instant.now());
        User existing = usersByPhone.putIfAbsent(request.phone(), candidate);
        if (existing != null) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "a user with phone " + request.phone() + " already exists");
            problem.setType(URI.create("urn:aaa:duplicate-user"));
            problem.setProperty("code", "DUPLICATE_USER");
            problem.setProperty("existingUserId", existing.id());
            return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
        }
        usersById.put(candidate.id(), candidate);
        return ResponseEntity.created(URI.create("/sim/aaa/users/" + candidate.id())).body(candidate);
    }

    @GetMapping("/users/{id}")
    ResponseEntity<User> user(@PathVariable String id) {
        User user = usersById.get(id);
        return user == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(user);
    }

    @GetMapping("/users")
    List<User> usersByPhone(@RequestParam String phone) {
        User user = usersByPhone.get(phone);
        return user == null ? List.of() : List.of(user);
    }


}
