package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integrationhub.support.HubProcess;
import io.integrationhub.support.TestRoutes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two hub processes on one database run the same one-second Quartz cron route. The clustered JDBC job store must
 * fire each trigger once, not once per replica; when the replica that is firing is killed, the other carries on.
 * Each fire is recorded with the Quartz scheduler instance that ran it, so both replicas are seen to take part.
 */
class QuartzClusterIT {

    private static final String DB = "jdbc:postgresql://localhost:5432/hub_test";

    @Test
    void eachCronTriggerFiresOnceAcrossTwoReplicasAndTheSurvivorCarriesOnWhenTheFiringOneIsKilled() throws Exception {
        Path routes = TestRoutes.copy(Path.of("src/test/resources/quartz-cluster-routes"),
                Path.of("target", "quartz-cluster-routes-" + UUID.randomUUID()));
        String run = UUID.randomUUID().toString().substring(0, 8);
        // a scheduler name of this test's own: every hub on a database with the same scheduler name shares its jobs,
        // so another hub process on hub_test must not take part in this cluster
        String scheduler = "quartz-cluster-it-" + run;
        String idA = "replica-a-" + run;
        String idB = "replica-b-" + run;
        // replica b reaches the database through a URL that carries a password: it must appear in no log line and
        // nowhere in health (the local server trusts the connection, so any password works)
        String secret = "pw-" + UUID.randomUUID();
        List<String> argsB = new ArrayList<>(args(routes, scheduler, idB));
        argsB.add("--hub.db.url=" + DB + "?user=postgres&password=" + secret);
        sql("DROP TABLE IF EXISTS test_quartz_fires");
        sql("CREATE TABLE test_quartz_fires (fire_ms bigint NOT NULL, instance text NOT NULL)");
        try (HubProcess a = HubProcess.start("quartz-a", args(routes, scheduler, idA), Duration.ofSeconds(120));
             HubProcess b = HubProcess.start("quartz-b", argsB, Duration.ofSeconds(120))) {
            long since = count("SELECT count(*) FROM test_quartz_fires");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> count("SELECT count(*) FROM test_quartz_fires") >= since + 6);

            // kill the replica that fired last: the cluster must go on with the other one, once per trigger
            String firing = text("SELECT instance FROM test_quartz_fires ORDER BY fire_ms DESC LIMIT 1");
            HubProcess killed = firing.equals(idA) ? a : b;
            String survivor = firing.equals(idA) ? idB : idA;
            killed.kill();
            long killedAfter = count("SELECT max(fire_ms) FROM test_quartz_fires");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> count(
                    "SELECT count(*) FROM test_quartz_fires WHERE fire_ms > " + killedAfter + " AND instance = '"
                            + survivor + "'") >= 5);

            assertThat(count("SELECT count(*) FROM (SELECT fire_ms FROM test_quartz_fires GROUP BY fire_ms "
                    + "HAVING count(*) > 1) twice")).as("fire times executed by more than one replica").isZero();
            assertThat(count("SELECT count(DISTINCT instance) FROM test_quartz_fires WHERE instance IN ('" + idA
                    + "', '" + idB + "')")).as("both replicas fired").isEqualTo(2);
            assertThat(count("SELECT count(*) FROM test_quartz_fires WHERE fire_ms > " + killedAfter
                    + " AND instance <> '" + survivor + "'")).as("nothing fired by the killed replica").isZero();

            String health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + b.port() + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(health).contains("\"db\"").doesNotContain(secret);
            assertThat(Files.readString(b.log())).as("replica b's log").contains("PostgreSQL: using HUB_DB_URL")
                    .doesNotContain(secret);
        } finally {
            sql("DROP TABLE IF EXISTS test_quartz_fires");
        }
    }

    private static List<String> args(Path routes, String schedulerName, String instanceId) {
        return List.of("--hub.routes.directory=" + routes, "--hub.routes.reload-enabled=false",
                "--spring.quartz.scheduler-name=" + schedulerName,
                "--spring.quartz.properties.org.quartz.scheduler.instanceId=" + instanceId,
                // a killed replica is taken for dead after about this plus 7.5 s
                "--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=1000");
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(DB, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static long count(String query) throws Exception {
        return Long.parseLong(text(query));
    }

    private static String text(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(DB, "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
