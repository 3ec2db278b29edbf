package io.integrationhub.platform.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifierNamingStrategyDefault;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifierNamingStrategyLegacy;
import org.apache.camel.component.micrometer.springboot.metrics.CamelMetricsConfiguration;
import org.apache.camel.spi.CamelEvent;

/**
 * Camel's exchange event notifier (the {@code camel_exchange_event_notifier} timers and the
 * {@code camel_exchanges_last_timestamp} gauge), with one change: Camel's own looks the last-exchange gauge up with
 * {@code MeterRegistry.find(...)} after every exchange, a linear scan over all the hub's meters (hundreds: per route,
 * per plan, per operation). In a profile of FPO creates that scan was 7% of the hub's CPU. Here the gauge is
 * registered once and its value set directly. Registered in place of the starter's
 * ({@code camel.metrics.enable-exchange-event-notifier: false}), with the starter's other settings
 * ({@code camel.metrics.naming-strategy}, {@code camel.metrics.base-endpoint-uri-exchange-event-notifier});
 * Camel Spring Boot adds every {@code EventNotifier} bean to the context.
 */
public class HubExchangeEventNotifier extends MicrometerExchangeEventNotifier {

    /** The starter's timer property: {@code MicrometerExchangeEventNotifier.handleCreatedEvent} stores it so. */
    private static final String TIMER_PROPERTY = "eventTimer:";
    static final String LAST_EXCHANGE_GAUGE = "camel.exchanges.last.timestamp";

    private final AtomicLong lastExchange = new AtomicLong();

    public HubExchangeEventNotifier(MeterRegistry meters, CamelMetricsConfiguration settings) {
        setMeterRegistry(meters);
        // as the starter chooses it (CamelMetricsAutoConfiguration)
        boolean baseUri = settings.isBaseEndpointUriExchangeEventNotifier();
        setNamingStrategy("legacy".equalsIgnoreCase(settings.getNamingStrategy())
                ? new MicrometerExchangeEventNotifierNamingStrategyLegacy(baseUri)
                : new MicrometerExchangeEventNotifierNamingStrategyDefault(baseUri));
        Gauge.builder(LAST_EXCHANGE_GAUGE, lastExchange, AtomicLong::doubleValue)
                .description("Last exchange processed time in milliseconds since the Unix epoch").register(meters);
    }

    @Override
    protected void handleDoneEvent(CamelEvent.ExchangeEvent event) {
        String name = getNamingStrategy().getName(event.getExchange(), event.getExchange().getFromEndpoint());
        Tags tags = getNamingStrategy().getTags(event, event.getExchange().getFromEndpoint());
        Timer.Sample sample = (Timer.Sample) event.getExchange().removeProperty(TIMER_PROPERTY + name);
        if (sample != null) {
            sample.stop(getMeterRegistry().timer(name, tags));
        }
        lastExchange.set(System.currentTimeMillis());
    }
}
