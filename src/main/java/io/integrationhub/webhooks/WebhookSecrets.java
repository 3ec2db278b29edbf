package io.integrationhub.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.springframework.security.crypto.encrypt.BytesEncryptor;
import org.springframework.security.crypto.encrypt.Encryptors;

/**
 * Endpoint signing secrets: {@code whsec_} + base64 of 32 random bytes (the Standard Webhooks form), shown once at
 * creation and rotation, stored encrypted with Spring Security's AES-GCM {@link Encryptors#stronger} under a key
 * derived from {@code hub.webhooks.secret-key}.
 */
class WebhookSecrets {

    static final String PREFIX = "whsec_";
    private static final int SECRET_BYTES = 32;
    /** The key derivation's salt: fixed, so every replica derives the same key from the same setting. */
    private static final String SALT = HexFormat.of().formatHex("integration-hub/webhook-secrets".getBytes(StandardCharsets.UTF_8));

    private final SecureRandom random = new SecureRandom();
    private final BytesEncryptor encryptor;

    WebhookSecrets(String secretKey) {
        this.encryptor = Encryptors.stronger(secretKey, SALT);
    }

    String generate() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    byte[] encrypt(String secret) {
        return encryptor.encrypt(secret.getBytes(StandardCharsets.UTF_8));
    }

    String decrypt(byte[] stored) {
        return new String(encryptor.decrypt(stored), StandardCharsets.UTF_8);
    }
}
