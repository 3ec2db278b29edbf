package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integrationhub.support.HubProcess;
import io.integrationhub.support.TestRoutes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two hub processes on one database run the same Quartz cron route: the clustered JDBC job store must fire each
 * trigger once, not once per replica.
 */
class QuartzClusterIT {

    private static final String DB = "jdbc:postgresql://localhost:5432/hub_test";

    @Test
    void twoReplicasOnOneDatabaseFireEachCronTriggerOnce() throws Exception {
        Path routes = TestRoutes.copy(Path.of("src/test/resources/quartz-cluster-routes"),
                Path.of("target", "quartz-cluster-routes-" + UUID.randomUUID()));
        // a scheduler name of this test's own: every hub on a database with the same scheduler name shares its jobs,
        // so another hub process on hub_test must not take part in this cluster
        String scheduler = "quartz-cluster-it-" + UUID.randomUUID();
        try (HubProcess first = HubProcess.start("quartz-a", args(routes, scheduler), Duration.ofSeconds(120))) {
            sql("DROP TABLE IF EXISTS test_quartz_fires");
            sql("CREATE TABLE test_quartz_fires (fire_ms bigint NOT NULL, instance text NOT NULL)");
            try (HubProcess second = HubProcess.start("quartz-b", args(routes, scheduler), Duration.ofSeconds(120))) {
                long since = count("SELECT count(*) FROM test_quartz_fires");
                // both replicas are up: watch at least 8 more fires
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> count("SELECT count(DISTINCT fire_ms) FROM test_quartz_fires") >= since + 8);

                assertThat(count("SELECT count(*) FROM (SELECT fire_ms FROM test_quartz_fires GROUP BY fire_ms "
                        + "HAVING count(*) > 1) twice"))
                        .as("fire times executed by more than one replica").isZero();
                assertThat(count("SELECT count(*) FROM test_quartz_fires"))
                        .isEqualTo(count("SELECT count(DISTINCT fire_ms) FROM test_quartz_fires"));
            }
        } finally {
            sql("DROP TABLE IF EXISTS test_quartz_fires");
        }
    }

    private static List<String> args(Path routes, String schedulerName) {
        return List.of("--hub.routes.directory=" + routes, "--hub.routes.reload-enabled=false",
                "--spring.quartz.scheduler-name=" + schedulerName);
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(DB, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static long count(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(DB, "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
