package io.integrationhub.plans;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.integrationhub.events.OutboxWriter;
import io.integrationhub.platform.SecretCipher;
import io.integrationhub.platform.calls.CallRetries;
import io.integrationhub.platform.calls.SsrfGuard;
import io.integrationhub.platform.jmespath.JmesPathLanguage;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpComponent;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Beans of the integration plans capability (docs/plans.md). The flows are routes/plans/ and the routes each plan
 * compiles to ({@link PlanRoutes}); every request of a plan is the plan-http-action Kamelet on the {@code planHttp}
 * component (timeouts, the SSRF guard on the address connected to, no redirects, no retries of its own).
 */
@Configuration(proxyBeanMethods = false)
class PlansConfiguration {

    @Bean
    SsrfGuard planSsrfGuard(PlanProperties properties) {
        return new SsrfGuard(properties.allowedCidrs(), "hub.plans.allowed-cidrs (HUB_PLANS_ALLOWED_CIDRS)",
                properties.requireHttps(), "hub.plans.require-https");
    }

    @Bean
    PlanStore planStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        return new PlanStore(jdbc, json);
    }

    @Bean
    PlanExecutionStore planExecutionStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        return new PlanExecutionStore(jdbc, json);
    }

    @Bean
    PlanParser planParser(JmesPathLanguage jmespath, PlanProperties properties) {
        return new PlanParser(jmespath, properties);
    }

    @Bean
    PlanConfigs planConfigs(PlanStore planStore, PlanProperties properties, ObjectMapper json) {
        return new PlanConfigs(planStore, new SecretCipher(properties.secretKey(), "plan-config-secrets"), json);
    }

    @Bean
    PlanRegistry planRegistry(CamelContext camel, PlanStore planStore, PlanParser planParser, JmesPathLanguage jmespath) {
        return new PlanRegistry(camel, planStore, planParser, jmespath);
    }

    @Bean
    PlanSchedules planSchedules(Scheduler scheduler) {
        return new PlanSchedules(scheduler);
    }

    @Bean
    PlanJobs planJobs(ProducerTemplate producer, ObjectMapper json, PlanExecutionStore planExecutionStore,
            @Value("${hub.plans.jobs-topic}") String topic, MeterRegistry meters) {
        return new PlanJobs(producer, json, planExecutionStore, topic, meters);
    }

    @Bean
    PlanMetrics planMetrics(MeterRegistry meters) {
        return new PlanMetrics(meters);
    }

    @Bean
    PlanWorkers planWorkers(PlanExecutionStore planExecutionStore, PlanRegistry planRegistry, PlanStore planStore,
            PlanConfigs planConfigs, PlanProperties properties, OutboxWriter outbox, ObjectMapper json,
            TransactionTemplate transaction, PlanMetrics planMetrics, ProducerTemplate producer, PlanJobs planJobs) {
        PlanWorkers workers = new PlanWorkers(planExecutionStore, planRegistry, planStore, planConfigs, properties,
                outbox, json, transaction, planMetrics, producer);
        planJobs.onEnqueued(workers::wake);
        return workers;
    }

    @Bean
    PlanResources planResources(PlanStore planStore, PlanExecutionStore planExecutionStore, PlanParser planParser,
            PlanRegistry planRegistry, PlanSchedules planSchedules, PlanConfigs planConfigs, PlanJobs planJobs,
            JmesPathLanguage jmespath, SsrfGuard planSsrfGuard, ObjectMapper json, TransactionTemplate transaction,
            PlanWorkers planWorkers) {
        return new PlanResources(planStore, planExecutionStore, planParser, planRegistry, planSchedules, planConfigs,
                planJobs, jmespath, planSsrfGuard, json, transaction, planWorkers);
    }

    @Bean
    PlanSteps planSteps(JmesPathLanguage jmespath) {
        return new PlanSteps(jmespath);
    }

    /**
     * Cluster-wide request rate limits per integration: Bucket4j buckets in table plan_rate_buckets; the API's pauses
     * in plan_integrations.paused_until.
     */
    @Bean
    PlanRateLimits planRateLimits(DataSource dataSource, NamedParameterJdbcTemplate jdbc, MeterRegistry meters) {
        return new PlanRateLimits(Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING).table("plan_rate_buckets").build(), jdbc, meters);
    }

    @Bean
    PlanTokens planTokens(ProducerTemplate producer, JmesPathLanguage jmespath, SsrfGuard planSsrfGuard,
            PlanProperties properties, ObjectMapper json) {
        return new PlanTokens(producer, jmespath, planSsrfGuard, properties, json);
    }

    @Bean
    CallRetries planRetries(PlanProperties properties) {
        return new CallRetries("plan", "planCall", new CallRetries.Policy(properties.retry().maxRetries(),
                properties.retry().initialBackoff(), properties.retry().maxBackoff(), 2.0));
    }

    @Bean
    PlanCalls planCalls(JmesPathLanguage jmespath, PlanSteps planSteps, PlanTokens planTokens,
            PlanRateLimits planRateLimits, SsrfGuard planSsrfGuard, PlanProperties properties, ObjectMapper json,
            CallRetries planRetries) {
        return new PlanCalls(jmespath, planSteps, planTokens, planRateLimits, planSsrfGuard, properties, json,
                planRetries);
    }

    /** Plan requests and token requests: hub.plans.request-timeout; a redirect is the API's answer, not followed. */
    @Bean
    HttpComponent planHttp(PlanProperties properties, SsrfGuard planSsrfGuard) {
        int connections = Math.max(20, properties.workers() * properties.maxConcurrency());
        return planSsrfGuard.httpComponent(properties.requestTimeout(), connections, connections);
    }
}
