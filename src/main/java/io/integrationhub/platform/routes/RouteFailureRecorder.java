package io.integrationhub.platform.routes;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.support.EventNotifierSupport;

/** Remembers the last failed exchange of each route, for {@code GET /api/v1/admin/routes}. */
public class RouteFailureRecorder extends EventNotifierSupport {

    /** The last failure seen in a route. */
    public record LastError(String message, String exchangeId, Instant at) {}

    private final Map<String, LastError> lastErrors = new ConcurrentHashMap<>();

    public RouteFailureRecorder() {
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((ExchangeFailedEvent) event).getExchange();
        String routeId = exchange.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID, String.class);
        if (routeId == null) {
            routeId = exchange.getFromRouteId();
        }
        if (routeId == null) {
            return;
        }
        Exception exception = exchange.getException();
        String message = exception == null ? "exchange failed" : exception.getClass().getSimpleName() + ": " + exception.getMessage();
        lastErrors.put(routeId, new LastError(message, exchange.getExchangeId(), Instant.now()));
    }

    public LastError lastError(String routeId) {
        return lastErrors.get(routeId);
    }
}
