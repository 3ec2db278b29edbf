package io.integrationhub.platform.kafka;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** {@code kafka} in /actuator/health: UP when the cluster answers a describe-cluster within 3 s. */
class KafkaHealthIndicator extends AbstractHealthIndicator implements AutoCloseable {

    private final String bootstrapServers;
    private volatile Admin admin;

    KafkaHealthIndicator(String bootstrapServers) {
        super("Kafka health check failed");
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        Collection<Node> nodes = admin().describeCluster().nodes().get(3, TimeUnit.SECONDS);
        builder.up().withDetail("bootstrapServers", bootstrapServers).withDetail("brokers", nodes.size());
    }

    private Admin admin() {
        Admin current = admin;
        if (current == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(Map.of(
                            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
                }
                current = admin;
            }
        }
        return current;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
