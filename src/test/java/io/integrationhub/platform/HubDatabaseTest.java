package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.platform.database.HubDatabase;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Where the hub's PostgreSQL comes from, and that each choice is a real, usable database. */
class HubDatabaseTest {

    @Test
    void withNothingOnTheLocalPortStartsEmbeddedPostgresWhoseDataSurvivesARestart() throws Exception {
        Path dataDir = Files.createDirectories(Path.of("target", "embedded-pg-" + UUID.randomUUID()));
        HubProperties.Db settings = new HubProperties.Db(null, "postgres", "", "hub", "localhost", unusedPort(),
                Duration.ofMillis(300));

        try (HubDatabase first = HubDatabase.locate(settings, dataDir)) {
            assertThat(first.source()).isEqualTo(HubDatabase.Source.EMBEDDED);
            execute(first, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        }
        try (HubDatabase second = HubDatabase.locate(settings, dataDir)) {
            assertThat(second.source()).isEqualTo(HubDatabase.Source.EMBEDDED);
            assertThat(queryOne(second, "SELECT v FROM kept")).isEqualTo("still here");
            assertThat(queryOne(second, "SELECT current_database()")).isEqualTo("hub");
        }
        assertThat(dataDir.resolve("postgres")).isDirectory();
    }

    @Test
    void aPasswordInTheDatabaseUrlIsMaskedWhereverTheUrlIsShown() {
        assertThat(HubDatabase.masked("jdbc:postgresql://db:5432/hub?user=hub&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/hub?user=hub&password=****&ssl=true");
        assertThat(HubDatabase.masked("jdbc:postgresql://db/hub?PASSWORD=s3cret")).doesNotContain("s3cret");
        assertThat(HubDatabase.masked("jdbc:postgresql://db/hub?sslpassword=k3y&password=s3cret"))
                .doesNotContain("s3cret").doesNotContain("k3y");
        assertThat(HubDatabase.masked("jdbc:postgresql://hub:s3cret@db:5432/hub")).isEqualTo("jdbc:postgresql://hub:****@db:5432/hub");
        assertThat(HubDatabase.masked("jdbc:postgresql://db:5432/hub")).isEqualTo("jdbc:postgresql://db:5432/hub");
    }

    @Test
    void withALocalServerCreatesTheDatabaseWhenMissing() throws Exception {
        String name = "hub_locate_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        HubProperties.Db settings = new HubProperties.Db(null, "postgres", "", name, "localhost", 5432,
                Duration.ofSeconds(1));
        try (HubDatabase db = HubDatabase.locate(settings, Path.of("target"))) {
            assertThat(db.source()).isEqualTo(HubDatabase.Source.LOCAL_SERVER);
            assertThat(queryOne(db, "SELECT current_database()")).isEqualTo(name);
        } finally {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:5432/postgres", "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

    @Test
    void anExplicitUrlWinsWithoutProbing() throws Exception {
        HubProperties.Db settings = new HubProperties.Db("jdbc:postgresql://localhost:5432/postgres", "postgres", "",
                "hub", "localhost", unusedPort(), Duration.ofMillis(100));
        try (HubDatabase db = HubDatabase.locate(settings, Path.of("target"))) {
            assertThat(db.source()).isEqualTo(HubDatabase.Source.CONFIGURED);
            assertThat(queryOne(db, "SELECT current_database()")).isEqualTo("postgres");
        }
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void execute(HubDatabase db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String queryOne(HubDatabase db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
