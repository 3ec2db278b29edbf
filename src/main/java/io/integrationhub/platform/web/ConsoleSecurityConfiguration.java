package io.integrationhub.platform.web;

import static org.springframework.security.config.Customizer.withDefaults;

import io.integrationhub.platform.HubProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Login for the operations console: Hawtio and Jolokia need the console user (form login for browsers, HTTP Basic
 * for tools) unless {@code hub.console.authentication-enabled=false} (dev profile only). This is the console's one
 * login; Hawtio's own JAAS login is switched off ({@code hawtio.authenticationEnabled=false}) so a user does not
 * log in twice. The REST API and the simulators are not behind this login.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurityConfiguration {

    // path patterns, not MVC patterns: Hawtio and Jolokia are served by servlets of their own
    private static final RequestMatcher CONSOLE = new OrRequestMatcher(
            PathPatternRequestMatcher.withDefaults().matcher("/actuator/hawtio/**"),
            PathPatternRequestMatcher.withDefaults().matcher("/actuator/hawtio"),
            PathPatternRequestMatcher.withDefaults().matcher("/actuator/jolokia/**"),
            PathPatternRequestMatcher.withDefaults().matcher("/actuator/jolokia"));
    private static final RequestMatcher API_AND_SIMULATORS = new OrRequestMatcher(
            PathPatternRequestMatcher.withDefaults().matcher("/api/**"),
            PathPatternRequestMatcher.withDefaults().matcher("/sim/**"));

    @Bean
    SecurityFilterChain consoleSecurity(HttpSecurity http, HubProperties properties) throws Exception {
        if (!properties.console().authenticationEnabled()) {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .csrf(csrf -> csrf.disable())
                    .build();
        }
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(CONSOLE).hasRole("CONSOLE")
                        .anyRequest().permitAll())
                .httpBasic(withDefaults())
                .formLogin(withDefaults())
                // the console's browser client sends the XSRF cookie back; API clients use bearer tokens instead
                .csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .ignoringRequestMatchers(API_AND_SIMULATORS))
                .build();
    }

    @Bean
    UserDetailsService consoleUsers(HubProperties properties) {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        HubProperties.Console console = properties.console();
        if (!console.authenticationEnabled()) {
            return new InMemoryUserDetailsManager();
        }
        return new InMemoryUserDetailsManager(User.withUsername(console.username())
                .password(encoder.encode(console.password()))
                .roles("CONSOLE")
                .build());
    }
}
