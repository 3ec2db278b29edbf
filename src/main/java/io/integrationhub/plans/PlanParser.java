package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import io.burt.jmespath.parser.ParseException;
import io.integrationhub.platform.jmespath.JmesPathLanguage;
import io.integrationhub.platform.web.RequestFields;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Reads a plan's JSON (docs/plans.md) and reports every problem at once, each naming the step id and field
 * ({@code step list_orders: paginate.cursor: ...}): unknown step kinds and fields, bad JMESPath, bad templates,
 * nesting over {@code hub.plans.max-nesting}, duplicate step ids, a bad schedule.
 */
final class PlanParser {

    static final Pattern PLAN_NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");
    static final Pattern STEP_ID = Pattern.compile("^[a-z][a-z0-9_]{0,39}$");
    static final Pattern ENTITY_TYPE = Pattern.compile("^[a-z][a-z0-9_]{0,39}$");
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    static final Set<String> PAGINATIONS = Set.of("page_number", "offset", "cursor", "next_link", "link_header");
    static final Set<String> KINDS = Set.of("request", "extract", "for_each", "condition", "filter", "emit", "context");

    /** What a plan's body says, checked. */
    record PlanSpec(String name, UUID integrationId, UUID configId, Schedule schedule, boolean enabled,
            List<PlanStep> steps) {}

    /** Interval or cron; null when the plan runs only by hand. */
    record Schedule(Duration interval, String cron) {

        String describe() {
            return interval != null ? "every " + interval : "cron " + cron;
        }
    }

    private final JmesPathLanguage jmespath;
    private final PlanProperties properties;

    PlanParser(JmesPathLanguage jmespath, PlanProperties properties) {
        this.jmespath = jmespath;
        this.properties = properties;
    }

    PlanSpec parse(JsonNode root) {
        return parse(root, (spec, problems) -> { });
    }

    /**
     * @param references checks what the spec refers to (its integration and config exist in the tenant); its
     *     problems are reported with the others
     */
    PlanSpec parse(JsonNode root, java.util.function.BiConsumer<PlanSpec, List<String>> references) {
        List<String> problems = new ArrayList<>();
        RequestFields.unknownFields(root, Set.of("name", "integration_id", "config_id", "schedule", "enabled", "steps"),
                "", problems);
        String name = RequestFields.text(root, "name", "name", 1, 63, true, problems);
        if (name != null && !PLAN_NAME.matcher(name).matches()) {
            problems.add("name: lower-case letters, digits and '-', starting with a letter or digit (it is part of the "
                    + "route id plan-<tenant>-<name>), got '" + name + "'");
        }
        UUID integration = uuid(root, "integration_id", true, problems);
        UUID config = uuid(root, "config_id", false, problems);
        Schedule schedule = schedule(root.get("schedule"), problems);
        JsonNode enabledNode = root.get("enabled");
        boolean enabled = true;
        if (enabledNode != null && !enabledNode.isNull()) {
            if (enabledNode.isBoolean()) {
                enabled = enabledNode.booleanValue();
            } else {
                problems.add("enabled: must be true or false, got " + RequestFields.kind(enabledNode));
            }
        }
        List<PlanStep> steps = List.of();
        JsonNode stepsNode = root.get("steps");
        if (stepsNode == null || stepsNode.isNull()) {
            problems.add("steps: is required");
        } else if (!stepsNode.isArray() || stepsNode.isEmpty()) {
            problems.add("steps: must be a non-empty array of steps");
        } else {
            steps = steps(stepsNode, "steps", 1, new HashSet<>(), problems);
        }
        PlanSpec spec = new PlanSpec(name, integration, config, schedule, enabled, steps);
        references.accept(spec, problems);
        RequestFields.check(problems);
        return spec;
    }

