package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.integrationhub.platform.jmespath.JmesPathLanguage;
import io.integrationhub.platform.web.RequestFields;
import io.burt.jmespath.parser.ParseException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an integration's body says, checked: the API's base URL, its auth flow, default headers, a cluster-wide rate
 * limit and the JSON Schema its configs must satisfy (docs/plans.md, "Integrations").
 */
record IntegrationSpec(String name, String baseUrl, Auth auth, Map<String, PlanTemplate> headers, BigDecimal rateLimit,
        JsonNode configSchema) {

    static final Set<String> AUTH_TYPES = Set.of("none", "api_key", "basic", "bearer", "oauth2");
    static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    /**
     * An auth flow; its templates are over {@code {config...}}. api_key: {@code in} header or query, {@code name},
     * {@code value}; basic: {@code username}, {@code password}; bearer: {@code token}; oauth2 (or any token endpoint):
     * {@code token_url} (absolute or relative to the base URL), {@code client_id}, {@code client_secret},
     * {@code scope}, {@code format} form (default) or json, {@code body} (more fields of the token request),
     * {@code token_path} and {@code expires_in_path} (JMESPath over the answer; defaults access_token and
     * expires_in; no lifetime in the answer: hub.plans.default-token-lifetime).
     */
    record Auth(String type, String in, String name, PlanTemplate value, PlanTemplate username, PlanTemplate password,
            String tokenUrl, PlanTemplate clientId, PlanTemplate clientSecret, PlanTemplate scope, boolean jsonBody,
            PlanBody body, String tokenPath, String expiresInPath) {

        static Auth none() {
            return new Auth("none", null, null, null, null, null, null, null, null, null, false, null, null, null);
        }
    }

    static IntegrationSpec parse(JsonNode root, JmesPathLanguage jmespath, List<String> problems) {
        RequestFields.unknownFields(root, Set.of("name", "base_url", "auth", "headers", "rate_limit_per_second",
                "config_schema"), "", problems);
        String name = RequestFields.text(root, "name", "name", 1, 100, true, problems);
        String baseUrl = RequestFields.text(root, "base_url", "base_url", 1, 2000, true, problems);
        Auth auth = auth(root.get("auth"), jmespath, problems);
        Map<String, PlanTemplate> headers = new LinkedHashMap<>();
        JsonNode headersNode = root.get("headers");
        if (headersNode != null && !headersNode.isNull()) {
            if (!headersNode.isObject()) {
                problems.add("headers: must be an object of header name -> template");
            } else {
                headersNode.fields().forEachRemaining(e -> {
                    if (!e.getValue().isTextual()) {
                        problems.add("headers." + e.getKey() + ": must be a string");
                    } else {
                        PlanTemplate t = PlanTemplate.parse(e.getValue().textValue(), "headers." + e.getKey(), jmespath,
                                problems);
                        if (t != null) {
                            headers.put(e.getKey(), t);
                        }
                    }
                });
            }
        }
        BigDecimal rate = null;
        JsonNode rateNode = root.get("rate_limit_per_second");
        if (rateNode != null && !rateNode.isNull()) {
            if (!rateNode.isNumber() || rateNode.decimalValue().signum() <= 0
                    || rateNode.decimalValue().compareTo(BigDecimal.valueOf(100_000)) > 0) {
                problems.add("rate_limit_per_second: a number above 0 and at most 100000, got " + rateNode);
            } else {
                rate = rateNode.decimalValue();
            }
        }
        JsonNode schema = root.get("config_schema");
        if (schema == null || schema.isNull()) {
            schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        } else if (!schema.isObject()) {
            problems.add("config_schema: must be a JSON Schema object");
        } else {
            try {
                SCHEMAS.getSchema(schema).initializeValidators();
            } catch (RuntimeException e) {
                problems.add("config_schema: not a usable JSON Schema: " + e.getMessage());
            }
        }
        return new IntegrationSpec(name, baseUrl, auth, headers, rate, schema);
    }

    private static Auth auth(JsonNode node, JmesPathLanguage jmespath, List<String> problems) {
        if (node == null || node.isNull()) {
            return Auth.none();
        }
        if (!node.isObject()) {
            problems.add("auth: must be an object with a type (" + String.join(", ", new java.util.TreeSet<>(AUTH_TYPES))
                    + ")");
            return Auth.none();
        }
        String type = RequestFields.text(node, "type", "auth.type", 1, 20, true, problems);
        if (type == null) {
            return Auth.none();
        }
        switch (type) {
            case "none" -> {
                RequestFields.unknownFields(node, Set.of("type"), "auth.", problems);
                return Auth.none();
            }
            case "api_key" -> {
                RequestFields.unknownFields(node, Set.of("type", "in", "name", "value"), "auth.", problems);
                String in = RequestFields.text(node, "in", "auth.in", 1, 10, false, problems);
                in = in == null ? "header" : in;
                if (!in.equals("header") && !in.equals("query")) {
                    problems.add("auth.in: header or query, got '" + in + "'");
                }
                String name = RequestFields.text(node, "name", "auth.name", 1, 200, true, problems);
                return new Auth(type, in, name, template(node, "value", jmespath, problems), null, null, null, null,
                        null, null, false, null, null, null);
            }
            case "basic" -> {
                RequestFields.unknownFields(node, Set.of("type", "username", "password"), "auth.", problems);
                return new Auth(type, null, null, null, template(node, "username", jmespath, problems),
                        template(node, "password", jmespath, problems), null, null, null, null, false, null, null,
                        null);
            }
            case "bearer" -> {
                RequestFields.unknownFields(node, Set.of("type", "token"), "auth.", problems);
                return new Auth(type, null, null, template(node, "token", jmespath, problems), null, null, null, null,
                        null, null, false, null, null, null);
            }
            case "oauth2" -> {
                RequestFields.unknownFields(node, Set.of("type", "token_url", "client_id", "client_secret", "scope",
                        "format", "body", "token_path", "expires_in_path"), "auth.", problems);
                String tokenUrl = RequestFields.text(node, "token_url", "auth.token_url", 1, 2000, true, problems);
                String format = RequestFields.text(node, "format", "auth.format", 1, 10, false, problems);
                if (format != null && !format.equals("form") && !format.equals("json")) {
                    problems.add("auth.format: form or json, got '" + format + "'");
                }
                JsonNode bodyNode = node.get("body");
                PlanBody body = null;
                if (bodyNode != null && !bodyNode.isNull()) {
                    if (!bodyNode.isObject()) {
                        problems.add("auth.body: must be an object of extra token request fields");
                    } else {
                        body = PlanBody.parse(bodyNode, false, "auth.body", jmespath, problems);
                    }
                }
                PlanTemplate scope = node.hasNonNull("scope") ? template(node, "scope", jmespath, problems) : null;
                return new Auth(type, null, null, null, null, null, tokenUrl,
                        template(node, "client_id", jmespath, problems),
                        template(node, "client_secret", jmespath, problems), scope, "json".equals(format), body,
                        path(node, "token_path", "access_token", jmespath, problems),
                        path(node, "expires_in_path", "expires_in", jmespath, problems));
            }
            default -> {
                problems.add("auth.type: unknown auth flow '" + type + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(AUTH_TYPES)) + ")");
                return Auth.none();
            }
        }
    }

    private static PlanTemplate template(JsonNode node, String name, JmesPathLanguage jmespath, List<String> problems) {
        String text = RequestFields.text(node, name, "auth." + name, 1, 2000, true, problems);
        return text == null ? null : PlanTemplate.parse(text, "auth." + name, jmespath, problems);
    }

    private static String path(JsonNode node, String name, String fallback, JmesPathLanguage jmespath,
            List<String> problems) {
        String text = RequestFields.text(node, name, "auth." + name, 1, 500, false, problems);
        if (text == null) {
            return fallback;
        }
        try {
            jmespath.compile(text);
            return text;
        } catch (ParseException e) {
            problems.add("auth." + name + ": not a valid JMESPath expression: " + e.getMessage());
            return fallback;
        }
    }

    /** The config fields that are secret: top-level properties with {@code format: password} or {@code writeOnly}. */
    static Set<String> secretFields(JsonNode schema) {
        Set<String> secret = new LinkedHashSet<>();
        JsonNode properties = schema.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("password".equals(e.getValue().path("format").asText()) || e.getValue().path("writeOnly").asBoolean()) {
                secret.add(e.getKey());
            }
        }
        return secret;
    }

    /** Every problem of {@code values} against the schema, each naming its field. */
    static List<String> validate(JsonNode schema, JsonNode values) {
        JsonSchema compiled = SCHEMAS.getSchema(schema);
        List<String> problems = new ArrayList<>();
        compiled.validate(values).forEach(message -> {
            String location = message.getInstanceLocation().toString();
            String field = location.startsWith("$.") ? "values." + location.substring(2)
                    : location.equals("$") ? "values" : "values" + location.substring(1);
            problems.add(field + ": " + message.getMessage().replaceFirst("^\\$[.\\w\\[\\]]*: ", ""));
        });
        return problems;
    }
}
