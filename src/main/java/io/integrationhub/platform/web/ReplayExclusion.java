package io.integrationhub.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;

/**
 * Marks an API answer that the Idempotency-Key store must not keep, because it holds what must never be stored
 * again (a webhook signing secret, shown once): a retry with the same key runs again instead of replaying it. The
 * mark is an attribute of the servlet request, which the route reaches through camel-http's
 * {@code CamelHttpServletRequest} header.
 */
public final class ReplayExclusion {

    static final String ATTRIBUTE = ReplayExclusion.class.getName();

    private ReplayExclusion() {}

    /** From a route step: this request's answer is not kept for replay. */
    public static void exclude(Exchange exchange) {
        if (exchange.getIn().getHeader(Exchange.HTTP_SERVLET_REQUEST) instanceof HttpServletRequest request) {
            request.setAttribute(ATTRIBUTE, Boolean.TRUE);
        } else {
            throw new IllegalStateException("not an HTTP request: the answer cannot be kept out of the replay store");
        }
    }

    public static boolean isExcluded(HttpServletRequest request) {
        return Boolean.TRUE.equals(request.getAttribute(ATTRIBUTE));
    }
}
