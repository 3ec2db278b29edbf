package io.integrationhub.platform.routes;

import io.integrationhub.platform.HubProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.annotation.Configuration;

/**
 * Route files are loaded by the hub's {@link RouteFileReloader} once Camel has started (Camel's own
 * {@code routes-reload} stays off), so a broken file never stops the hub from starting or a running route.
 */
@Configuration(proxyBeanMethods = false)
class RoutesConfiguration {

    @Bean(destroyMethod = "close")
    RouteFileReloader routeFileReloader(CamelContext camelContext, HubProperties properties) {
        return new RouteFileReloader(camelContext, properties.routes());
    }

    @Bean
    CamelContextConfiguration routeFilesLoadedAfterCamelStarts(RouteFileReloader reloader) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                // nothing: route files need the started context so one bad file cannot fail the start
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                reloader.start();
            }
        };
    }

    /** Stop watching before Camel stops, so a shutdown is never mistaken for deleted routes. */
    @Bean
    ApplicationListener<ContextClosedEvent> routeWatcherStopsFirst(RouteFileReloader reloader) {
        return event -> reloader.close();
    }

    @Bean
    RouteFailureRecorder routeFailureRecorder() {
        return new RouteFailureRecorder();
    }

    @Bean
    RouteCatalog routeCatalog(CamelContext camelContext, RouteFileReloader reloader, RouteFailureRecorder failures,
            MeterRegistry meters) {
        return new RouteCatalog(camelContext, reloader, failures, meters);
    }

    @Bean
    RoutesHealthIndicator routesHealthIndicator(RouteFileReloader reloader) {
        return new RoutesHealthIndicator(reloader);
    }
}
