package io.integrationhub.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.calls.SsrfGuard;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.integrationhub.events.OutboxWriter;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Beans of the webhooks capability. The flows are routes/webhooks/; every delivery is the webhook-sink Kamelet,
 * which names {@code webhookSink} and the {@code webhookHttp} component (the delivery timeout, the SSRF guard on the
 * address connected to, no redirects followed, no retries of its own).
 */
@Configuration(proxyBeanMethods = false)
class WebhooksConfiguration {

    @Bean
    WebhookSecrets webhookSecrets(WebhookProperties properties) {
        return new WebhookSecrets(properties.secretKey());
    }

    @Bean
    SsrfGuard webhookSsrfGuard(WebhookProperties properties) {
        return new SsrfGuard(properties.allowedCidrs(), "hub.webhooks.allowed-cidrs (HUB_WEBHOOKS_ALLOWED_CIDRS)",
                properties.requireHttps(), "hub.webhooks.require-https");
    }

    @Bean
    WebhookEndpoints webhookEndpoints(NamedParameterJdbcTemplate jdbc, ObjectMapper json, WebhookSecrets webhookSecrets,
            SsrfGuard webhookSsrfGuard, WebhookProperties properties) {
        return new WebhookEndpoints(jdbc, json, webhookSecrets, webhookSsrfGuard, properties);
    }

    @Bean
    WebhookDeliveries webhookDeliveries(NamedParameterJdbcTemplate jdbc, WebhookSecrets webhookSecrets,
            WebhookProperties properties, OutboxWriter outboxWriter, ObjectMapper json, TransactionTemplate transaction,
            MeterRegistry meters) {
        return new WebhookDeliveries(jdbc, webhookSecrets, properties, outboxWriter, json, transaction, meters);
    }

    @Bean
    ClientEvents clientEvents(OutboxWriter outboxWriter, ObjectMapper json, WebhookProperties properties,
            TransactionTemplate transaction) {
        return new ClientEvents(outboxWriter, json, properties, transaction);
    }

    /** Per-endpoint rate limits, shared by every replica: Bucket4j buckets in table webhook_rate_buckets. */
    @Bean
    WebhookSink webhookSink(DataSource dataSource) {
        ProxyManager<String> buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING).table("webhook_rate_buckets").build();
        return new WebhookSink(buckets);
    }

    /** Deliveries: the delivery timeout; a 3xx is a failed delivery, never followed; the schedule is the only retry. */
    @Bean
    HttpComponent webhookHttp(WebhookProperties properties, SsrfGuard webhookSsrfGuard) {
        return webhookSsrfGuard.httpComponent(properties.timeout(), Math.max(20, properties.concurrency() * 2),
                Math.max(10, properties.concurrency()));
    }

    /**
     * The threads that send one claimed batch in parallel (hub.webhooks.concurrency): a Camel thread pool profile,
     * named by the delivery route's split. (An ExecutorService bean would stand in for Spring Boot's task executor.)
     */
    @Bean
    CamelContextConfiguration webhookDeliveryPool(WebhookProperties properties) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                camelContext.getExecutorServiceManager().registerThreadPoolProfile(
                        new ThreadPoolProfileBuilder("webhookDeliveryPool").poolSize(properties.concurrency())
                                .maxPoolSize(properties.concurrency()).maxQueueSize(-1).build());
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {}
        };
    }

    /** Collects the outcomes of a batch's attempts for one recording transaction. */
    @Bean
    AggregationStrategy webhookOutcomes() {
        return new GroupedBodyAggregationStrategy();
    }
}
