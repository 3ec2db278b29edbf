package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integrationhub.platform.jmespath.JmesPathLanguage;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * What the EIPs of a plan route cannot say themselves (bean {@value #BEAN}, named by {@link PlanRoutes}): a request
 * step's paging, the entity records of an emit step, the context values of a context step, and the scope the
 * templates of a request are rendered over. Each method does one step's part, looked up by its id.
 */
public class PlanSteps {

    static final String BEAN = "planSteps";
    /** Variable: the request step the plan-http-action Kamelet is calling. */
    static final String CURRENT_REQUEST = "planRequest";
    /** Variable: the item of the innermost for_each. */
    static final String ITEM = "item";
    /** Variable: the document an emit step puts back after the sink. */
    static final String DOCUMENT = "planDocument";
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]*)>\\s*;[^,]*?rel\\s*=\\s*\"?next\"?",
            Pattern.CASE_INSENSITIVE);

    static String paging(String stepId) {
        return "planPaging_" + stepId;
    }

    /** Variable: the document before a request step, given back to the steps after it. */
    static String outer(String stepId) {
        return "planOuter_" + stepId;
    }

    static String result(String stepId) {
        return "step_" + stepId;
    }

    static String each(String stepId) {
        return "each_" + stepId;
    }

    private final JmesPathLanguage jmespath;

    public PlanSteps(JmesPathLanguage jmespath) {
        this.jmespath = jmespath;
    }

    static PlanExecution execution(Exchange exchange) {
        PlanExecution execution = exchange.getProperty(PlanExecution.PROPERTY, PlanExecution.class);
        if (execution == null) {
            throw new IllegalStateException("a plan route runs only as an execution (plans-worker)");
        }
        return execution;
    }

    public void beginRequest(Exchange exchange, String stepId) {
        PlanStep.Request step = execution(exchange).plan.step(stepId, PlanStep.Request.class);
        exchange.setVariable(paging(stepId), new PlanPaging(step.paginate()));
    }

    /** After a page arrived (the body is its JSON): counts it, keeps it as steps.<id>, and works out the next page. */
    public void page(Exchange exchange, String stepId) {
        PlanExecution execution = execution(exchange);
        PlanPaging paging = exchange.getVariable(paging(stepId), PlanPaging.class);
        JsonNode page = jmespath.tree(exchange);
        execution.pages.incrementAndGet();
        paging.pagesRead++;
        exchange.setVariable(result(stepId), page);
        PlanStep.Paginate p = paging.paginate;
        if (p == null) {
            paging.due = false;
            return;
        }
        if (p.stopWhen() != null && JmesPathLanguage.truthy(jmespath.search(p.stopWhen(), page))) {
            paging.due = false;
            return;
        }
        switch (p.type()) {
            case "page_number", "offset" -> {
                if (p.records() != null) {
                    JsonNode records = jmespath.search(p.records(), page);
                    int count = records.isArray() ? records.size() : records.isNull() ? 0 : 1;
                    if (count == 0 || (p.size() != null && count < p.size())) {
                        paging.due = false;
                        return;
                    }
                }
                if (p.type().equals("page_number")) {
                    paging.number++;
                } else {
                    paging.offset += p.size();
                }
            }
            case "cursor" -> {
                String next = text(jmespath.search(p.cursor(), page));
                if (next == null) {
                    paging.due = false;
                    return;
                }
                if (!paging.seen.add("cursor:" + next)) {
                    throw new PlanStepException("step " + stepId + ": the API returned cursor '" + next
                            + "' a second time (after page " + paging.pagesRead + "); stopped instead of looping");
                }
                paging.cursor = next;
            }
            case "next_link", "link_header" -> {
                String next = p.type().equals("next_link") ? text(jmespath.search(p.next(), page))
                        : nextFromLinkHeader(exchange.getMessage());
                if (next == null) {
                    paging.due = false;
                    return;
                }
                String url = URI.create(exchange.getVariable(PlanCalls.REQUESTED_URL, String.class)).resolve(next)
                        .toString();
                if (paging.seen.contains("url:" + url)) {
                    throw new PlanStepException("step " + stepId + ": the API's next link " + url
                            + " was requested before (after page " + paging.pagesRead + "); stopped instead of looping");
                }
                paging.nextUrl = url;
            }
            default -> throw new IllegalStateException("unknown pagination " + p.type());
        }
        if (paging.pagesRead >= p.maxPages()) {
            throw new PlanLimitException("step " + stepId + ": more than max_pages (" + p.maxPages()
                    + ") pages; the API had more (" + PlanProperties.MAX_PAGES + " caps max_pages)");
        }
    }

    static String nextFromLinkHeader(Message message) {
        Object header = message.getHeader("Link");
        if (header == null) {
            return null;
        }
        String value = header instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : header.toString();
        Matcher m = NEXT_LINK.matcher(value);
        return m.find() ? m.group(1).strip() : null;
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        String text = value.isTextual() ? value.textValue() : value.toString();
        return text.isEmpty() ? null : text;
    }

    /**
     * The entities of an emit step as Kafka messages for plan-entity-sink: each record of the document whose
     * {@code where} holds, value {@code {"type", "id", "record"}}, key {@code <tenant>:<type>:<id>}.
     */
    public List<Message> entities(Exchange exchange, String stepId) {
        PlanExecution execution = execution(exchange);
        PlanStep.Emit emit = execution.plan.step(stepId, PlanStep.Emit.class);
        JsonNode document = jmespath.tree(exchange);
        JsonNode records = emit.records() == null ? document : jmespath.search(emit.records(), document);
        List<JsonNode> list = new ArrayList<>();
        if (records.isArray()) {
            records.forEach(list::add);
        } else if (!records.isNull()) {
            list.add(records);
        }
        List<Message> messages = new ArrayList<>(list.size());
        String plan = execution.plan.id().toString();
        String executionId = execution.id.toString();
        for (JsonNode record : list) {
            if (emit.where() != null && !JmesPathLanguage.truthy(jmespath.search(emit.where(), record))) {
                continue;
            }
            String id = text(jmespath.search(emit.idExpression(), record));
            if (id == null) {
                throw new PlanStepException("step " + stepId + ": a " + emit.type() + " record has no id (id expression '"
                        + emit.idExpression() + "' gave nothing): " + abbreviate(record.toString()));
            }
            ObjectNode value = JsonNodeFactory.instance.objectNode();
            value.put("type", emit.type());
            value.put("id", id);
            value.set("record", record);
            Message message = new DefaultMessage(exchange.getContext());
            message.setBody(value.toString());
            message.setHeader(KafkaConstants.KEY, execution.tenant + ":" + emit.type() + ":" + id);
            message.setHeader("tenant", execution.tenant);
            message.setHeader("plan", plan);
            message.setHeader("execution", executionId);
            message.setHeader("entity_type", emit.type());
            messages.add(message);
        }
        execution.emitted(emit.type(), messages.size());
        exchange.getMessage().setBody(messages);
        return messages;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** A context step: its values, committed when the execution succeeds. */
    public void remember(Exchange exchange, String stepId) {
        PlanExecution execution = execution(exchange);
        PlanStep.Context step = execution.plan.step(stepId, PlanStep.Context.class);
        JsonNode document = jmespath.tree(exchange);
        for (Map.Entry<String, String> e : step.set().entrySet()) {
            execution.remember(e.getKey(), jmespath.search(e.getValue(), document));
        }
    }

    /**
     * What the templates of a request see: {@code config}, {@code context}, {@code item} (innermost for_each),
     * {@code each.<for_each id>}, {@code steps.<id>} (extract results and each request's last page),
     * {@code page} (the current request's: number, offset, cursor) and {@code execution} (id, plan, tenant).
     */
    ObjectNode scope(Exchange exchange, PlanPaging paging) {
        PlanExecution execution = execution(exchange);
        ObjectNode scope = JsonNodeFactory.instance.objectNode();
        scope.set("config", execution.config);
        scope.set("context", execution.context());
        ObjectNode each = scope.putObject("each");
        ObjectNode steps = scope.putObject("steps");
        exchange.getVariables().forEach((name, value) -> {
            if (value instanceof JsonNode node) {
                if (name.startsWith("each_")) {
                    each.set(name.substring(5), node);
                } else if (name.startsWith("step_")) {
                    steps.set(name.substring(5), node);
                } else if (name.equals(ITEM)) {
                    scope.set(ITEM, node);
                }
            }
        });
        ObjectNode page = scope.putObject("page");
        if (paging != null) {
            page.put("number", paging.number).put("offset", paging.offset).put("cursor", paging.cursor)
                    .put("read", paging.pagesRead);
        }
        scope.putObject("execution").put("id", execution.id.toString()).put("plan", execution.plan.id().toString())
                .put("tenant", execution.tenant).put("started_at", execution.started.toString());
        return scope;
    }
}
