package io.integrationhub.platform.web;

import io.integrationhub.platform.HubProperties;
import jakarta.servlet.DispatcherType;
import java.util.Comparator;
import java.util.List;
import org.apache.camel.CamelContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.util.pattern.PathPatternParser;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The security chain of {@code /api/**}, in request order:
 * <ol>
 *   <li>{@code Authorization: Bearer <JWT>} (Spring Security resource server, with the {@link JwtDecoder} the
 *       security capability configures); none or a bad one: 401;</li>
 *   <li>{@link RestOperationFilter}: the REST operation the request reaches, 404/405 when there is none;</li>
 *   <li>authorization by the {@code AuthorizationManager} bean (the capability check), whose refusal the
 *       access-denied handler answers 403 with its reason ({@link ApiAccessDecision});</li>
 *   <li>the {@link ApiChainStage} filters in their order: the request body (413, 415), then e.g. Idempotency-Key.</li>
 * </ol>
 * Open without a token: the OpenAPI document and, in the dev profile, the token minting endpoint. The platform
 * assembles the chain from beans so that no capability package is needed here: capabilities depend on the
 * platform, never the other way round.
 */
@Configuration(proxyBeanMethods = false)
public class ApiSecurityConfiguration {

    /** Camel's {@code camel.rest.context-path}: every REST operation is served under it. */
    public static final String API_PATH = "/api";
    /** Order of the platform's request body stage; a stage that needs the buffered body comes after it. */
    public static final int BODY_ORDER = 100;
    /**
     * Paths without a bearer token: the OpenAPI document, the dev token, and the voucher providers' status callbacks,
     * which prove who sent them with an HMAC signature of their own (checked by the route, timing-safe).
     */
    private static final List<String> OPEN_PATHS = List.of("/api/api-doc", "/api/api-doc/**", "/api/v1/dev/token",
            "/api/v1/webhooks/inbound/*");

    /** Whether {@code path} (under /api) is served without a bearer token. */
    public static boolean isOpenPath(String path) {
        PathContainer container = PathContainer.parsePath(path);
        return OPEN_PATHS.stream().anyMatch(pattern -> PathPatternParser.defaultInstance.parse(pattern).matches(container));
    }

    @Bean
    ProblemResponses problemResponses(ObjectMapper json) {
        return new ProblemResponses(json);
    }

    @Bean
    RestOperations restOperations(CamelContext camelContext) {
        return new RestOperations(camelContext);
    }

    @Bean
    ApiChainStage requestBodyStage(HubProperties hub, ProblemResponses problems) {
        return new ApiChainStage(BODY_ORDER, new ApiRequestBodyFilter(hub.api().maxBodySize().toBytes(), problems));
    }

    /**
     * No Spring Security observations. With an {@code ObservationRegistry} present, Spring Security wraps every
     * filter of every chain, the authentication manager and the authorization manager in observations, and counts
     * each filter's before and after events with a counter looked up by tags: on /api about a third of what a
     * request allocated and a fifth of its CPU (JFR, bench/api). {@code http.server.requests} still times every
     * request.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http, JwtDecoder jwtDecoder,
            AuthorizationManager<RequestAuthorizationContext> apiAuthorization, RestOperations operations,
            ProblemResponses problems, List<ApiChainStage> stages) throws Exception {
        RequestMatcher openPaths = new OrRequestMatcher(OPEN_PATHS.stream()
                .map(path -> (RequestMatcher) PathPatternRequestMatcher.withDefaults().matcher(path)).toList());
        http
                .securityMatcher(API_PATH + "/**")
                .authorizeHttpRequests(requests -> requests
                        // the second dispatch of an asynchronous request (Camel's platform-http answers that way)
                        // was authorized as the first
                        .dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll()
                        .requestMatchers(openPaths).permitAll()
                        .anyRequest().access(apiAuthorization))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                // stateless: no session to log out of and no saved request to resume after a login
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.decoder(jwtDecoder).jwtAuthenticationConverter(new RolesClaimConverter()))
                        .authenticationEntryPoint((request, response, e) -> {
                            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                            problems.write(response, HttpStatus.UNAUTHORIZED,
                                    "a valid bearer token is required: " + e.getMessage());
                        }))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint((request, response, e) -> {
                            response.setHeader("WWW-Authenticate", "Bearer");
                            problems.write(response, HttpStatus.UNAUTHORIZED, "a bearer token is required");
                        })
                        .accessDeniedHandler((request, response, e) -> problems.write(response, HttpStatus.FORBIDDEN,
                                e instanceof AuthorizationDeniedException denied
                                        && denied.getAuthorizationResult() instanceof ApiAccessDecision decision
                                        && decision.reason() != null ? decision.reason() : "access denied")))
                .addFilterAfter(new RestOperationFilter(operations, openPaths, problems), BearerTokenAuthenticationFilter.class);
        // after authorization, so nothing reads a body or claims an Idempotency-Key for a request that is refused
        Class<? extends jakarta.servlet.Filter> after = AuthorizationFilter.class;
        for (ApiChainStage stage : stages.stream().sorted(Comparator.comparingInt(ApiChainStage::order)).toList()) {
            http.addFilterAfter(stage.filter(), after);
            after = stage.filter().getClass();
        }
        return http.build();
    }
}
