package io.integrationhub.aaa;

import io.integrationhub.platform.calls.CallRetries;
import org.apache.camel.Exchange;

/**
 * The aaa-action Kamelet's retry decisions: the platform's {@link CallRetries} with the {@code hub.aaa.retry.*}
 * policy. Retried: AAA unavailable (network error, timeout, 5xx, 429); never a business answer or a call the open
 * breaker refused. After every failed attempt the caller's headers are back, so a failure reaches the caller with
 * its own headers.
 */
public class AaaRetries extends CallRetries {

    static final String CALL = "aaaCall";

    public AaaRetries(AaaProperties.Retry policy) {
        super("AAA", CALL, new Policy(policy.maxRetries(), policy.initialBackoff(), policy.maxBackoff(),
                policy.multiplier()));
    }

    @Override
    public void failed(Exchange exchange, String operation) {
        AaaOperations.restoreCallerHeaders(exchange);
        super.failed(exchange, operation);
    }
}
