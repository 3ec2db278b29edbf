package io.integrationhub.platform.simulator;

import jakarta.validation.Valid;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The {@code /faults} resource of every simulator: GET shows, PUT sets, DELETE clears. */
@RestController
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
class SimulatorFaultsController {

    private final SimulatorFaults faults;

    SimulatorFaultsController(SimulatorFaults faults) {
        this.faults = faults;
    }

    @GetMapping({"/sim/aaa/faults", "/sim/providers/{provider}/faults"})
    SimulatorFaults.Faults show(@PathVariable(required = false) String provider) {
        return faults.get(simulator(provider));
    }

    @PutMapping({"/sim/aaa/faults", "/sim/providers/{provider}/faults"})
    SimulatorFaults.Faults set(@PathVariable(required = false) String provider,
            @Valid @RequestBody SimulatorFaults.Faults request) {
        faults.set(simulator(provider), request);
        return request;
    }

    @DeleteMapping({"/sim/aaa/faults", "/sim/providers/{provider}/faults"})
    ResponseEntity<Void> clear(@PathVariable(required = false) String provider) {
        faults.clear(simulator(provider));
        return ResponseEntity.noContent().build();
    }

    private static String simulator(String provider) {
        if (provider == null) {
            return "aaa";
        }
        if (!SimulatorFaults.PROVIDERS.contains(provider)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no simulator for provider '" + provider + "'");
        }
        return provider;
    }
}
