package io.integrationhub.platform;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The hub's own settings ({@code hub.*} in {@code config/application.yaml}, each with an environment override).
 * Validated at start-up: a bad value stops the hub with a message naming the setting.
 */
@Validated
@ConfigurationProperties("hub")
public record HubProperties(
        @NotNull @DefaultValue("./data") Path dataDir,
        @Valid @NotNull @DefaultValue Db db,
        @Valid @NotNull @DefaultValue Kafka kafka,
        @Valid @NotNull @DefaultValue Routes routes,
        @Valid @NotNull @DefaultValue Simulators simulators,
        @Valid @NotNull @DefaultValue Console console,
        @Valid @NotNull @DefaultValue Api api,
        /**
         * The platform's own tenant: its events (ops.*), dead letters that carry no tenant_id, and the platform-wide
         * role grants belong to it; only callers of this tenant see or change those.
         */
        @NotBlank @DefaultValue("system") String systemTenant) {

    /**
     * Where PostgreSQL comes from: {@code url} if set, else {@code localHost:localPort} if it answers, else an
     * embedded PostgreSQL whose data lives in {@code <dataDir>/postgres}.
     */
    public record Db(
            String url,
            @NotBlank @DefaultValue("postgres") String username,
            @DefaultValue("") String password,
            @NotBlank @Pattern(regexp = "[a-z_][a-z0-9_]*", message = "must be a plain lower-case PostgreSQL identifier (HUB_DB_NAME)")
            @DefaultValue("hub") String name,
            @NotBlank @DefaultValue("localhost") String localHost,
            @Min(value = 1, message = "must be a port 1..65535 (HUB_DB_LOCAL_PORT)")
            @Max(value = 65535, message = "must be a port 1..65535 (HUB_DB_LOCAL_PORT)")
            @DefaultValue("5432") int localPort,
            @NotNull @DefaultValue("1s") Duration probeTimeout) {

        public boolean hasExplicitUrl() {
            return url != null && !url.isBlank();
        }
    }

    /** Kafka: {@code bootstrapServers} if set, else an in-process KRaft broker on {@code embeddedPort}. */
    public record Kafka(
            String bootstrapServers,
            @Min(value = 0, message = "must be a port 0..65535 (HUB_KAFKA_PORT)")
            @Max(value = 65535, message = "must be a port 0..65535 (HUB_KAFKA_PORT)")
            @DefaultValue("9092") int embeddedPort,
            @Min(value = 1, message = "must be 1..64 (HUB_KAFKA_PARTITIONS)")
            @Max(value = 64, message = "must be 1..64 (HUB_KAFKA_PARTITIONS)")
            @DefaultValue("3") int embeddedPartitions) {

        public boolean embedded() {
            return bootstrapServers == null || bootstrapServers.isBlank();
        }
    }

    /** Route YAML files, watched and reloaded live. */
    public record Routes(
            @NotNull @DefaultValue("routes") Path directory,
            @DefaultValue("true") boolean reloadEnabled,
            @NotNull @DefaultValue("1s") Duration reloadInterval) {

        @AssertTrue(message = "hub.routes.reload-interval (HUB_ROUTES_RELOAD_INTERVAL) must be at least 100ms")
        public boolean isReloadIntervalSane() {
            return reloadInterval != null && reloadInterval.toMillis() >= 100;
        }
    }

    /** Built-in AAA and voucher-provider simulators under {@code /sim}; on in the dev profile only. */
    public record Simulators(@DefaultValue("false") boolean enabled) {}

    /** The operations console (Hawtio, Jolokia): login required unless switched off (dev profile). */
    public record Console(
            @DefaultValue("true") boolean authenticationEnabled,
            @DefaultValue("admin") String username,
            @DefaultValue("") String password) {

        @AssertTrue(message = "hub.console.password (HUB_CONSOLE_PASSWORD) must be set, at least 12 characters, "
                + "when the console requires login (hub.console.authentication-enabled=true)")
        public boolean isPasswordSetWhenRequired() {
            return !authenticationEnabled || (password != null && password.length() >= 12);
        }
    }

    /** The REST API under /api: a write whose body is larger than {@code maxBodySize} answers 413. */
    public record Api(@NotNull @DefaultValue("5MB") DataSize maxBodySize) {

        @AssertTrue(message = "hub.api.max-body-size (HUB_API_MAX_BODY_SIZE) must be 1KB..100MB")
        public boolean isMaxBodySizeSane() {
            return maxBodySize != null && maxBodySize.toBytes() >= 1024 && maxBodySize.toMegabytes() <= 100;
        }
    }
}
