package io.integrationhub.aaa;

import org.springframework.core.env.Environment;

/**
 * AAA's base URL: {@code hub.aaa.base-url}, or with {@value AaaProperties#BUILT_IN} the simulator on the hub's own
 * port, which is known only once the web server runs (a random port in tests), so it is read at call time.
 */
public class AaaEndpoint {

    private final String configured;
    private final Environment environment;
    /** The built-in simulator's URL once the web server's port is known (read once: it is asked on every call). */
    private volatile String builtIn;

    public AaaEndpoint(AaaProperties properties, boolean simulatorsEnabled, Environment environment) {
        String url = properties.baseUrl().strip();
        if (url.equals(AaaProperties.BUILT_IN) && !simulatorsEnabled) {
            throw new IllegalStateException("hub.aaa.base-url (AAA_BASE_URL) is '" + AaaProperties.BUILT_IN
                    + "', the built-in simulator, but the simulators are off (hub.simulators.enabled, "
                    + "HUB_SIMULATORS_ENABLED): set AAA_BASE_URL to the AAA service's base URL");
        }
        if (!url.equals(AaaProperties.BUILT_IN) && !url.matches("https?://.+")) {
            throw new IllegalStateException("hub.aaa.base-url (AAA_BASE_URL) must be an http:// or https:// URL, got '"
                    + url + "'");
        }
        this.configured = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.environment = environment;
    }

    public String baseUrl() {
        if (!configured.equals(AaaProperties.BUILT_IN)) {
            return configured;
        }
        String url = builtIn;
        if (url == null) {
            String port = environment.getProperty("local.server.port");
            if (port == null) {
                // before the web server runs there is nothing to call; nothing is kept either
                return "http://localhost:" + environment.getProperty("server.port", "8080") + "/sim/aaa";
            }
            url = builtIn = "http://localhost:" + port + "/sim/aaa";
        }
        return url;
    }

    /** For logs and health: the URL without credentials or query. */
    public String describe() {
        return configured.equals(AaaProperties.BUILT_IN) ? "built-in simulator (/sim/aaa)" : configured.replaceAll("//[^/@]*@", "//").replaceAll("\\?.*", "");
    }
}
