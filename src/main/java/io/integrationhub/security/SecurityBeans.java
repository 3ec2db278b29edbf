package io.integrationhub.security;

import org.apache.camel.CamelContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import io.integrationhub.events.OutboxWriter;
import io.integrationhub.platform.HubProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The capability check and the REST operation index. */
@Configuration(proxyBeanMethods = false)
class SecurityBeans {

    @Bean
    CapabilityService capabilityService(JdbcTemplate jdbc, ApiSecurityProperties properties) {
        return new CapabilityService(jdbc, properties.capabilityCacheTtl());
    }

    @Bean
    RestOperations restOperations(CamelContext camelContext) {
        return new RestOperations(camelContext);
    }

    @Bean
    CapabilityFilter capabilityFilter(RestOperations operations, CapabilityService capabilities) {
        return new CapabilityFilter(operations, capabilities);
    }

    /** Only inside the API security chain, not a second time as a plain servlet filter. */
    @Bean
    FilterRegistrationBean<CapabilityFilter> capabilityFilterNotAServletFilter(CapabilityFilter filter) {
        FilterRegistrationBean<CapabilityFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setEnabled(false);
        return registration;
    }

    @Bean
    CapabilityAdmin capabilityAdmin(JdbcTemplate jdbc, TransactionTemplate transaction, OutboxWriter outbox,
            HubProperties hub) {
        return new CapabilityAdmin(jdbc, transaction, outbox, hub.systemTenant());
    }
}
