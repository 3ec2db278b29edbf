package io.integrationhub.platform.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integrationhub.platform.web.InvalidRequestException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSRF guard, with no network allowed: at creation, and in the resolver the delivery client connects through. */
class SsrfGuardTest {

    private final SsrfGuard guard = new SsrfGuard(List.of(), "allowed", true, "https");

    @Test
    void refusesEveryInternalAddressAndAllowsPublicOnes() throws Exception {
        for (String internal : List.of("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
                "100.64.1.1", "0.0.0.0", "::1", "fe80::1", "fd12::1", "::ffff:10.0.0.1", "224.0.0.1", "192.0.0.8", "240.1.2.3",
                "255.255.255.255", "64:ff9b::a00:1", "2002:a00:1::1")) {
            assertThat(guard.refusal(InetAddress.getByName(internal))).as(internal).isNotNull();
        }
        assertThat(guard.refusal(InetAddress.getByName("93.184.216.34"))).isNull();
        assertThat(guard.refusal(InetAddress.getByName("2606:2800:220:1::1"))).isNull();
    }

    @Test
    void theDeliveryResolverRefusesAHostThatResolvesInternally() {
        assertThatThrownBy(() -> guard.resolver().resolve("localhost"))
                .isInstanceOf(SsrfGuard.SsrfRefusedException.class)
                .hasMessageContaining("refused by the SSRF guard: localhost resolves to");
    }

    @Test
    void allowedNetworksAndHttpsAreSettings() {
        SsrfGuard local = new SsrfGuard(List.of("127.0.0.0/8"), "allowed", false, "https");
        assertThat(local.checkUrl("http://127.0.0.1:8080/hook").getPort()).isEqualTo(8080);
        assertThatThrownBy(() -> guard.checkUrl("http://example.org/hook"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("must use https");
        assertThatThrownBy(() -> new SsrfGuard(List.of("not-a-cidr"), "hub.webhooks.allowed-cidrs (HUB_WEBHOOKS_ALLOWED_CIDRS)", true, "https"))
                .hasMessageContaining("hub.webhooks.allowed-cidrs (HUB_WEBHOOKS_ALLOWED_CIDRS)");
    }
}
