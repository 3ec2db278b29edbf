package io.integrationhub.platform.web;

import jakarta.servlet.Filter;

/**
 * A filter that a capability adds to the /api security chain, after authentication and authorization, in
 * {@code order} (lowest first; the platform's request body filter is {@link ApiSecurityConfiguration#BODY_ORDER}).
 * A bean of this type, not of {@link Filter}, so Spring Boot does not also register the filter for every request.
 */
public record ApiChainStage(int order, Filter filter) {}
