package io.integrationhub.events;

import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the wrapped steps in one database transaction that rolls back when they fail: a {@code policy} step
 * usable inside a Kamelet's {@code doTry}, where Camel's {@code transacted} may not stand (it must be the first
 * step of a route). The subscription-source Kamelet uses it so the idempotency key and the subscriber's database
 * writes commit together or not at all.
 */
public class DatabaseTransactionPolicy implements Policy {

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        PlatformTransactionManager manager = route.getCamelContext().getRegistry()
                .findSingleByType(PlatformTransactionManager.class);
        if (manager == null) {
            throw new IllegalStateException("no PlatformTransactionManager in the registry for route " + route.getRouteId());
        }
        TransactionTemplate transaction = new TransactionTemplate(manager);
        return exchange -> transaction.executeWithoutResult(status -> {
            try {
                processor.process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getException() != null) {
                status.setRollbackOnly();
            }
        });
    }
}
