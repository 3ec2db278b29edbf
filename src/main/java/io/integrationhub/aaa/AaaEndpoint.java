package io.integrationhub.aaa;

import io.integrationhub.platform.calls.ServiceUrl;
import org.springframework.core.env.Environment;

/**
 * AAA's base URL: {@code hub.aaa.base-url}, or with {@value AaaProperties#BUILT_IN} the simulator at
 * {@code /sim/aaa} on the hub's own port.
 */
public class AaaEndpoint {

    private final ServiceUrl url;

    public AaaEndpoint(AaaProperties properties, boolean simulatorsEnabled, Environment environment) {
        this.url = new ServiceUrl(properties.baseUrl(), "/sim/aaa", "hub.aaa.base-url (AAA_BASE_URL)",
                simulatorsEnabled, environment);
    }

    public String baseUrl() {
        return url.baseUrl();
    }

    /** For logs and health: the URL without credentials or query. */
    public String describe() {
        return url.describe();
    }
}
