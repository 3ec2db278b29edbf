package io.integrationhub.platform.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifierNamingStrategyDefault;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifierNamingStrategyLegacy;
import org.apache.camel.component.micrometer.springboot.metrics.CamelMetricsConfiguration;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ManagementStrategy;
import org.apache.camel.support.ExchangeHelper;

/**
 * Camel's exchange event notifier (the {@code camel_exchange_event_notifier} timers and the
 * {@code camel_exchanges_last_timestamp} gauge), with two changes, both linear scans Camel's own does on every
 * exchange event:
 * <ul>
 * <li>it looks the last-exchange gauge up with {@code MeterRegistry.find(...)} after every exchange, a scan over all
 *     the hub's meters (hundreds: per route, per plan, per operation; 7% of the hub's CPU in a profile of FPO
 *     creates). Here the gauge is registered once and its value set directly.
 * <li>to leave out routes made by Kamelets and templates (unless JMX registers those), it finds the exchange's route
 *     with {@code CamelContext.getRoute(id)} on every event (created, sending, sent, done), which copies the list of
 *     all routes under a lock (9% of the hub's CPU in a profile of webhook deliveries, with about 150 routes). Here
 *     that answer is kept per route id, and forgotten when a route of that id is added or removed.
 * </ul>
 * Registered in place of the starter's
 * ({@code camel.metrics.enable-exchange-event-notifier: false}), with the starter's other settings
 * ({@code camel.metrics.naming-strategy}, {@code camel.metrics.base-endpoint-uri-exchange-event-notifier});
 * Camel Spring Boot adds every {@code EventNotifier} bean to the context.
 */
public class HubExchangeEventNotifier extends MicrometerExchangeEventNotifier {

    /** The starter's timer property: {@code MicrometerExchangeEventNotifier.handleCreatedEvent} stores it so. */
    private static final String TIMER_PROPERTY = "eventTimer:";
    static final String LAST_EXCHANGE_GAUGE = "camel.exchanges.last.timestamp";

    private final AtomicLong lastExchange = new AtomicLong();
    /** route id → whether its exchanges are left out (made by a Kamelet or a template that JMX does not register) */
    private final Map<String, Boolean> leftOut = new ConcurrentHashMap<>();
    private boolean registerKameletRoutes;
    private boolean registerTemplateRoutes = true;   // Camel's defaults without a management agent

    public HubExchangeEventNotifier(MeterRegistry meters, CamelMetricsConfiguration settings) {
        setMeterRegistry(meters);
        // as the starter chooses it (CamelMetricsAutoConfiguration)
        boolean baseUri = settings.isBaseEndpointUriExchangeEventNotifier();
        setNamingStrategy("legacy".equalsIgnoreCase(settings.getNamingStrategy())
                ? new MicrometerExchangeEventNotifierNamingStrategyLegacy(baseUri)
                : new MicrometerExchangeEventNotifierNamingStrategyDefault(baseUri));
        Gauge.builder(LAST_EXCHANGE_GAUGE, lastExchange, AtomicLong::doubleValue)
                .description("Last exchange processed time in milliseconds since the Unix epoch").register(meters);
        setIgnoreRouteEvents(false);   // route added/removed: forget what was kept for that id
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        ManagementStrategy management = getCamelContext().getManagementStrategy();
        if (management != null && management.getManagementAgent() != null) {
            registerKameletRoutes = management.getManagementAgent().getRegisterRoutesCreateByKamelet();
            registerTemplateRoutes = management.getManagementAgent().getRegisterRoutesCreateByTemplate();
        }
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteAddedEvent || event instanceof CamelEvent.RouteRemovedEvent
                || super.isEnabled(event);
    }

    /** What Camel's {@code notify} does, with the route's answer kept per id instead of a route lookup per event. */
    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.RouteEvent routeEvent) {
            leftOut.remove(routeEvent.getRoute().getRouteId());
            return;
        }
        if (!(event instanceof CamelEvent.ExchangeEvent exchangeEvent)) {
            return;
        }
        Exchange exchange = exchangeEvent.getExchange();
        String routeId = event instanceof CamelEvent.ExchangeCreatedEvent ? exchange.getFromRouteId()
                : ExchangeHelper.getAtRouteId(exchange);
        if (routeId != null && leftOut.computeIfAbsent(routeId, id -> isLeftOut(exchange.getContext().getRoute(id)))) {
            return;
        }
        if (getIgnoreExchanges().test(exchange)) {
            return;
        }
        if (event instanceof CamelEvent.ExchangeCreatedEvent created) {
            handleCreatedEvent(created);
        } else if (event instanceof CamelEvent.ExchangeSentEvent sent) {
            handleSentEvent(sent);
        } else if (event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent) {
            handleDoneEvent(exchangeEvent);
        }
    }

    private boolean isLeftOut(Route route) {
        return route != null && (route.isCreatedByKamelet() && !registerKameletRoutes
                || route.isCreatedByRouteTemplate() && !registerTemplateRoutes);
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
