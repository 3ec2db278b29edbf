package io.integrationhub.modularityfixture.beta;

import io.integrationhub.modularityfixture.alpha.Alpha;

/** Test fixture for ModularityTests: the other side of the deliberate cycle. */
public class Beta {
    public Alpha partner() {
        return new Alpha();
    }
}
