package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integrationhub.platform.calls.SsrfGuard;
import io.integrationhub.platform.jmespath.JmesPathLanguage;
import io.integrationhub.platform.web.ApiProblemException;
import io.integrationhub.platform.web.ForeignTenantException;
import io.integrationhub.platform.web.InvalidRequestException;
import io.integrationhub.platform.web.RequestFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The plans API (routes/plans/plans-api.camel.yaml, docs/plans.md): integrations, their configs, plans, executions,
 * statistics and context, all of the caller's tenant (another tenant's answers 403). Every write checks the whole
 * body first and reports every problem at once (400 problem+json naming each field), and writes nothing for a bad
 * one; a plan's route and trigger change in the same request.
 */
public class PlanResources {

    private final PlanStore store;
    private final PlanExecutionStore executions;
    private final PlanParser parser;
    private final PlanRegistry registry;
    private final PlanSchedules schedules;
    private final PlanConfigs configs;
    private final PlanJobs jobs;
    private final JmesPathLanguage jmespath;
    private final SsrfGuard guard;
    private final ObjectMapper json;
    private final TransactionTemplate transaction;
    private final PlanWorkers workers;

    PlanResources(PlanStore store, PlanExecutionStore executions, PlanParser parser, PlanRegistry registry,
            PlanSchedules schedules, PlanConfigs configs, PlanJobs jobs, JmesPathLanguage jmespath, SsrfGuard guard,
            ObjectMapper json, TransactionTemplate transaction, PlanWorkers workers) {
        this.workers = workers;
        this.store = store;
        this.executions = executions;
        this.parser = parser;
        this.registry = registry;
        this.schedules = schedules;
        this.configs = configs;
        this.jobs = jobs;
        this.jmespath = jmespath;
        this.guard = guard;
        this.json = json;
        this.transaction = transaction;
    }

    private static String tenant(Exchange exchange) {
        return exchange.getMessage().getHeader("hubTenantId", String.class);
    }

    private static UUID id(Exchange exchange) {
        return RequestFields.uuid(exchange.getMessage().getHeader("id", String.class), "id");
    }

    private JsonNode body(Exchange exchange) {
        return RequestFields.readObject(json, exchange.getMessage().getBody(String.class));
    }

    private static void created(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
    }

    private static void noContent(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        exchange.getMessage().setBody(null);
    }

    private static <T> T owned(String tenant, String what, UUID id, java.util.Optional<T> row,
            java.util.function.Function<T, String> tenantOf) {
        T found = row.orElseThrow(() -> ApiProblemException.notFound("no " + what + " with id " + id));
        if (!tenantOf.apply(found).equals(tenant)) {
            throw new ForeignTenantException("the " + what + " " + id + " belongs to another tenant");
        }
        return found;
    }

    // --- integrations

    private IntegrationSpec integrationSpec(JsonNode body) {
        List<String> problems = new ArrayList<>();
        IntegrationSpec spec = IntegrationSpec.parse(body, jmespath, problems);
        if (spec.baseUrl() != null) {
            try {
                guard.checkUrl(spec.baseUrl(), "base_url");
            } catch (InvalidRequestException e) {
                problems.add(e.getMessage());
            }
        }
        RequestFields.check(problems);
        return spec;
    }

    public Map<String, Object> createIntegration(Exchange exchange) {
        JsonNode body = body(exchange);
        IntegrationSpec spec = integrationSpec(body);
        UUID id = UUID.randomUUID();
        if (!store.insertIntegration(id, tenant(exchange), spec, body)) {
            throw ApiProblemException.conflict("name: an integration named '" + spec.name() + "' exists in this tenant");
        }
        created(exchange);
        return view(store.integration(id).orElseThrow());
    }

    public List<Map<String, Object>> listIntegrations(Exchange exchange) {
        return store.integrations(tenant(exchange)).stream().map(this::view).toList();
    }

    public Map<String, Object> getIntegration(Exchange exchange) {
        return view(integration(exchange));
    }

