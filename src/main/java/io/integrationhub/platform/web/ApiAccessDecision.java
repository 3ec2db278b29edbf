package io.integrationhub.platform.web;

import org.springframework.security.authorization.AuthorizationDecision;

/**
 * An authorization decision on an /api request that says why it was refused, in words for the caller ("Missing
 * capability: dlq:replay"); the chain's access-denied handler answers 403 problem+json with that detail.
 */
public class ApiAccessDecision extends AuthorizationDecision {

    private static final ApiAccessDecision GRANTED = new ApiAccessDecision(true, null);

    private final String reason;

    private ApiAccessDecision(boolean granted, String reason) {
        super(granted);
        this.reason = reason;
    }

    public static ApiAccessDecision granted() {
        return GRANTED;
    }

    public static ApiAccessDecision denied(String reason) {
        return new ApiAccessDecision(false, reason);
    }

    public String reason() {
        return reason;
    }
}
