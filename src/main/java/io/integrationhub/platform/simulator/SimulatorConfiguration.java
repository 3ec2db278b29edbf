package io.integrationhub.platform.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The simulators live under {@code /sim} on the hub's own port and exist only when {@code hub.simulators.enabled}
 * (dev profile). In front of every simulator operation, except the {@code /faults} and {@code /calls} resources,
 * the call is counted and then the injected faults apply, so a call a fault answered counts too.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
public class SimulatorConfiguration implements WebMvcConfigurer {

    /** The AAA simulator's name and base path. */
    static final String AAA = "aaa";
    static final String AAA_PATH = "/sim/aaa";
    /** The base path of the voucher-provider simulators; the variable is one of {@link SimulatorFaults#PROVIDERS}. */
    static final String PROVIDER_PATH = "/sim/providers/{provider}";
    /** The demo third-party API of integration plans (io.integrationhub.plans.simulator). */
    public static final String DEMO_API = "demo-api";
    public static final String DEMO_API_PATH = "/sim/demo-api";

    private final SimulatorFaults faults = new SimulatorFaults();
    private final ObjectMapper objectMapper;

    SimulatorConfiguration(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    @Bean
    SimulatorFaults simulatorFaults() {
        return faults;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new FaultInjection(faults, objectMapper)).addPathPatterns("/sim/**")
                .excludePathPatterns(AAA_PATH + "/faults", AAA_PATH + "/calls",
                        "/sim/providers/*/faults", "/sim/providers/*/calls",
                        // the provider simulators' operator resources (what they issued, redeem)
                        "/sim/providers/*/vouchers", "/sim/providers/*/vouchers/**",
                        // the demo API's operator resources (faults, calls, request counts, switches, data set)
                        DEMO_API_PATH + "/faults", DEMO_API_PATH + "/calls", DEMO_API_PATH + "/requests",
                        DEMO_API_PATH + "/switches", DEMO_API_PATH + "/dataset");
    }

    /**
     * The simulator whose operation a handler pattern (as Spring MVC matched it) belongs to, or null. A provider
     * pattern belongs to the provider the request names, when it has a simulator.
     */
    static String simulatorOf(String pattern, String provider) {
        if (pattern.startsWith(AAA_PATH + "/")) {
            return AAA;
        }
        if (pattern.startsWith(DEMO_API_PATH + "/")) {
            return DEMO_API;
        }
        if (pattern.startsWith(PROVIDER_PATH + "/") && provider != null && SimulatorFaults.PROVIDERS.contains(provider)) {
            return provider;
        }
        return null;
    }

    private record FaultInjection(SimulatorFaults faults, ObjectMapper objectMapper) implements HandlerInterceptor {
        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
                throws Exception {
            // no handler method: a path no simulator serves, answered 404 by Spring MVC
            if (!(handler instanceof HandlerMethod method)
                    || !(request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern)) {
                return true;
            }
            String simulator = simulatorOf(pattern, provider(request));
            if (simulator == null) {
                return true;
            }
            String operation = method.getMethod().getName();
            faults.count(simulator, operation);
            Optional<SimulatorFaults.Injected> injected = faults.apply(simulator, operation);
            if (injected.isEmpty()) {
                return true;
            }
            write(response, simulator, operation, injected.get());
            return false;
        }

        private void write(HttpServletResponse response, String simulator, String operation,
                SimulatorFaults.Injected injected) throws java.io.IOException {
            int status = injected.status();
            ProblemDetail problem = ProblemDetail.forStatus(status);
            if (status == 422) {
                // the AAA contract's 422 shape: a business error carries its reason
                problem.setDetail("injected business error");
                problem.setProperty("reason", "injected business error");
            } else {
                problem.setDetail("injected " + injected.fault() + " in the " + simulator + " simulator ("
                        + operation + ")");
            }
            problem.setType(URI.create(AAA.equals(simulator) ? "urn:aaa:injected-fault" : "urn:hub:simulator:injected-fault"));
            problem.setProperty("code", "INJECTED_FAULT");
            if (problem.getTitle() == null) {
                problem.setTitle("Injected fault");   // a status without a reason phrase, 599 say
            }
            response.setStatus(status);
            if ((status == 429 || status == 503) && injected.retryAfterSeconds() != null) {
                response.setHeader(HttpHeaders.RETRY_AFTER, injected.retryAfterSeconds().toString());
            }
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            objectMapper.writeValue(response.getOutputStream(), problem);
        }

        private static String provider(HttpServletRequest request) {
            Object vars = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
            return vars instanceof Map<?, ?> map && map.get("provider") != null ? map.get("provider").toString() : null;
        }
    }
}