    private PlanStore.IntegrationRow integration(Exchange exchange) {
        UUID id = id(exchange);
        return owned(tenant(exchange), "integration", id, store.integration(id), PlanStore.IntegrationRow::tenant);
    }

    /** PUT: the whole integration anew; the plans using it get rebuilt routes. */
    public Map<String, Object> updateIntegration(Exchange exchange) throws Exception {
        PlanStore.IntegrationRow current = integration(exchange);
        JsonNode body = body(exchange);
        IntegrationSpec spec = integrationSpec(body);
        if (!store.updateIntegration(current.id(), current.tenant(), current.version(), spec, body)) {
            throw ApiProblemException.conflict("the integration changed meanwhile, or the name '" + spec.name()
                    + "' is taken in this tenant");
        }
        for (PlanStore.PlanRow plan : store.plans(current.tenant())) {
            if (plan.integrationId().equals(current.id())) {
                registry.current(plan.id());
            }
        }
        return view(store.integration(current.id()).orElseThrow());
    }

    public void deleteIntegration(Exchange exchange) {
        PlanStore.IntegrationRow current = integration(exchange);
        if (!store.deleteIntegration(current.id())) {
            throw ApiProblemException.conflict("integration " + current.id() + " is used by plans; delete them first");
        }
        noContent(exchange);
    }

