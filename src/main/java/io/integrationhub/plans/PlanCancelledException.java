package io.integrationhub.plans;

/** The execution was cancelled through the API; it ends cancelled at its next request. */
class PlanCancelledException extends PlanStepException {

    PlanCancelledException(String message) {
        super(message);
    }
}
