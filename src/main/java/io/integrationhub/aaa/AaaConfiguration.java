package io.integrationhub.aaa;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.integrationhub.platform.calls.CircuitBreakers;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.http.HttpComponent;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The beans the aaa-action Kamelet names: the mapping ({@code aaaOperations}), the retry decisions
 * ({@code aaaRetries}), the breaker ({@code aaaCircuitBreaker}) and the HTTP component with
 * AAA's timeout ({@code aaaHttp}). Breaker state and calls are exported as metrics and as the {@code aaa} health.
 */
@Configuration(proxyBeanMethods = false)
class AaaConfiguration {

    static final String BREAKER = "aaa";

    @Bean
    AaaEndpoint aaaEndpoint(AaaProperties properties, @Value("${hub.simulators.enabled:false}") boolean simulators,
            Environment environment) {
        return new AaaEndpoint(properties, simulators, environment);
    }

    @Bean
    AaaOperations aaaOperations(AaaEndpoint aaaEndpoint, AaaProperties properties, ObjectMapper json, MeterRegistry meters,
            AaaRetries aaaRetries) {
        return new AaaOperations(aaaEndpoint, properties, json, meters, aaaRetries);
    }

    @Bean
    AaaRetries aaaRetries(AaaProperties properties) {
        return new AaaRetries(properties.retry());
    }

    @Bean
    CircuitBreaker aaaCircuitBreaker(AaaProperties properties, MeterRegistry meters) {
        AaaProperties.Breaker breaker = properties.breaker();
        CircuitBreakerConfig config = CircuitBreakers.countBased(breaker.failureRateThreshold(),
                        breaker.slidingWindowSize(), breaker.minimumCalls(), breaker.waitInOpen(), breaker.halfOpenCalls())
                // AAA answered about the request: it is up
                .ignoreExceptions(AaaNotFoundException.class, AaaConflictException.class, AaaBusinessException.class)
                .build();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry.circuitBreaker(BREAKER);
    }

    /** camel-http with AAA's timeouts; only the aaa-action Kamelet uses it (its own pool, its own limits). */
    @Bean
    HttpComponent aaaHttp(AaaProperties properties) {
        HttpComponent http = new HttpComponent();
        long timeout = properties.timeout().toMillis();
        http.setConnectTimeout(timeout);
        http.setConnectionRequestTimeout(timeout);
        http.setResponseTimeout(timeout);
        http.setSoTimeout(timeout);
        http.setMaxTotalConnections(200);
        http.setConnectionsPerRoute(100);
        // HttpClient would retry a 429 or 503 once by itself; the Kamelet's policy is the only retry
        http.setHttpClientConfigurer(builder -> builder.disableAutomaticRetries());
        return http;
    }

    @Bean
    AaaHealthIndicator aaaHealthIndicator(CircuitBreaker aaaCircuitBreaker, AaaEndpoint aaaEndpoint) {
        return new AaaHealthIndicator(aaaCircuitBreaker, aaaEndpoint);
    }
}
