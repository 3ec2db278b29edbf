package io.integrationhub.platform.web;

/**
 * A request named a resource of another tenant. Answered 403 (rest-problem-errors), never 404 and never with the
 * resource's data: the caller is refused, not told a story.
 */
public class ForeignTenantException extends RuntimeException {

    public ForeignTenantException(String message) {
        super(message);
    }
}
