package io.integrationhub.platform.simulator;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The simulators live under {@code /sim} on the hub's own port and exist only when {@code hub.simulators.enabled}
 * (dev profile). Faults are injected in front of every simulator operation except the {@code /faults} resource.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
public class SimulatorConfiguration implements WebMvcConfigurer {

    /** Request attribute naming the simulator ({@code aaa}, {@code airtime}, {@code data}) a handler serves. */
    public static final String SIMULATOR = "hub.simulator";

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
        registry.addInterceptor(new FaultInjection(faults, objectMapper)).addPathPatterns("/sim/**").excludePathPatterns("/sim/**/faults");
    }

    private record FaultInjection(SimulatorFaults faults, ObjectMapper objectMapper) implements HandlerInterceptor {
        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
                throws Exception {
            String simulator = simulatorOf(request);
            SimulatorFaults.Outcome outcome = faults.apply(simulator);
            if (outcome == SimulatorFaults.Outcome.PROCEED) {
                return true;
            }
            HttpStatus status = outcome == SimulatorFaults.Outcome.OUTAGE ? HttpStatus.SERVICE_UNAVAILABLE
                    : HttpStatus.INTERNAL_SERVER_ERROR;
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
                    "injected " + outcome.name().toLowerCase() + " in the " + simulator + " simulator");
            problem.setType(URI.create("urn:hub:simulator:injected-fault"));
            response.setStatus(status.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            objectMapper.writeValue(response.getOutputStream(), problem);
            return false;
        }

        private static String simulatorOf(HttpServletRequest request) {
            Object vars = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
            if (vars instanceof java.util.Map<?, ?> map && map.get("provider") != null) {
                return map.get("provider").toString();
            }
            return "aaa";
        }
    }
}
