package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integrationhub.platform.jmespath.JmesPathLanguage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's JSON body with templates in its strings (a string that is one placeholder takes the placeholder's JSON
 * value), or a form ({@code format: form}) whose values are templates.
 */
record PlanBody(JsonNode shape, Map<String, PlanTemplate> templates, boolean form) {

    /** Parses the body's strings as templates; paths of the templates are JSON pointers. */
    static PlanBody parse(JsonNode shape, boolean form, String field, JmesPathLanguage jmespath, List<String> problems) {
        Map<String, PlanTemplate> templates = new LinkedHashMap<>();
        collect(shape, "", field, jmespath, problems, templates);
        if (form && !shape.isObject()) {
            problems.add(field + ": a form body must be an object of field values");
        }
        return new PlanBody(shape, templates, form);
    }

    private static void collect(JsonNode node, String pointer, String field, JmesPathLanguage jmespath,
            List<String> problems, Map<String, PlanTemplate> templates) {
        if (node.isTextual()) {
            PlanTemplate template = PlanTemplate.parse(node.textValue(), field + (pointer.isEmpty() ? "" : pointer),
                    jmespath, problems);
            if (template != null && !template.isConstant()) {
                templates.put(pointer, template);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(e.getValue(), pointer + "/" + e.getKey(), field, jmespath, problems, templates);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), pointer + "/" + i, field, jmespath, problems, templates);
            }
        }
    }

    /** The body with every template rendered. */
    JsonNode render(JsonNode scope, JmesPathLanguage jmespath) {
        return render(shape, "", scope, jmespath);
    }

    private JsonNode render(JsonNode node, String pointer, JsonNode scope, JmesPathLanguage jmespath) {
        if (node.isTextual()) {
            PlanTemplate template = templates.get(pointer);
            return template == null ? node : template.renderValue(scope, jmespath);
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), render(e.getValue(), pointer + "/" + e.getKey(), scope, jmespath));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            List<JsonNode> items = new ArrayList<>();
            node.forEach(items::add);
            for (int i = 0; i < items.size(); i++) {
                out.add(render(items.get(i), pointer + "/" + i, scope, jmespath));
            }
            return out;
        }
        return node;
    }
}
