package io.integrationhub.platform.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import org.apache.camel.component.micrometer.springboot.metrics.CamelMetricsConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Meter settings that make every Camel meter reach /actuator/prometheus. */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    static final String EXCHANGE_EVENT_NOTIFIER = "camel.exchange.event.notifier";
    static final String ROUTE_ID = "routeId";

    /** In place of the starter's notifier (camel.metrics.enable-exchange-event-notifier: false); see the class. */
    @Bean
    HubExchangeEventNotifier hubExchangeEventNotifier(MeterRegistry meters, CamelMetricsConfiguration settings) {
        return new HubExchangeEventNotifier(meters, settings);
    }

    /**
     * Camel's exchange event notifier tags its timers with {@code routeId} only when the exchange came from a route;
     * an exchange a ProducerTemplate creates (the outbox wake-up, for one) gets a timer of the same name without it.
     * Prometheus refuses a second set of tag keys for one name, and that meter was dropped with a warning. Every such
     * timer now carries {@code routeId}, empty when there is no route.
     */
    @Bean
    MeterFilter camelExchangeTimersAlwaysNameTheirRoute() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (EXCHANGE_EVENT_NOTIFIER.equals(id.getName()) && id.getTag(ROUTE_ID) == null) {
                    return id.withTag(io.micrometer.core.instrument.Tag.of(ROUTE_ID, ""));
                }
                return id;
            }
        };
    }
}
