package io.integrationhub.vouchers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.events.OutboxWriter;
import io.integrationhub.platform.calls.CallRetries;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.http.HttpComponent;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Beans of the vouchers capability. The flows are routes/vouchers/; every provider call is the
 * voucher-provider-action Kamelet, which names {@code voucherProviderCalls}, {@code voucherProviderRetries} and the
 * {@code voucherHttp} component.
 */
@Configuration(proxyBeanMethods = false)
class VouchersConfiguration {

    @Bean
    VoucherProviders voucherProviders(VoucherProperties properties,
            @Value("${hub.simulators.enabled:false}") boolean simulators, Environment environment, MeterRegistry meters) {
        return new VoucherProviders(properties, simulators, environment, meters);
    }

    @Bean
    CallRetries voucherProviderRetries(VoucherProperties properties) {
        VoucherProperties.Retry retry = properties.retry();
        return new CallRetries("Voucher provider", ProviderCalls.CALL, new CallRetries.Policy(retry.maxRetries(),
                retry.initialBackoff(), retry.maxBackoff(), retry.multiplier()));
    }

    @Bean
    ProviderCalls voucherProviderCalls(VoucherProviders voucherProviders, CallRetries voucherProviderRetries,
            ObjectMapper json, MeterRegistry meters) {
        return new ProviderCalls(voucherProviders, voucherProviderRetries, json, meters);
    }

    /** camel-http for provider calls only (its own pool); each connector's endpoint sets that provider's timeouts. */
    @Bean
    HttpComponent voucherHttp() {
        HttpComponent http = new HttpComponent();
        http.setMaxTotalConnections(200);
        http.setConnectionsPerRoute(100);
        // HttpClient would retry a 429 or 503 once by itself; the Kamelet's policy is the only retry
        http.setHttpClientConfigurer(builder -> builder.disableAutomaticRetries());
        return http;
    }

    @Bean
    VoucherStore voucherStore(NamedParameterJdbcTemplate jdbc) {
        return new VoucherStore(jdbc);
    }

    @Bean
    Vouchers vouchers(VoucherStore voucherStore, NamedParameterJdbcTemplate jdbc, OutboxWriter outboxWriter,
            ObjectMapper json, VoucherProviders voucherProviders, VoucherProperties properties,
            TransactionTemplate transaction) {
        return new Vouchers(voucherStore, new VoucherBudgets(jdbc), new VoucherEvents(outboxWriter, json),
                new VoucherRequests(json), voucherProviders, properties, transaction);
    }

    @Bean
    ProviderCallbacks providerCallbacks(VoucherProviders voucherProviders, VoucherStore voucherStore, Vouchers vouchers,
            ObjectMapper json) {
        return new ProviderCallbacks(voucherProviders, voucherStore, vouchers, json);
    }

    @Bean
    ProvidersHealthIndicator providersHealthIndicator(VoucherProviders voucherProviders) {
        return new ProvidersHealthIndicator(voucherProviders);
    }
}
