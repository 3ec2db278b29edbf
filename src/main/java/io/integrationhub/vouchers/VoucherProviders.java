package io.integrationhub.vouchers;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.integrationhub.platform.calls.CircuitBreakers;
import io.integrationhub.platform.calls.ServiceUrl;
import io.integrationhub.platform.web.ApiProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.core.env.Environment;

/**
 * The voucher-provider connectors ({@code hub.vouchers.providers}), each with its own resilience4j circuit breaker
 * (named {@code provider-<name>} in metrics). Checked at start-up: an enabled provider needs a URL, a key and a
 * secret, and a missing one stops start-up naming its variable ({@code AIRTIME_PROVIDER_URL}).
 * {@code GET /api/v1/connectors} lists them and {@code POST /api/v1/connectors/{name}/reset} closes a breaker.
 */
public class VoucherProviders {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,30}");

    /**
     * One provider connector.
     *
     * @param endpointUri the camel-http endpoint of its calls (the voucherHttp component with its timeouts); the
     *     request URL itself is set per call
     */
    public record Connector(String name, VoucherProperties.Provider settings, ServiceUrl url, CircuitBreaker breaker,
            String endpointUri) {

        public boolean enabled() {
            return settings.enabled();
        }
    }

    private final Map<String, Connector> connectors = new TreeMap<>();

    public VoucherProviders(VoucherProperties properties, boolean simulatorsEnabled, Environment environment,
            MeterRegistry meters) {
        VoucherProperties.Breaker breaker = properties.breaker();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakers.countBased(
                breaker.failureRateThreshold(), breaker.slidingWindowSize(), breaker.minimumCalls(), breaker.waitInOpen(),
                breaker.halfOpenCalls()).build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        List<String> problems = new ArrayList<>();
        properties.providers().forEach((name, settings) -> {
            if (!NAME.matcher(name).matches()) {
                problems.add("hub.vouchers.providers." + name + ": a provider name is 1..31 lower-case letters and digits");
                return;
            }
            ServiceUrl url = null;
            if (settings.enabled()) {
                String env = name.toUpperCase() + "_PROVIDER_";
                for (String[] required : new String[][] {{"url", settings.url()}, {"key", settings.key()},
                        {"secret", settings.secret()}}) {
                    if (required[1] == null || required[1].isBlank()) {
                        problems.add("hub.vouchers.providers." + name + "." + required[0] + " (" + env
                                + required[0].toUpperCase() + ") must be set: provider '" + name + "' is enabled ("
                                + env + "ENABLED)");
                    }
                }
                if (settings.url() != null && !settings.url().isBlank()) {
                    try {
                        url = new ServiceUrl(settings.url(), "/sim/providers/" + name, "hub.vouchers.providers."
                                + name + ".url (" + env + "URL)", simulatorsEnabled, environment);
                    } catch (IllegalStateException bad) {
                        problems.add(bad.getMessage());
                    }
                }
                if (settings.timeout().isNegative() || settings.timeout().isZero()) {
                    problems.add("hub.vouchers.providers." + name + ".timeout (" + env + "TIMEOUT) must be positive");
                }
            }
            long timeout = settings.timeout().toMillis();
            String endpoint = "voucherHttp:" + name + "?throwExceptionOnFailure=false&connectTimeout=" + timeout
                    + "&connectionRequestTimeout=" + timeout + "&responseTimeout=" + timeout + "&soTimeout=" + timeout;
            connectors.put(name, new Connector(name, settings, url, registry.circuitBreaker("provider-" + name),
                    endpoint));
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("voucher providers are misconfigured: " + String.join("; ", problems));
        }
    }

    /** The enabled connector of that name; 422 naming the field when it is unknown or disabled. */
    public Connector enabled(String name) {
        Connector connector = connectors.get(name);
        if (connector == null) {
            throw new ApiProblemException(422, "provider: unknown provider '" + name + "' (known: "
                    + String.join(", ", connectors.keySet()) + ")");
        }
        if (!connector.enabled()) {
            throw new ApiProblemException(422, "provider: provider '" + name + "' is disabled");
        }
        return connector;
    }

    public Connector connector(String name) {
        Connector connector = connectors.get(name);
        if (connector == null) {
            throw ApiProblemException.notFound("no connector named '" + name + "' (known: "
                    + String.join(", ", connectors.keySet()) + ")");
        }
        return connector;
    }

    public List<Connector> all() {
        return List.copyOf(connectors.values());
    }

    /** {@code GET /api/v1/connectors}. */
    public List<Map<String, Object>> list() {
        return all().stream().map(VoucherProviders::view).toList();
    }

    /** {@code POST /api/v1/connectors/{name}/reset}: the breaker closed, its counts cleared. */
    public Map<String, Object> reset(String name) {
        Connector connector = connector(name);
        connector.breaker().reset();
        return view(connector);
    }

    static Map<String, Object> view(Connector connector) {
        CircuitBreaker.Metrics metrics = connector.breaker().getMetrics();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", connector.name());
        view.put("enabled", connector.enabled());
        view.put("url", connector.url() == null ? null : connector.url().describe());
        view.put("timeout_seconds", connector.settings().timeout().toSeconds());
        view.put("circuit_state", connector.breaker().getState().name());
        view.put("failure_rate_percent", metrics.getFailureRate() < 0 ? null : metrics.getFailureRate());
        view.put("failed_calls", metrics.getNumberOfFailedCalls());
        view.put("successful_calls", metrics.getNumberOfSuccessfulCalls());
        view.put("not_permitted_calls", metrics.getNumberOfNotPermittedCalls());
        return view;
    }
}
