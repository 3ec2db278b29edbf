package io.integrationhub.modularityfixture.alpha;

import io.integrationhub.modularityfixture.beta.Beta;

/** Test fixture for ModularityTests: one side of a deliberate cycle between two modules. */
public class Alpha {
    public Beta partner() {
        return new Beta();
    }
}
