package io.integrationhub.platform.calls;

import org.springframework.core.env.Environment;

/**
 * The base URL of an external system the hub calls: the configured one, or with {@value #BUILT_IN} the built-in
 * simulator on the hub's own port, which is known only once the web server runs (a random port in tests), so it is
 * read at call time and kept once known.
 */
public final class ServiceUrl {

    public static final String BUILT_IN = "built-in";

    private final String configured;
    private final String simulatorPath;
    private final Environment environment;
    private volatile String builtIn;

    /**
     * @param url the configured URL or {@value #BUILT_IN}
     * @param simulatorPath where the built-in simulator answers, e.g. {@code /sim/aaa}
     * @param setting the setting and its variable, for the error message: {@code hub.aaa.base-url (AAA_BASE_URL)}
     * @throws IllegalStateException naming the setting: not an http(s) URL, or built-in with the simulators off
     */
    public ServiceUrl(String url, String simulatorPath, String setting, boolean simulatorsEnabled,
            Environment environment) {
        String value = url == null ? "" : url.strip();
        if (value.equals(BUILT_IN) && !simulatorsEnabled) {
            throw new IllegalStateException(setting + " is '" + BUILT_IN + "', the built-in simulator, but the "
                    + "simulators are off (hub.simulators.enabled, HUB_SIMULATORS_ENABLED): set it to the service's "
                    + "base URL");
        }
        if (!value.equals(BUILT_IN) && !value.matches("https?://.+")) {
            throw new IllegalStateException(setting + " must be an http:// or https:// URL, got '" + value + "'");
        }
        this.configured = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        this.simulatorPath = simulatorPath;
        this.environment = environment;
    }

    public boolean isBuiltIn() {
        return configured.equals(BUILT_IN);
    }

    public String baseUrl() {
        if (!isBuiltIn()) {
            return configured;
        }
        String url = builtIn;
        if (url == null) {
            String port = environment.getProperty("local.server.port");
            if (port == null) {
                // before the web server runs there is nothing to call; nothing is kept either
                return "http://localhost:" + environment.getProperty("server.port", "8080") + simulatorPath;
            }
            url = builtIn = "http://localhost:" + port + simulatorPath;
        }
        return url;
    }

    /** For logs and health: the URL without credentials or query. */
    public String describe() {
        return isBuiltIn() ? "built-in simulator (" + simulatorPath + ")"
                : configured.replaceAll("//[^/@]*@", "//").replaceAll("\\?.*", "");
    }
}