    private UUID uuid(JsonNode root, String field, boolean required, List<String> problems) {
        String text = RequestFields.text(root, field, field, 1, 64, required, problems);
        if (text == null) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            problems.add(field + ": must be a UUID, got '" + text + "'");
            return null;
        }
    }

    private Schedule schedule(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add("schedule: must be an object with interval (ISO-8601, e.g. PT5M) or cron (Quartz)");
            return null;
        }
        RequestFields.unknownFields(node, Set.of("interval", "cron"), "schedule.", problems);
        String interval = RequestFields.text(node, "interval", "schedule.interval", 1, 40, false, problems);
        String cron = RequestFields.text(node, "cron", "schedule.cron", 1, 120, false, problems);
        if ((interval == null) == (cron == null)) {
            problems.add("schedule: give exactly one of interval and cron");
            return null;
        }
        if (interval != null) {
            try {
                Duration every = Duration.parse(interval);
                if (every.compareTo(properties.minInterval()) < 0) {
                    problems.add("schedule.interval: at least " + properties.minInterval()
                            + " (hub.plans.min-interval), got " + interval);
                    return null;
                }
                return new Schedule(every, null);
            } catch (DateTimeParseException e) {
                problems.add("schedule.interval: an ISO-8601 duration such as PT5M, got '" + interval + "'");
                return null;
            }
        }
        if (!CronExpression.isValidExpression(cron)) {
            problems.add("schedule.cron: not a valid Quartz cron expression (seconds first, e.g. 0 0/5 * * * ?): '"
                    + cron + "'");
            return null;
        }
        return new Schedule(null, cron);
    }

    private List<PlanStep> steps(JsonNode array, String field, int depth, Set<String> ids, List<String> problems) {
        if (depth > properties.maxNesting()) {
            problems.add(field + ": steps nest " + depth + " deep, more than hub.plans.max-nesting ("
                    + properties.maxNesting() + ")");
            return List.of();
        }
        List<PlanStep> steps = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            PlanStep step = step(array.get(i), field + "[" + i + "]", depth, ids, problems);
            if (step != null) {
                steps.add(step);
            }
        }
        return steps;
    }

    private PlanStep step(JsonNode node, String position, int depth, Set<String> ids, List<String> problems) {
        if (!node.isObject()) {
            problems.add(position + ": a step must be an object, got " + RequestFields.kind(node));
            return null;
        }
        String id = RequestFields.text(node, "id", position + ".id", 1, 40, true, problems);
        String where = id == null ? position : "step " + id;
        if (id != null && !STEP_ID.matcher(id).matches()) {
            problems.add(position + ".id: lower-case letters, digits and '_', starting with a letter (steps.<id> "
                    + "names its result in templates), got '" + id + "'");
        } else if (id != null && !ids.add(id)) {
            problems.add(where + ": id: used by another step of the plan");
        }
        String kind = RequestFields.text(node, "kind", where + ": kind", 1, 40, true, problems);
        if (kind == null) {
            return null;
        }
        String f = where + ": ";
        return switch (kind) {
            case "request" -> request(node, id, f, depth, ids, problems);
            case "extract" -> {
                known(node, f, problems, "expression");
                yield new PlanStep.Extract(id, expression(node, "expression", f, true, problems));
            }
            case "for_each" -> {
                known(node, f, problems, "items", "concurrency", "steps");
                String items = expression(node, "items", f, true, problems);
                int concurrency = whole(node, "concurrency", f, 1, 1, properties.maxConcurrency(),
                        "hub.plans.max-concurrency", problems);
                yield new PlanStep.ForEach(id, items, concurrency, nested(node, "steps", f, depth, ids, true, problems));
            }
            case "condition" -> {
                known(node, f, problems, "when", "steps", "otherwise");
                String when = expression(node, "when", f, true, problems);
                yield new PlanStep.Condition(id, when, nested(node, "steps", f, depth, ids, true, problems),
                        nested(node, "otherwise", f, depth, ids, false, problems));
            }
            case "filter" -> {
                known(node, f, problems, "where", "steps");
                String test = expression(node, "where", f, true, problems);
                yield new PlanStep.Filter(id, test, nested(node, "steps", f, depth, ids, true, problems));
            }
            case "emit" -> {
                known(node, f, problems, "type", "records", "id", "where");
                String type = RequestFields.text(node, "type", f + "type", 1, 40, true, problems);
                if (type != null && !ENTITY_TYPE.matcher(type).matches()) {
                    problems.add(f + "type: lower-case letters, digits and '_', starting with a letter, got '" + type
                            + "'");
                }
                yield new PlanStep.Emit(id, type, expression(node, "records", f, false, problems),
                        expression(node, "id", f, true, problems), expression(node, "where", f, false, problems));
            }
            case "context" -> {
                known(node, f, problems, "set");
                JsonNode set = node.get("set");
                Map<String, String> values = new LinkedHashMap<>();
                if (set == null || !set.isObject() || set.isEmpty()) {
                    problems.add(f + "set: is required: an object of context key -> JMESPath over the document");
                } else {
                    set.fieldNames().forEachRemaining(key -> {
                        String expr = expression(set, key, f + "set.", true, problems);
                        if (expr != null) {
                            values.put(key, expr);
                        }
                    });
                }
                yield new PlanStep.Context(id, values);
            }
            default -> {
                problems.add(f + "kind: unknown step kind '" + kind + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(KINDS)) + ")");
                yield null;
            }
        };
    }

    private PlanStep request(JsonNode node, String id, String f, int depth, Set<String> ids, List<String> problems) {
        known(node, f, problems, "method", "path", "query", "headers", "body", "format", "paginate", "steps");
        String method = RequestFields.text(node, "method", f + "method", 1, 10, false, problems);
        method = method == null ? "GET" : method.toUpperCase();
        if (!METHODS.contains(method)) {
            problems.add(f + "method: one of " + String.join(", ", new java.util.TreeSet<>(METHODS)) + ", got '"
                    + method + "'");
        }
        String pathText = RequestFields.text(node, "path", f + "path", 1, 2000, true, problems);
        PlanTemplate path = pathText == null ? null : PlanTemplate.parse(pathText, f + "path", jmespath, problems);
        Map<String, PlanTemplate> query = templates(node.get("query"), f + "query", problems);
        Map<String, PlanTemplate> headers = templates(node.get("headers"), f + "headers", problems);
        String format = RequestFields.text(node, "format", f + "format", 1, 10, false, problems);
        if (format != null && !format.equals("json") && !format.equals("form")) {
            problems.add(f + "format: json or form, got '" + format + "'");
        }
        JsonNode bodyNode = node.get("body");
        PlanBody body = bodyNode == null || bodyNode.isNull() ? null
                : PlanBody.parse(bodyNode, "form".equals(format), f + "body", jmespath, problems);
        PlanStep.Paginate paginate = paginate(node.get("paginate"), f + "paginate.", problems);
        return new PlanStep.Request(id, method, path, query, headers, body, paginate,
                nested(node, "steps", f, depth, ids, false, problems));
    }

    private PlanStep.Paginate paginate(JsonNode node, String f, List<String> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add(f.substring(0, f.length() - 1) + ": must be an object");
            return null;
        }
        String type = RequestFields.text(node, "type", f + "type", 1, 20, true, problems);
        if (type == null) {
            return null;
        }
        int maxPages = whole(node, "max_pages", f, properties.maxPages(), 1, properties.maxPages(),
                PlanProperties.MAX_PAGES, problems);
        String stopWhen = expression(node, "stop_when", f, false, problems);
        switch (type) {
            case "page_number" -> {
                knownPaging(node, f, problems, "type", "param", "start", "size_param", "size", "records", "stop_when",
                        "max_pages");
                String param = RequestFields.text(node, "param", f + "param", 1, 100, false, problems);
                String sizeParam = RequestFields.text(node, "size_param", f + "size_param", 1, 100, false, problems);
                long start = whole(node, "start", f, 1, 0, Integer.MAX_VALUE, null, problems);
                Long size = node.has("size") ? (long) whole(node, "size", f, 1, 1, 100_000, null, problems) : null;
                String records = expression(node, "records", f, stopWhen == null, problems);
                return new PlanStep.Paginate(type, param == null ? "page" : param, start, sizeParam, size, records,
                        stopWhen, null, null, maxPages);
            }
            case "offset" -> {
                knownPaging(node, f, problems, "type", "param", "limit_param", "limit", "records", "stop_when", "max_pages");
                String param = RequestFields.text(node, "param", f + "param", 1, 100, false, problems);
                String limitParam = RequestFields.text(node, "limit_param", f + "limit_param", 1, 100, false, problems);
                long limit = whole(node, "limit", f, 100, 1, 100_000, null, problems);
                String records = expression(node, "records", f, stopWhen == null, problems);
                return new PlanStep.Paginate(type, param == null ? "offset" : param, 0,
                        limitParam == null ? "limit" : limitParam, limit, records, stopWhen, null, null, maxPages);
            }
            case "cursor" -> {
                knownPaging(node, f, problems, "type", "param", "cursor", "stop_when", "max_pages");
                String param = RequestFields.text(node, "param", f + "param", 1, 100, false, problems);
                String cursor = expression(node, "cursor", f, true, problems);
                return new PlanStep.Paginate(type, param == null ? "cursor" : param, 0, null, null, null, stopWhen,
                        cursor, null, maxPages);
            }
            case "next_link" -> {
                knownPaging(node, f, problems, "type", "next", "stop_when", "max_pages");
                return new PlanStep.Paginate(type, null, 0, null, null, null, stopWhen, null,
                        expression(node, "next", f, true, problems), maxPages);
            }
            case "link_header" -> {
                knownPaging(node, f, problems, "type", "stop_when", "max_pages");
                return new PlanStep.Paginate(type, null, 0, null, null, null, stopWhen, null, null, maxPages);
            }
            default -> {
                problems.add(f + "type: unknown pagination '" + type + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(PAGINATIONS)) + ")");
                return null;
            }
        }
    }

    private List<PlanStep> nested(JsonNode node, String name, String f, int depth, Set<String> ids, boolean required,
            List<String> problems) {
        JsonNode list = node.get(name);
        if (list == null || list.isNull()) {
            if (required) {
                problems.add(f + name + ": is required (the nested steps)");
            }
            return List.of();
        }
        if (!list.isArray() || (required && list.isEmpty())) {
            problems.add(f + name + ": must be a" + (required ? " non-empty" : "n") + " array of steps");
            return List.of();
        }
        return steps(list, f + name, depth + 1, ids, problems);
    }

    private Map<String, PlanTemplate> templates(JsonNode node, String field, List<String> problems) {
        Map<String, PlanTemplate> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            problems.add(field + ": must be an object of name -> template");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            if (!value.isValueNode() || value.isNull()) {
                problems.add(field + "." + e.getKey() + ": must be a string, number or boolean template");
                continue;
            }
            PlanTemplate template = PlanTemplate.parse(value.asText(), field + "." + e.getKey(), jmespath, problems);
            if (template != null) {
                out.put(e.getKey(), template);
            }
        }
        return out;
    }

    /** A JMESPath field, compiled to check it. */
    private String expression(JsonNode node, String name, String f, boolean required, List<String> problems) {
        String text = RequestFields.text(node, name, f + name, 1, 2000, required, problems);
        if (text == null) {
            return null;
        }
        try {
            jmespath.compile(text);
            return text;
        } catch (ParseException e) {
            problems.add(f + name + ": not a valid JMESPath expression: " + e.getMessage());
            return null;
        }
    }

    private static int whole(JsonNode node, String name, String f, int fallback, int min, int max, String setting,
            List<String> problems) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            problems.add(f + name + ": must be a whole number, got " + RequestFields.kind(value));
            return fallback;
        }
        int n = value.intValue();
        if (n < min || n > max) {
            problems.add(f + name + ": must be " + min + ".." + max + (setting == null ? "" : " (" + setting + ")")
                    + ", got " + n);
            return fallback;
        }
        return n;
    }

    /** A step's fields: its kind's and id, kind. */
    private static void known(JsonNode node, String f, List<String> problems, String... fields) {
        Set<String> known = new HashSet<>(List.of(fields));
        known.add("id");
        known.add("kind");
        RequestFields.unknownFields(node, known, f, problems);
    }

    private static void knownPaging(JsonNode node, String f, List<String> problems, String... fields) {
        RequestFields.unknownFields(node, Set.of(fields), f, problems);
    }
}
