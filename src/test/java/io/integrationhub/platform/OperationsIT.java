package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.HubIntegrationTest;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HttpCodeStatusMapper;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/** Health, metrics, the OpenAPI document, the route listing and correlation ids, over real HTTP. */
class OperationsIT extends HubIntegrationTest {

    @Autowired TestRestTemplate http;
    @Autowired HttpCodeStatusMapper healthStatusMapper;
    @Autowired PrometheusMeterRegistry prometheus;
    @Autowired ProducerTemplate producer;
    @Autowired CamelContext camel;
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void healthReportsDatabaseKafkaAndRoutes() throws Exception {
        ResponseEntity<String> response = http.getForEntity(url("/actuator/health"), String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode components = json.readTree(response.getBody()).at("/components");
        assertThat(components.at("/db/status").asText()).isEqualTo("UP");
        assertThat(components.at("/kafka/status").asText()).isEqualTo("UP");
        assertThat(components.at("/kafka/details/brokers").asInt()).isEqualTo(1);
        assertThat(components.at("/routes/details/loadedFiles").asInt()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void healthAnswers503WhenDownOrStillLoadingRoutesAnd200WhenDegraded() {
        // a custom status mapping replaces Spring Boot's defaults; a load balancer must still see 503 for DOWN
        assertThat(healthStatusMapper.getStatusCode(Status.DOWN)).isEqualTo(503);
        assertThat(healthStatusMapper.getStatusCode(Status.OUT_OF_SERVICE)).isEqualTo(503);
        assertThat(healthStatusMapper.getStatusCode(new Status("DEGRADED"))).isEqualTo(200);
        assertThat(healthStatusMapper.getStatusCode(Status.UP)).isEqualTo(200);
    }

    @Test
    void prometheusExposesCamelRouteMetrics() {
        http.getForEntity(url("/api/v1/admin/routes"), String.class); // one exchange through a route

        String metrics = http.getForObject(url("/actuator/prometheus"), String.class);

        assertThat(metrics).contains("camel_exchanges_total").contains("routeId=\"platform-admin-routes\"");
    }

    @Test
    void everyCamelMeterRegistersWithPrometheusExchangesFromRoutesAndFromTemplatesAlike() {
        List<String> refused = new CopyOnWriteArrayList<>();
        prometheus.config().onMeterRegistrationFailed((id, reason) -> refused.add(id.getName() + ": " + reason));
        String probe = "metrics-probe-" + UUID.randomUUID();
        long before = System.currentTimeMillis();

        http.getForEntity(url("/api/v1/admin/routes"), String.class);   // an exchange of a route
        producer.sendBody("seda:" + probe + "?size=1&discardWhenFull=true", "x");   // one no route created
        String metrics = http.getForObject(url("/actuator/prometheus"), String.class);

        assertThat(refused).isEmpty();
        assertThat(metrics.lines().filter(l -> l.startsWith("camel_exchange_event_notifier") && l.contains(probe)))
                .as("the template's exchange, with an empty routeId").isNotEmpty()
                .allMatch(l -> l.contains("routeId=\"\""));
        assertThat(metrics.lines().filter(l -> l.startsWith("camel_exchange_event_notifier")
                && l.contains("routeId=\"platform-admin-routes\""))).isNotEmpty();
        // the hub's notifier (HubExchangeEventNotifier) keeps Camel's last-exchange gauge, set without a meter search
        assertThat(metrics.lines().filter(l -> l.startsWith("camel_exchanges_last_timestamp"))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))))
                .singleElement().satisfies(last -> assertThat(last).isGreaterThanOrEqualTo((double) before));
    }

    @Test
    void theNotifierLeavesKameletRoutesOutAsCamelDoesAndAsksAgainWhenARouteIdIsTakenByAPlainRoute() throws Exception {
        String id = "notifier-probe-" + UUID.randomUUID();
        String inKamelet = "log://" + id + "-in-kamelet";
        String inPlainRoute = "log://" + id + "-in-plain-route";
        // a route made by a Kamelet, id `id`: what it sends is not timed (JMX registers no Kamelet routes)
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:" + id + "-caller").routeId(id + "-caller").to("kamelet:log-sink/" + id + "?loggerName=" + id + "-in-kamelet");
            }
        });
        producer.sendBody("direct:" + id + "-caller", "x");
        assertThat(notifierLines(l -> l.contains(id + "-caller"))).isNotEmpty();
        assertThat(notifierLines(l -> l.contains(inKamelet))).isEmpty();

        // the id taken by a plain route after the Kamelet's is gone: its sends are timed
        camel.getRouteController().stopRoute(id + "-caller");
        camel.removeRoute(id + "-caller");
        camel.getRouteController().stopRoute(id);
        camel.removeRoute(id);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:" + id).routeId(id).to(inPlainRoute);
            }
        });
        producer.sendBody("direct:" + id, "x");
        assertThat(notifierLines(l -> l.contains(inPlainRoute))).isNotEmpty();
        camel.getRouteController().stopRoute(id);
        camel.removeRoute(id);
    }

    private List<String> notifierLines(Predicate<String> matching) {
        return http.getForObject(url("/actuator/prometheus"), String.class).lines()
                .filter(l -> l.startsWith("camel_exchange_event_notifier")).filter(matching).toList();
    }

    @Test
    void openApiDocumentListsTheRestApi() throws Exception {
        JsonNode doc = json.readTree(http.getForObject(url("/api/api-doc"), String.class));

        assertThat(doc.at("/openapi").asText()).startsWith("3.");
        assertThat(doc.at("/paths").has("/v1/admin/routes")).isTrue();
        assertThat(doc.at("/servers/0/url").asText()).endsWith("/api");
    }

    @Test
    void routeListingNamesEachRouteWithItsFileStatusAndCounters() throws Exception {
        http.getForEntity(url("/api/v1/admin/routes"), String.class);
        JsonNode listing = json.readTree(http.getForObject(url("/api/v1/admin/routes"), String.class));

        JsonNode admin = null;
        for (JsonNode route : listing.at("/routes")) {
            if (route.at("/id").asText().equals("platform-admin-routes")) {
                admin = route;
            }
        }
        assertThat(admin).isNotNull();
        assertThat(admin.at("/file").asText()).isEqualTo("platform/platform-admin-api.camel.yaml");
        assertThat(admin.at("/status").asText()).isEqualTo("Started");
        assertThat(admin.at("/exchangesTotal").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(admin.has("exchangesFailed")).isTrue();
        assertThat(admin.has("lastError")).isTrue();
        assertThat(listing.at("/files").findValuesAsText("file")).contains("platform/platform-kafka-probe.camel.yaml");
    }

    @Test
    void everyResponseCarriesTheCallersCorrelationIdOrANewOne() {
        HttpHeaders headers = new HttpHeaders();
        headers.set("X-Correlation-Id", "trace-me-42");
        ResponseEntity<String> echoed = http.exchange(url("/api/v1/admin/routes"), HttpMethod.GET,
                new HttpEntity<>(headers), String.class);
        ResponseEntity<String> fresh = http.getForEntity(url("/api/v1/admin/routes"), String.class);

        assertThat(echoed.getHeaders().getFirst("X-Correlation-Id")).isEqualTo("trace-me-42");
        assertThat(fresh.getHeaders().getFirst("X-Correlation-Id")).matches("[0-9a-f-]{36}");
    }
}
