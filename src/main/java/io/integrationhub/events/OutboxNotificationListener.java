package io.integrationhub.events;

import io.integrationhub.platform.database.HubDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Holds one PostgreSQL connection in {@code LISTEN event_outbox} and wakes the relay when an outbox insert
 * commits, so events go out in milliseconds instead of at the next poll. If the connection drops, it reconnects;
 * meanwhile the relay's poll keeps events moving.
 */
public class OutboxNotificationListener implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxNotificationListener.class);

    private final HubDatabase database;
    private final Runnable wake;
    private volatile boolean running;
    private Thread thread;

    public OutboxNotificationListener(HubDatabase database, Runnable wake) {
        this.database = database;
        this.wake = wake;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::listen, "outbox-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private void listen() {
        long backoff = 500;
        while (running) {
            try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                 Statement statement = connection.createStatement()) {
                statement.execute("LISTEN event_outbox");
                PGConnection pg = connection.unwrap(PGConnection.class);
                backoff = 500;
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null && notifications.length > 0) {
                        wake.run();
                    }
                }
            } catch (Exception e) {
                if (running) {
                    LOG.warn("Outbox: LISTEN connection failed ({}); relying on polling, reconnecting in {} ms",
                            e.getMessage(), backoff);
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    backoff = Math.min(backoff * 2, 30_000);
                }
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
