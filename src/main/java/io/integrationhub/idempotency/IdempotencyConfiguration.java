package io.integrationhub.idempotency;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.web.ApiChainStage;
import io.integrationhub.platform.web.ApiSecurityConfiguration;
import io.integrationhub.platform.web.ProblemResponses;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The Idempotency-Key store, and its filter as a stage of the API chain (after the body, whose bytes it hashes). */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    @Bean
    IdempotencyStore idempotencyStore(JdbcTemplate jdbc, IdempotencyProperties properties, MeterRegistry meters,
            ObjectMapper json) {
        return new IdempotencyStore(jdbc, properties.retention(), properties.inProgressTimeout(),
                properties.synchronousCommit(), meters, json);
    }

    @Bean
    ApiChainStage idempotencyStage(IdempotencyStore store, ProblemResponses problems) {
        return new ApiChainStage(ApiSecurityConfiguration.BODY_ORDER + 100, new IdempotencyFilter(store, problems));
    }
}
