package io.integrationhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;

/**
 * Each top-level package is a module (Spring Modulith): capabilities depend on the platform and on each other's
 * public types only, never in a circle, and the platform depends on no capability. Fails the build on a cycle or on
 * a capability reaching into another's internal package, so it stays so as fpo, vouchers, webhooks and plans come.
 */
class ModularityTests {

    private final ApplicationModules modules = ApplicationModules.of(HubApplication.class);

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersPublicTypes() {
        modules.verify();
    }

    /** The check itself can fail: two fixture modules that use each other are a cycle it reports. */
    @Test
    void aCycleBetweenTwoModulesIsReported() {
        // the fixture lives in the test classes, which the default import leaves out
        ApplicationModules cyclic = ApplicationModules.of("io.integrationhub.modularityfixture", location -> true);

        assertThatThrownBy(cyclic::verify).hasMessageContaining("Cycle detected")
                .hasMessageContaining("alpha").hasMessageContaining("beta");
    }

    @Test
    void thePlatformDependsOnNoCapability() {
        ApplicationModule platform = modules.getModuleByName("platform").orElseThrow();
        assertThat(platform.getBootstrapDependencies(modules).map(ApplicationModule::getName).toList()).isEmpty();
        assertThat(modules.stream().filter(m -> !m.equals(platform))
                .filter(m -> platform.getDirectDependencies(modules).contains(m)).map(ApplicationModule::getName)
                .toList()).isEmpty();
    }
}
