package io.integrationhub.fpo;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.yaml.snakeyaml.Yaml;

/** config/prometheus/alerts.yaml alerts only on metrics the running hub really exports. */
class AlertRulesIT extends HubIntegrationTest {

    private static final Pattern METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
    @Autowired JdbcTemplate jdbc;

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertRuleUsesAMetricTheHubExports() throws Exception {
        // one recovery attempt, so the labelled recovery counter exists
        FpoSupport fpos = new FpoSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        fpos.faults("{\"failOperations\": [\"assignRole\"]}");
        String id = fpos.created().path("id").asText();
        fpos.clearFaults();
        assertThat(fpos.post("/api/v1/fpos/" + id + "/retry-setup").statusCode()).isEqualTo(200);

        Map<String, Object> file = new Yaml().load(Files.readString(Path.of("config/prometheus/alerts.yaml")));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        assertThat(rules).extracting(r -> r.get("alert")).containsExactlyInAnyOrder("HighRecoveryFailureRate",
                "ManyStuckFPOs", "ConsistencyCheckFailed", "AAAUnreachable");

        String exported = new ApiClient(port).get("/actuator/prometheus", null).body();
        for (Map<String, Object> rule : rules) {
            Set<String> metrics = new LinkedHashSet<>();
            Matcher m = METRIC.matcher(String.valueOf(rule.get("expr")));
            while (m.find()) {
                metrics.add(m.group(1));
            }
            assertThat(metrics).as(rule.get("alert") + " names its metrics as name{...}").isNotEmpty();
            for (String metric : metrics) {
                assertThat(exported).as(rule.get("alert") + " uses " + metric).containsPattern("(?m)^" + metric + "\\{");
            }
        }
    }
}
