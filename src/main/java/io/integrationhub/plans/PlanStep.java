package io.integrationhub.plans;

import java.util.List;
import java.util.Map;

/**
 * One step of a plan, as compiled to Camel EIPs by {@link PlanRoutes} (docs/plans.md, "Steps"). Expressions
 * ({@code expression}, {@code items}, {@code when}, {@code where}, {@code records}, {@code id}, pagination's
 * {@code cursor}, {@code next}, {@code stop_when}) are JMESPath over the current document: the response of the
 * nearest enclosing request, or the item of the nearest enclosing for_each. Templates ({@code path}, {@code query},
 * {@code headers}, {@code body}) are {@link PlanTemplate}s over the execution's scope.
 */
sealed interface PlanStep {

    String id();

    /** The steps nested in this one (run per page, per item, when the condition holds...); empty when none. */
    default List<PlanStep> steps() {
        return List.of();
    }

    /**
     * An HTTP request to the integration (kamelets/plan-http-action.kamelet.yaml); with {@code paginate}, a loop
     * over the pages. The nested steps run once per page, with the page's JSON as the current document; the last
     * page is {@code steps.<id>} for the steps after it.
     */
    record Request(String id, String method, PlanTemplate path, Map<String, PlanTemplate> query,
            Map<String, PlanTemplate> headers, PlanBody body, Paginate paginate, List<PlanStep> steps)
            implements PlanStep {}

    /**
     * How a request pages. {@code type}: page_number ({@code param}, {@code start}, optional {@code size_param} and
     * {@code size}), offset ({@code param}, {@code limit_param}, {@code limit}), cursor ({@code param}, {@code cursor}:
     * the next cursor in the body), next_link ({@code next}: the next URL in the body) or link_header (the
     * {@code Link} header's {@code rel="next"}). Paging stops when {@code stop_when} is truthy on the page, when
     * {@code records} on the page is empty (page_number, offset) or shorter than the size (when a size is given),
     * when there is no next cursor or link, or after {@code max_pages} (an error naming the limit). A cursor or link
     * that comes back a second time fails the step instead of looping.
     */
    record Paginate(String type, String param, long start, String sizeParam, Long size, String records,
            String stopWhen, String cursor, String next, int maxPages) {}

    /** Keeps a JMESPath result of the current document as {@code steps.<id>}. */
    record Extract(String id, String expression) implements PlanStep {}

    /** Runs the nested steps once per element of {@code items}, at most {@code concurrency} at once (a split). */
    record ForEach(String id, String items, int concurrency, List<PlanStep> steps) implements PlanStep {}

    /** The nested steps when {@code when} is truthy, else {@code otherwise} (a choice). */
    record Condition(String id, String when, List<PlanStep> steps, List<PlanStep> otherwise) implements PlanStep {}

    /** The nested steps only when {@code where} is truthy on the current document (a filter: a record filter). */
    record Filter(String id, String where, List<PlanStep> steps) implements PlanStep {}

    /**
     * Emits entities of {@code type} to topic plan-entities: each element of {@code records} (or the current document
     * itself when none is given) whose {@code where} holds, keyed {@code <tenant>:<type>:<id expression>}.
     */
    record Emit(String id, String type, String records, String idExpression, String where) implements PlanStep {}

    /** Sets context values (JMESPath over the current document), committed only when the execution succeeds. */
    record Context(String id, Map<String, String> set) implements PlanStep {}
}
