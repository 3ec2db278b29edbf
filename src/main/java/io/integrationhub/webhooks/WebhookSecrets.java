package io.integrationhub.webhooks;

import io.integrationhub.platform.SecretCipher;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Endpoint signing secrets: {@code whsec_} + base64 of 32 random bytes (the Standard Webhooks form), shown once at
 * creation and rotation, stored encrypted ({@link SecretCipher}) under a key derived from
 * {@code hub.webhooks.secret-key}.
 */
class WebhookSecrets {

    static final String PREFIX = "whsec_";
    private static final int SECRET_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final SecretCipher cipher;

    WebhookSecrets(String secretKey) {
        // the purpose keeps the salt the secrets stored so far were encrypted with
        this.cipher = new SecretCipher(secretKey, "webhook-secrets");
    }

    String generate() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    byte[] encrypt(String secret) {
        return cipher.encrypt(secret);
    }

    String decrypt(byte[] stored) {
        return cipher.decrypt(stored);
    }
}
