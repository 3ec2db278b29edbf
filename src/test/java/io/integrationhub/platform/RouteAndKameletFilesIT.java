package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.platform.routes.RouteFileReloader;
import io.integrationhub.platform.routes.RouteFileState;
import io.integrationhub.support.HubIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.yaml.snakeyaml.Yaml;

/** Every file under routes/ and kamelets/ loads: a broken file in the repository fails the build, not production. */
class RouteAndKameletFilesIT extends HubIntegrationTest {

    @Autowired RouteFileReloader reloader;
    @Autowired CamelContext camelContext;
    @Autowired ProducerTemplate producer;

    @Test
    void everyRouteFileInTheRepositoryLoadsWithAllItsRoutesStarted() throws Exception {
        List<String> files;
        try (Stream<Path> paths = Files.walk(Path.of("routes"))) {
            files = paths.filter(p -> p.toString().endsWith(".camel.yaml"))
                    .map(p -> Path.of("routes").relativize(p).toString()).sorted().toList();
        }
        Map<String, RouteFileState> states = reloader.states();

        assertThat(files).isNotEmpty();
        try (Stream<Path> paths = Files.walk(Path.of("routes"))) {
            assertThat(paths.filter(Files::isRegularFile).map(Path::toString).filter(p -> !p.endsWith(".camel.yaml")))
                    .as("route files are named <capability>-<flow>.camel.yaml").isEmpty();
        }
        for (String file : files) {
            RouteFileState state = states.get(file);
            assertThat(state).as("state of %s", file).isNotNull();
            assertThat(state.broken()).as("%s: %s", file, state.error()).isFalse();
            for (String routeId : state.routeIds()) {
                assertThat(camelContext.getRouteController().getRouteStatus(routeId).isStarted())
                        .as("route %s of %s started", routeId, file).isTrue();
            }
        }
    }

    @Test
    void everyKameletInTheRepositoryInstantiatesIntoARunningRoute() throws Exception {
        List<Path> kamelets;
        try (Stream<Path> paths = Files.list(Path.of("kamelets"))) {
            kamelets = paths.filter(p -> p.toString().endsWith(".kamelet.yaml")).sorted().toList();
        }
        assertThat(kamelets).isNotEmpty();
        for (Path file : kamelets) {
            Map<String, Object> kamelet = new Yaml().load(Files.readString(file));
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = (Map<String, Object>) kamelet.get("metadata");
            String name = (String) metadata.get("name");
            @SuppressWarnings("unchecked")
            String type = ((Map<String, String>) metadata.get("labels")).get("camel.apache.org/kamelet.type");
            assertThat(file.getFileName().toString()).isEqualTo(name + ".kamelet.yaml");
            assertThat(name).endsWith("-" + type);
            // required properties get harmless values of their own (a source must not join a real consumer group)
            @SuppressWarnings("unchecked")
            Map<String, Object> definition = (Map<String, Object>) ((Map<String, Object>) kamelet.get("spec")).get("definition");
            @SuppressWarnings("unchecked")
            List<String> required = (List<String>) definition.getOrDefault("required", List.of());
            String query = required.isEmpty() ? ""
                    : "?" + String.join("&", required.stream().map(p -> p + "=kamelet-check-" + p).toList());
            String routeId = "kamelet-check-" + name;
            // the route the Kamelet makes gets an id of its own, and goes with the test's route
            String kameletRouteId = routeId + "-" + name;
            String uri = "kamelet:" + name + "/" + kameletRouteId + query;

            camelContext.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    if ("source".equals(type)) {
                        from(uri).routeId(routeId).to("log:kamelet-check");
                    } else {
                        from("direct:" + routeId).routeId(routeId).to(uri);
                    }
                }
            });
            try {
                assertThat(camelContext.getRouteController().getRouteStatus(routeId).isStarted()).as(name).isTrue();
                assertThat(camelContext.getRoute(kameletRouteId)).as("the route Kamelet %s made", name).isNotNull();
            } finally {
                for (String id : List.of(routeId, kameletRouteId)) {
                    camelContext.getRouteController().stopRoute(id);
                    camelContext.removeRoute(id);
                }
            }
        }
    }

    @Test
    void kameletsOfTheApacheCatalogOnTheClasspathResolveToo() throws Exception {
        camelContext.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:kamelet-check-catalog").routeId("kamelet-check-catalog")
                        .to("kamelet:log-action/kamelet-check-catalog-log-action?showHeaders=true");
            }
        });
        try {
            producer.sendBody("direct:kamelet-check-catalog", "{}");
            assertThat(camelContext.getRouteController().getRouteStatus("kamelet-check-catalog").isStarted()).isTrue();
        } finally {
            for (String id : List.of("kamelet-check-catalog", "kamelet-check-catalog-log-action")) {
                camelContext.getRouteController().stopRoute(id);
                camelContext.removeRoute(id);
            }
        }
    }
}
