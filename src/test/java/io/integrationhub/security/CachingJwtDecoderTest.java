package io.integrationhub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integrationhub.support.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/** The verified-token cache with the real Nimbus decoder and validator, on a clock the test moves. */
class CachingJwtDecoderTest {

    private final Instant start = Instant.now();
    private Clock clock = Clock.fixed(start, ZoneOffset.UTC);
    private final AtomicInteger verifications = new AtomicInteger();
    private final JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ZERO);
    private final JwtDecoder decoder;

    CachingJwtDecoderTest() {
        timestamps.setClock(new Clock() { // the validator reads the test's clock at each call
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return clock.instant(); }
        });
        NimbusJwtDecoder nimbus = NimbusJwtDecoder.withSecretKey(new SecretKeySpec(
                TestTokens.DEV_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256")).macAlgorithm(MacAlgorithm.HS256).build();
        nimbus.setJwtValidator(timestamps);
        JwtDecoder counting = token -> {
            verifications.incrementAndGet();
            return nimbus.decode(token);
        };
        decoder = new CachingJwtDecoder(counting, timestamps, Duration.ofMinutes(1), 100);
    }

    @Test
    void aTokenIsVerifiedOnceAndStillExpiresOnTime() {
        String token = TestTokens.token("u1", "t1", null, List.of("operator"), start.plusSeconds(30), null, TestTokens.DEV_SECRET);

        Jwt first = decoder.decode(token);
        Jwt again = decoder.decode(token);
        assertThat(again).isSameAs(first);
        assertThat(verifications).hasValue(1);

        clock = Clock.fixed(start.plusSeconds(31), ZoneOffset.UTC);
        assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtValidationException.class);
    }

    @Test
    void onlyTheVerifiedTokenItselfIsFoundNotOneWithTheSameClaimsAndAnotherSignature() {
        String token = TestTokens.token("u2", "t1", null, List.of("admin"), start.plusSeconds(300), null, TestTokens.DEV_SECRET);
        decoder.decode(token);
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);

        assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(BadJwtException.class);
        String otherSecret = TestTokens.token("u2", "t1", null, List.of("admin"), start.plusSeconds(300), null,
                "another-secret-of-at-least-thirty-two-bytes-0123456789");
        assertThatThrownBy(() -> decoder.decode(otherSecret)).isInstanceOf(BadJwtException.class);
    }
}
