package io.integrationhub.plans;

import java.util.HashSet;
import java.util.Set;

/**
 * The paging state of one request step in one branch (an exchange variable, so each parent item of a fan-out pages
 * on its own). The loop of the step's route runs while {@link #isDue()}.
 */
public final class PlanPaging {

    final PlanStep.Paginate paginate;
    boolean due = true;
    long number;
    long offset;
    String cursor;
    String nextUrl;
    int pagesRead;
    /** Cursors used and URLs requested: one coming back is a loop. */
    final Set<String> seen = new HashSet<>();

    PlanPaging(PlanStep.Paginate paginate) {
        this.paginate = paginate;
        this.number = paginate == null ? 0 : paginate.start();
    }

    public boolean isDue() {
        return due;
    }
}
