package io.integrationhub.fpo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.events.OutboxWriter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Beans of the FPO capability; the flows are the routes in routes/fpo/, the AAA calls the aaa-action Kamelet. */
@Configuration(proxyBeanMethods = false)
class FpoConfiguration {

    @Bean
    FpoStore fpoStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        return new FpoStore(jdbc, json);
    }

    @Bean
    FpoEvents fpoEvents(OutboxWriter outboxWriter, ObjectMapper json) {
        return new FpoEvents(outboxWriter, json);
    }

    @Bean
    FpoMetrics fpoMetrics(MeterRegistry meters, FpoStore fpoStore) {
        return new FpoMetrics(meters, fpoStore);
    }

    @Bean
    FpoLifecycle fpoLifecycle(FpoStore fpoStore, FpoEvents fpoEvents, ObjectMapper json, FpoProperties properties,
            TransactionTemplate transaction) {
        return new FpoLifecycle(fpoStore, fpoEvents, new FpoRequests(json), properties, transaction);
    }

    @Bean
    FpoSync fpoSync(FpoStore fpoStore, FpoEvents fpoEvents, FpoLifecycle fpoLifecycle, FpoProperties properties,
            FpoMetrics fpoMetrics, TransactionTemplate transaction, ObjectMapper json) {
        return new FpoSync(fpoStore, fpoEvents, fpoLifecycle, properties, fpoMetrics, transaction, json);
    }

    @Bean
    FpoStuck fpoStuck(FpoStore fpoStore, FpoEvents fpoEvents, FpoProperties properties, TransactionTemplate transaction) {
        return new FpoStuck(fpoStore, fpoEvents, properties, transaction);
    }

    @Bean
    FpoHealthIndicator fpoHealthIndicator(FpoStore fpoStore) {
        return new FpoHealthIndicator(fpoStore);
    }

    @Bean
    FpoSetup fpoSetup(FpoStore fpoStore, FpoEvents fpoEvents, FpoLifecycle fpoLifecycle, FpoProperties properties,
            FpoMetrics fpoMetrics, TransactionTemplate transaction) {
        return new FpoSetup(fpoStore, fpoEvents, fpoLifecycle, properties, fpoMetrics, transaction);
    }
}
