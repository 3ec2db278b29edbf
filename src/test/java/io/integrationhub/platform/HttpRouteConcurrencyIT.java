package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.support.HubIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Camel's Spring Boot platform-http engine runs every HTTP route (all REST operations) on the application task
 * executor, not on Tomcat's request thread. Spring Boot's default for it is 8 threads with an unbounded queue, so 8
 * requests waiting on a slow backend (an FPO create waiting on AAA) would hold up every other request. The hub sizes
 * it like Tomcat's request threads (spring.task.execution.pool.core-size, HUB_HTTP_ROUTE_THREADS).
 */
class HttpRouteConcurrencyIT extends HubIntegrationTest {

    private static final int CONCURRENT = 24;   // well above Spring Boot's 8

    @Autowired CamelContext camel;

    private final String routeId = "test-concurrency-" + UUID.randomUUID();

    @AfterEach
    void removeRoute() throws Exception {
        camel.getRouteController().stopRoute(routeId);
        camel.removeRoute(routeId);
    }

    @Test
    void moreRequestsThanSpringBootsDefaultEightAreInTheirRoutesAtOnce() throws Exception {
        CountDownLatch allIn = new CountDownLatch(CONCURRENT);
        String path = "/test-concurrency/" + routeId;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // each request waits in its route until all of them are in: with fewer threads than requests, the
                // first ones time out while the rest wait in the executor's queue
                from("platform-http:" + path).routeId(routeId)
                        .process(exchange -> {
                            allIn.countDown();
                            boolean together = allIn.await(15, TimeUnit.SECONDS);
                            exchange.getMessage().setBody(together ? "together" : "alone");
                        });
            }
        });
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("together");
        }
    }
}
