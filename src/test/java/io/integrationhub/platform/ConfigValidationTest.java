package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integrationhub.HubApplication;
import io.integrationhub.support.TestKafka;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A bad setting stops start-up, and what the operator reads names the setting and its variable. */
@ExtendWith(OutputCaptureExtension.class)
class ConfigValidationTest {

    @Test
    void anOutOfRangeKafkaPortStopsStartUpNamingTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("dev,test", "--hub.kafka.embedded-port=70000")).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START").contains("hub.kafka.embeddedPort")
                .contains("70000").contains("HUB_KAFKA_PORT");
    }

    @Test
    void aMissingConsolePasswordOutsideDevStopsStartUpNamingTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("test", "--hub.console.password=", "--hub.aaa.base-url=https://aaa.example.invalid",
                "--hub.aaa.api-key=k", WEBHOOK_KEY, PLANS_KEY)).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("hub.console.password (HUB_CONSOLE_PASSWORD) must be set");
    }

    @Test
    void aDatabaseNameThatIsNotAnIdentifierStopsStartUpNamingTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("dev,test", "--hub.db.name=hub; drop table x")).isNotNull();
        assertThat(output).contains("hub.db.name").contains("HUB_DB_NAME");
    }

    @Test
    void aShortJwtSecretStopsStartUpNamingTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("dev,test", "--hub.security.jwt.secret=too-short")).isNotNull();
        assertThat(output).contains("hub.security.jwt.secret (HUB_JWT_SECRET) must be at least 32 bytes");
    }

    @Test
    void aMissingAaaUrlOutsideDevStopsStartUpNamingTheVariable(CapturedOutput output) {
        assertThatThrownBy(() -> start("test", "--hub.console.password=console-secret-123",
                "--hub.security.jwt.secret=a-production-like-secret-of-more-than-32-bytes", "--hub.aaa.api-key=k", WEBHOOK_KEY, PLANS_KEY))
                .isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("hub.aaa.base-url (AAA_BASE_URL) must be set");
    }

    @Test
    void aMissingAaaKeyOutsideDevStopsStartUpNamingTheVariable(CapturedOutput output) {
        assertThatThrownBy(() -> start("test", "--hub.console.password=console-secret-123",
                "--hub.security.jwt.secret=a-production-like-secret-of-more-than-32-bytes",
                "--hub.aaa.base-url=https://aaa.example.invalid", WEBHOOK_KEY, PLANS_KEY)).isNotNull();
        assertThat(output).contains("hub.aaa.api-key (AAA_API_KEY) must be set");
    }

    @Test
    void anEnabledProviderWithoutItsUrlStopsStartUpNamingTheVariable(CapturedOutput output) {
        assertThatThrownBy(() -> start("dev,test", "--hub.vouchers.providers.airtime.url=",
                "--hub.vouchers.providers.data.secret=")).isNotNull();
        assertThat(output).contains("hub.vouchers.providers.airtime.url (AIRTIME_PROVIDER_URL) must be set")
                .contains("hub.vouchers.providers.data.secret (DATA_PROVIDER_SECRET) must be set");
    }

    @Test
    void aMissingWebhookSecretKeyOutsideDevStopsStartUpNamingTheVariable(CapturedOutput output) {
        assertThatThrownBy(() -> start("test", "--hub.console.password=console-secret-123",
                "--hub.security.jwt.secret=a-production-like-secret-of-more-than-32-bytes",
                "--hub.aaa.base-url=https://aaa.example.invalid", "--hub.aaa.api-key=k", PLANS_KEY)).isNotNull();
        assertThat(output).contains("hub.webhooks.secret-key (HUB_WEBHOOKS_SECRET_KEY) must be set");
    }

    @Test
    void aMissingPlansSecretKeyOutsideDevStopsStartUpNamingTheVariable(CapturedOutput output) {
        assertThatThrownBy(() -> start("test", "--hub.console.password=console-secret-123",
                "--hub.security.jwt.secret=a-production-like-secret-of-more-than-32-bytes",
                "--hub.aaa.base-url=https://aaa.example.invalid", "--hub.aaa.api-key=k", WEBHOOK_KEY)).isNotNull();
        assertThat(output).contains("hub.plans.secret-key (HUB_PLANS_SECRET_KEY) must be set");
    }

    @Test
    void theBuiltInAaaSimulatorWithoutTheSimulatorsStopsStartUpNamingTheVariable(CapturedOutput output) {
        assertThatThrownBy(() -> start("dev,test", "--hub.simulators.enabled=false")).isNotNull();
        assertThat(output).contains("hub.aaa.base-url (AAA_BASE_URL) is 'built-in'");
    }

    private static final String WEBHOOK_KEY = "--hub.webhooks.secret-key=a-webhook-secret-key";
    private static final String PLANS_KEY = "--hub.plans.secret-key=a-plans-secret-key";

    private static void start(String profiles, String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.profiles.active=" + profiles,
                "--hub.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(), "--spring.jmx.enabled=false",
                "--hub.routes.reload-enabled=false"));
        all.addAll(Arrays.asList(args));
        new SpringApplicationBuilder(HubApplication.class).run(all.toArray(String[]::new)).close();
    }
}
