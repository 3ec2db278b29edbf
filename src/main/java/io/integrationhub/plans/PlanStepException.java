package io.integrationhub.plans;

/** A step of an execution failed: the message names the step and why; the execution ends with it as its error. */
class PlanStepException extends RuntimeException {

    PlanStepException(String message) {
        super(message);
    }

    PlanStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
