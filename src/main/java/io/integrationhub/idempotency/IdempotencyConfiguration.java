package io.integrationhub.idempotency;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The Idempotency-Key store; its filter is placed in the API security chain by ApiSecurityConfiguration. */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    @Bean
    IdempotencyStore idempotencyStore(JdbcTemplate jdbc, IdempotencyProperties properties, MeterRegistry meters) {
        return new IdempotencyStore(jdbc, properties.retention(), properties.inProgressTimeout(),
                properties.synchronousCommit(), meters);
    }
}
