package io.integrationhub.plans;

/** An execution went past one of the hub.plans limits; the message names the setting. */
class PlanLimitException extends PlanStepException {

    PlanLimitException(String message) {
        super(message);
    }
}
