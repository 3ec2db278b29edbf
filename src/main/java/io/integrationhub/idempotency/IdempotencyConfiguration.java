package io.integrationhub.idempotency;

import io.integrationhub.security.RestOperations;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The Idempotency-Key store and filter (placed in the API security chain by ApiSecurityConfiguration). */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    @Bean
    IdempotencyStore idempotencyStore(JdbcTemplate jdbc, IdempotencyProperties properties) {
        return new IdempotencyStore(jdbc, properties.retention(), properties.inProgressTimeout(),
                properties.synchronousCommit());
    }

    @Bean
    IdempotencyFilter idempotencyFilter(IdempotencyStore store, RestOperations operations) {
        return new IdempotencyFilter(store, operations);
    }

    /** Only inside the API security chain, not a second time as a plain servlet filter. */
    @Bean
    FilterRegistrationBean<IdempotencyFilter> idempotencyFilterNotAServletFilter(IdempotencyFilter filter) {
        FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setEnabled(false);
        return registration;
    }
}
