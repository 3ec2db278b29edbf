package io.integrationhub.platform.web;

/**
 * The request is wrong: a field is missing or malformed, a value is out of range, a named thing does not exist. The
 * hub's code throws it with a message written for the caller, naming the field; the rest-problem-errors route
 * configuration answers it 400 problem+json with that message. Nothing else becomes a 400 with its message: any
 * other exception (library code's {@code IllegalArgumentException} included) is a 500 that names no internals.
 */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
