package io.integrationhub.platform.simulator;

import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The operator resources of every simulator: {@code /faults} (GET shows, PUT sets, DELETE clears) and
 * {@code /calls} (GET shows the calls each operation received, DELETE resets the counts).
 */
@RestController
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
class SimulatorFaultsController {

    private final SimulatorFaults faults;
    /** Spring MVC's mappings: the operations a simulator has are its handler methods. Looked up when needed. */
    private final ObjectProvider<RequestMappingHandlerMapping> handlerMapping;

    SimulatorFaultsController(SimulatorFaults faults,
            @Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> handlerMapping) {
        this.faults = faults;
        this.handlerMapping = handlerMapping;
    }

    @GetMapping({"/sim/aaa/faults", "/sim/providers/{provider}/faults", "/sim/demo-api/faults"})
    SimulatorFaults.Faults show(@PathVariable(required = false) String provider) {
        return faults.get(simulator(provider));
    }

    /** Sets the faults; {@code failOperations} naming an operation the simulator does not have answers 400. */
    @PutMapping({"/sim/aaa/faults", "/sim/providers/{provider}/faults", "/sim/demo-api/faults"})
    ResponseEntity<?> set(@PathVariable(required = false) String provider,
            @Valid @RequestBody SimulatorFaults.Faults request) {
        String simulator = simulator(provider);
        Set<String> known = operations(simulator);
        List<String> unknown = request.failOperations().stream().filter(op -> !known.contains(op)).toList();
        if (!unknown.isEmpty()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "failOperations names "
                    + "operations the " + simulator + " simulator does not have: " + unknown + "; it has " + known);
            problem.setType(URI.create("urn:hub:simulator:unknown-operation"));
            problem.setProperty("unknownOperations", unknown);
            return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        if (request.succeedThenTimeout() && !SimulatorFaults.PROVIDERS.contains(simulator)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "succeedThenTimeout: only the voucher-provider simulators have it");
            problem.setType(URI.create("urn:hub:simulator:unknown-fault"));
            return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        faults.set(simulator, request);
        return ResponseEntity.ok(request);
    }

    @DeleteMapping({"/sim/aaa/faults", "/sim/providers/{provider}/faults", "/sim/demo-api/faults"})
    ResponseEntity<Void> clear(@PathVariable(required = false) String provider) {
        faults.clear(simulator(provider));
        return ResponseEntity.noContent().build();
    }

    @GetMapping({"/sim/aaa/calls", "/sim/providers/{provider}/calls", "/sim/demo-api/calls"})
    Map<String, Long> calls(@PathVariable(required = false) String provider) {
        return faults.calls(simulator(provider));
    }

    @DeleteMapping({"/sim/aaa/calls", "/sim/providers/{provider}/calls", "/sim/demo-api/calls"})
    ResponseEntity<Void> resetCalls(@PathVariable(required = false) String provider) {
        faults.resetCalls(simulator(provider));
        return ResponseEntity.noContent().build();
    }

    /** The names of the simulator's operations: its handler methods, these operator resources left out. */
    private Set<String> operations(String simulator) {
        // a provider simulator's operations are its contract's (under /api/), not its operator resources
        String prefix = SimulatorConfiguration.AAA.equals(simulator) ? SimulatorConfiguration.AAA_PATH + "/"
                : SimulatorConfiguration.DEMO_API.equals(simulator) ? SimulatorConfiguration.DEMO_API_PATH + "/"
                : SimulatorConfiguration.PROVIDER_PATH + "/api/";
        Set<String> names = new TreeSet<>();
        handlerMapping.getObject().getHandlerMethods().forEach((mapping, method) -> {
            if (method.getBeanType() != SimulatorFaultsController.class
                    && mapping.getPatternValues().stream().anyMatch(pattern -> pattern.startsWith(prefix))) {
                names.add(method.getMethod().getName());
            }
        });
        return names;
    }

    private static String simulator(String provider) {
        String path = org.springframework.web.context.request.RequestContextHolder.currentRequestAttributes() instanceof
                org.springframework.web.context.request.ServletRequestAttributes attributes
                ? attributes.getRequest().getRequestURI() : "";
        if (path.startsWith(SimulatorConfiguration.DEMO_API_PATH + "/")) {
            return SimulatorConfiguration.DEMO_API;
        }
        if (provider == null) {
            return SimulatorConfiguration.AAA;
        }
        if (!SimulatorFaults.PROVIDERS.contains(provider)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no simulator for provider '" + provider + "'");
        }
        return provider;
    }
}
