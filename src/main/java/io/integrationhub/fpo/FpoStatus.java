package io.integrationhub.fpo;

import io.integrationhub.platform.web.ApiProblemException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The FPO state machine, in this one place (docs/fpo.md has it as a diagram):
 * {@code PENDING_VERIFICATION → VERIFIED → PENDING_SETUP → ACTIVE | SETUP_FAILED}, plus {@code ORPHANED} (its AAA
 * organization vanished) and {@code INACTIVE}. Every change of state goes through {@link #check}.
 */
public enum FpoStatus {
    PENDING_VERIFICATION, VERIFIED, PENDING_SETUP, ACTIVE, SETUP_FAILED, ORPHANED, INACTIVE;

    private static final Map<FpoStatus, Set<FpoStatus>> NEXT = Map.of(
            PENDING_VERIFICATION, EnumSet.of(VERIFIED, INACTIVE),
            VERIFIED, EnumSet.of(PENDING_SETUP, INACTIVE),
            // a setup run ends ACTIVE, SETUP_FAILED, or stays PENDING_SETUP while AAA is out of reach
            PENDING_SETUP, EnumSet.of(PENDING_SETUP, ACTIVE, SETUP_FAILED, ORPHANED, INACTIVE),
            SETUP_FAILED, EnumSet.of(PENDING_SETUP, ACTIVE, SETUP_FAILED, ORPHANED, INACTIVE),
            // the consistency check: the organization is gone from AAA
            ACTIVE, EnumSet.of(ORPHANED, INACTIVE),
            // synced again: AAA holds the organization once more
            ORPHANED, EnumSet.of(ACTIVE, INACTIVE),
            INACTIVE, EnumSet.of(ACTIVE));

    public boolean canBecome(FpoStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** Refuses an illegal transition with 409, naming both states. */
    public void check(FpoStatus next) {
        if (!canBecome(next)) {
            throw ApiProblemException.conflict("illegal FPO state transition from " + this + " to " + next);
        }
    }

    /** The {@code status} query parameter: one of the states, named in the error when it is not. */
    public static FpoStatus parse(String value, String field) {
        try {
            return valueOf(value.strip().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new io.integrationhub.platform.web.InvalidRequestException(field + ": must be one of "
                    + java.util.Arrays.toString(values()) + ", got '" + value + "'");
        }
    }
}
