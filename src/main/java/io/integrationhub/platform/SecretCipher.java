package io.integrationhub.platform;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.springframework.security.crypto.encrypt.BytesEncryptor;
import org.springframework.security.crypto.encrypt.Encryptors;

/**
 * Secrets the hub keeps at rest (webhook signing secrets, secret fields of plan configs): AES-GCM, Spring Security's
 * {@link Encryptors#stronger}, under a key derived from a setting (e.g. {@code HUB_WEBHOOKS_SECRET_KEY}) with a
 * fixed salt per purpose, so every replica derives the same key from the same setting.
 */
public final class SecretCipher {

    private final BytesEncryptor encryptor;

    /** @param purpose what the secrets are (part of the salt: one setting never opens another purpose's secrets) */
    public SecretCipher(String secretKey, String purpose) {
        this.encryptor = Encryptors.stronger(secretKey,
                HexFormat.of().formatHex(("integration-hub/" + purpose).getBytes(StandardCharsets.UTF_8)));
    }

    public byte[] encrypt(String secret) {
        return encryptor.encrypt(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalStateException (from Spring Security) when the key is not the one it was encrypted with */
    public String decrypt(byte[] stored) {
        return new String(encryptor.decrypt(stored), StandardCharsets.UTF_8);
    }
}
