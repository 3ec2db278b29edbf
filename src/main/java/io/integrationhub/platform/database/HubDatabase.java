package io.integrationhub.platform.database;

import io.integrationhub.platform.HubProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where the hub's PostgreSQL is, once, at start-up: {@code HUB_DB_URL}; else the server on
 * localhost:5432 when one answers (database created if missing); else an embedded PostgreSQL with its data in
 * {@code <hub.data-dir>/postgres}, so it survives restarts. Closing it stops the embedded server, if any.
 */
public final class HubDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubDatabase.class);

    public enum Source { CONFIGURED, LOCAL_SERVER, EMBEDDED }

    private final Source source;
    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final EmbeddedPostgres embedded;

    private HubDatabase(Source source, String jdbcUrl, String username, String password, EmbeddedPostgres embedded) {
        this.source = source;
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.embedded = embedded;
    }

    public static HubDatabase locate(HubProperties.Db db, Path dataDir) {
        if (db.hasExplicitUrl()) {
            LOG.info("PostgreSQL: using HUB_DB_URL {}", masked(db.url()));
            return new HubDatabase(Source.CONFIGURED, db.url(), db.username(), db.password(), null);
        }
        if (answers(db.localHost(), db.localPort(), (int) db.probeTimeout().toMillis())) {
            String serverUrl = "jdbc:postgresql://" + db.localHost() + ":" + db.localPort() + "/";
            try {
                createDatabaseIfMissing(serverUrl + "postgres", db.username(), db.password(), db.name());
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL at " + db.localHost() + ":" + db.localPort()
                        + " answers but refused user '" + db.username() + "': " + e.getMessage()
                        + ". Set hub.db.username/hub.db.password (HUB_DB_USER/HUB_DB_PASSWORD) or HUB_DB_URL.", e);
            }
            LOG.info("PostgreSQL: using the local server at {}:{}, database '{}'", db.localHost(), db.localPort(), db.name());
            return new HubDatabase(Source.LOCAL_SERVER, serverUrl + db.name(), db.username(), db.password(), null);
        }
        return startEmbedded(dataDir.resolve("postgres"), db.name());
    }

    static HubDatabase startEmbedded(Path dataDirectory, String databaseName) {
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false) // keep the data between restarts
                    .start();
            String user = "postgres";
            createDatabaseIfMissing(postgres.getJdbcUrl(user, "postgres"), user, "", databaseName);
            LOG.info("PostgreSQL: no HUB_DB_URL and nothing on localhost:5432, started embedded PostgreSQL on port {} with data in {}",
                    postgres.getPort(), dataDirectory.toAbsolutePath().normalize());
            return new HubDatabase(Source.EMBEDDED, postgres.getJdbcUrl(user, databaseName), user, "", postgres);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("could not start embedded PostgreSQL in " + dataDirectory.toAbsolutePath()
                    + " (set HUB_DB_URL to use another server): " + e.getMessage(), e);
        }
    }

    /** secrets a JDBC URL may carry: {@code password=} style parameters, and the password of {@code user:password@} */
    private static final java.util.regex.Pattern URL_SECRET_PARAMETER = java.util.regex.Pattern.compile(
            "(?i)([?&;](?:password|sslpassword|sslkeypassword|pwd)=)[^&;#]*");
    private static final java.util.regex.Pattern URL_USER_INFO = java.util.regex.Pattern.compile("(//[^/:@]*:)[^/@]*@");

    /** The URL as it may be logged or shown: every password in it replaced by {@code ****}. */
    public static String masked(String jdbcUrl) {
        if (jdbcUrl == null) {
            return null;
        }
        String masked = URL_SECRET_PARAMETER.matcher(jdbcUrl).replaceAll("$1****");
        return URL_USER_INFO.matcher(masked).replaceAll("$1****@");
    }

    private static boolean answers(String host, int port, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void createDatabaseIfMissing(String maintenanceUrl, String user, String password, String name)
            throws SQLException {
        try (Connection connection = DriverManager.getConnection(maintenanceUrl, user, password);
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                // name is validated as a plain identifier by HubProperties.Db
                create.execute("CREATE DATABASE " + name);
                LOG.info("PostgreSQL: created database '{}'", name);
            } catch (SQLException e) {
                // another hub process created it at the same moment: that is fine
                if (!"42P04".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    public Source source() {
        return source;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