    private Map<String, Object> view(PlanStore.IntegrationRow row) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", row.id().toString());
        view.putAll(json.convertValue(row.body(), Map.class));
        view.put("version", row.version());
        view.put("created_at", row.createdAt().toString());
        view.put("updated_at", row.updatedAt().toString());
        return view;
    }

    // --- configs

    private PlanConfigs.Split checkedValues(PlanStore.IntegrationRow integration, JsonNode body, boolean create,
            List<String> problems) {
        RequestFields.unknownFields(body, create ? Set.of("name", "values") : Set.of("values"), "", problems);
        JsonNode values = body.get("values");
        if (values == null || !values.isObject()) {
            problems.add("values: is required: an object of the integration's config fields");
            return null;
        }
        JsonNode schema = integration.body().get("config_schema");
        problems.addAll(IntegrationSpec.validate(schema, values));
        return configs.split((ObjectNode) values, IntegrationSpec.secretFields(schema));
    }

    public Map<String, Object> createConfig(Exchange exchange) {
        PlanStore.IntegrationRow integration = integration(exchange);
        JsonNode body = body(exchange);
        List<String> problems = new ArrayList<>();
        String name = RequestFields.text(body, "name", "name", 1, 100, true, problems);
        PlanConfigs.Split split = checkedValues(integration, body, true, problems);
        RequestFields.check(problems);
        UUID id = UUID.randomUUID();
        if (!store.insertConfig(id, integration.tenant(), integration.id(), name, split.plain(), split.secrets())) {
            throw ApiProblemException.conflict("name: the integration has a config named '" + name + "'");
        }
        created(exchange);
        return view(store.config(id).orElseThrow());
    }

    public List<Map<String, Object>> listConfigs(Exchange exchange) {
        return store.configs(integration(exchange).id()).stream().map(this::view).toList();
    }

    private PlanStore.ConfigRow config(Exchange exchange) {
        UUID id = id(exchange);
        return owned(tenant(exchange), "config", id, store.config(id), PlanStore.ConfigRow::tenant);
    }

    public Map<String, Object> getConfig(Exchange exchange) {
        return view(config(exchange));
    }

    /** PUT: the values anew (a secret field left out is kept as stored). */
    public Map<String, Object> updateConfig(Exchange exchange) {
        PlanStore.ConfigRow current = config(exchange);
        PlanStore.IntegrationRow integration = store.integration(current.integrationId()).orElseThrow();
        JsonNode body = body(exchange);
        ObjectNode merged = body.path("values").isObject() ? ((ObjectNode) body.get("values")).deepCopy() : null;
        if (merged != null) {
            // secret fields not given again keep their stored values
            ObjectNode stored = configs.merged(current);
            for (String secret : IntegrationSpec.secretFields(integration.body().get("config_schema"))) {
                if (!merged.has(secret) && stored.has(secret)) {
                    merged.set(secret, stored.get(secret));
                }
            }
            ((ObjectNode) body).set("values", merged);
        }
        List<String> problems = new ArrayList<>();
        PlanConfigs.Split split = checkedValues(integration, body, false, problems);
        RequestFields.check(problems);
        if (!store.updateConfig(current.id(), current.version(), split.plain(), split.secrets())) {
            throw ApiProblemException.conflict("the config changed meanwhile");
        }
        return view(store.config(current.id()).orElseThrow());
    }

    public void deleteConfig(Exchange exchange) {
        PlanStore.ConfigRow current = config(exchange);
        if (!store.deleteConfig(current.id())) {
            throw ApiProblemException.conflict("config " + current.id() + " is used by plans; change them first");
        }
        noContent(exchange);
    }

    private Map<String, Object> view(PlanStore.ConfigRow row) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", row.id().toString());
        view.put("integration_id", row.integrationId().toString());
        view.put("name", row.name());
        view.put("values", json.convertValue(row.values(), Map.class));
        view.put("secret_fields", configs.secretNames(row));
        view.put("version", row.version());
        view.put("created_at", row.createdAt().toString());
        view.put("updated_at", row.updatedAt().toString());
        return view;
    }

    // --- plans

    private PlanParser.PlanSpec planSpec(String tenant, JsonNode body) {
        return parser.parse(body, (spec, problems) -> {
            if (spec.integrationId() != null) {
                var integration = store.integration(spec.integrationId());
                if (integration.isEmpty() || !integration.get().tenant().equals(tenant)) {
                    problems.add("integration_id: no integration " + spec.integrationId() + " in this tenant");
                } else if (spec.configId() != null) {
                    var config = store.config(spec.configId());
                    if (config.isEmpty() || !config.get().integrationId().equals(spec.integrationId())) {
                        problems.add("config_id: no config " + spec.configId() + " of integration "
                                + spec.integrationId());
                    }
                }
            }
        });
    }

    public Map<String, Object> createPlan(Exchange exchange) throws Exception {
        String tenant = tenant(exchange);
        JsonNode body = body(exchange);
        PlanParser.PlanSpec spec = planSpec(tenant, body);
        UUID id = UUID.randomUUID();
        transaction.executeWithoutResult(tx -> {
            if (!store.insertPlan(id, tenant, spec, body)) {
                throw ApiProblemException.conflict("name: a plan named '" + spec.name() + "' exists in this tenant");
            }
            schedules.apply(id, tenant, spec.schedule(), spec.enabled());
        });
        registry.current(id);
        created(exchange);
        return view(store.plan(id).orElseThrow());
    }

    public List<Map<String, Object>> listPlans(Exchange exchange) {
        return store.plans(tenant(exchange)).stream().map(this::view).toList();
    }

    private PlanStore.PlanRow plan(Exchange exchange) {
        UUID id = id(exchange);
        return owned(tenant(exchange), "plan", id, store.plan(id), PlanStore.PlanRow::tenant);
    }

    public Map<String, Object> getPlan(Exchange exchange) {
        return view(plan(exchange));
    }

    /** PUT: the whole plan anew: its route is rebuilt, its trigger replaced. */
    public Map<String, Object> updatePlan(Exchange exchange) throws Exception {
        PlanStore.PlanRow current = plan(exchange);
        JsonNode body = body(exchange);
        PlanParser.PlanSpec spec = planSpec(current.tenant(), body);
        transaction.executeWithoutResult(tx -> {
            if (!store.updatePlan(current.id(), current.tenant(), current.version(), spec, body)) {
                throw ApiProblemException.conflict("the plan changed meanwhile, or the name '" + spec.name()
                        + "' is taken in this tenant");
            }
            schedules.apply(current.id(), current.tenant(), spec.schedule(), spec.enabled());
        });
        registry.current(current.id());
        return view(store.plan(current.id()).orElseThrow());
    }

    /** Removes the plan, its trigger (cluster-wide), its route, its executions and context. */
    public void deletePlan(Exchange exchange) throws Exception {
        PlanStore.PlanRow current = plan(exchange);
        transaction.executeWithoutResult(tx -> {
            schedules.remove(current.id());
            store.deletePlan(current.id());
        });
        registry.remove(current.id());
        noContent(exchange);
    }

    public Map<String, Object> enablePlan(Exchange exchange) throws Exception {
        return enable(exchange, true);
    }

    public Map<String, Object> disablePlan(Exchange exchange) throws Exception {
        return enable(exchange, false);
    }

    private Map<String, Object> enable(Exchange exchange, boolean enabled) throws Exception {
        PlanStore.PlanRow current = plan(exchange);
        PlanParser.PlanSpec spec = parser.parse(current.body());
        transaction.executeWithoutResult(tx -> {
            store.setEnabled(current.id(), enabled);
            schedules.apply(current.id(), current.tenant(), spec.schedule(), enabled);
        });
        registry.current(current.id());
        return view(store.plan(current.id()).orElseThrow());
    }

    /** 202: the job is on plan-jobs; the execution appears once a plan worker has read it. */
    public Map<String, Object> runPlan(Exchange exchange) {
        PlanStore.PlanRow current = plan(exchange);
        if (!current.enabled()) {
            throw ApiProblemException.conflict("plan " + current.id() + " is disabled; enable it first");
        }
        UUID execution = jobs.publish(current.tenant(), current.id(), "manual", "manual:" + UUID.randomUUID());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        exchange.getMessage().setHeader("Location", "/api/v1/executions/" + execution);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("execution_id", execution.toString());
        answer.put("plan_id", current.id().toString());
        answer.put("status", "queued");
        return answer;
    }

    public Map<String, Object> listExecutions(Exchange exchange) {
        PlanStore.PlanRow current = plan(exchange);
        String status = exchange.getMessage().getHeader("status", String.class);
        if (status != null && !Set.of("queued", "running", "success", "failure", "cancelled", "skipped").contains(status)) {
            throw new InvalidRequestException("status: queued, running, success, failure, cancelled or skipped, got '"
                    + status + "'");
        }
        int page = RequestFields.whole(exchange.getMessage().getHeader("page", "0", String.class), "page", 0, 1_000_000);
        int size = RequestFields.whole(exchange.getMessage().getHeader("size", "20", String.class), "size", 1, 200);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", executions.ofPlan(current.id(), status, page, size).stream()
                .map(PlanExecutionStore.Execution::view).toList());
        answer.put("page", page);
        answer.put("size", size);
        return answer;
    }

    public Map<String, Object> statistics(Exchange exchange) {
        return executions.statistics(plan(exchange).id());
    }

    public Map<String, Object> context(Exchange exchange) {
        PlanStore.PlanRow current = plan(exchange);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("plan_id", current.id().toString());
        answer.put("values", json.convertValue(store.context(current.id()), Map.class));
        answer.put("updated_at", store.contextUpdatedAt(current.id()).map(Object::toString).orElse(null));
        return answer;
    }

    private PlanExecutionStore.Execution execution(Exchange exchange) {
        UUID id = id(exchange);
        return owned(tenant(exchange), "execution", id, executions.find(id), PlanExecutionStore.Execution::tenant);
    }

    public Map<String, Object> getExecution(Exchange exchange) {
        return execution(exchange).view();
    }

    public Map<String, Object> cancelExecution(Exchange exchange) {
        PlanExecutionStore.Execution current = execution(exchange);
        String status = workers.cancel(current).orElseThrow(() -> ApiProblemException.conflict("execution "
                + current.id() + " has ended (" + current.status() + ")"));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        Map<String, Object> view = executions.find(current.id()).orElseThrow().view();
        view.put("status", status);
        return view;
    }

    private Map<String, Object> view(PlanStore.PlanRow row) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", row.id().toString());
        view.putAll(json.convertValue(row.body(), Map.class));
        view.put("version", row.version());
        view.put("route", registry.route(row));
        view.put("scheduled", schedules.exists(row.id()));
        view.put("created_at", row.createdAt().toString());
        view.put("updated_at", row.updatedAt().toString());
        return view;
    }
}
