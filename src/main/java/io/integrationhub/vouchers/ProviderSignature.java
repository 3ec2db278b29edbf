package io.integrationhub.vouchers;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The voucher providers' request signature (config/voucher-provider-openapi.yaml): {@code X-Signature} is the hex
 * HMAC-SHA256, keyed with the provider's secret, of {@code METHOD\nPATH\nTIMESTAMP\nBODY}, where PATH is the
 * operation's path as sent (e.g. {@code /api/v1/issue}, relative to the provider's base URL) and TIMESTAMP the
 * {@code X-Timestamp} in unix seconds. The hub signs its calls and verifies the providers' callbacks with it; the
 * simulators verify the hub's calls with it. Verification compares in constant time.
 */
public final class ProviderSignature {

    /** A signed request older (or further ahead) than this is refused. */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);

    private ProviderSignature() {}

    public static String sign(String secret, String method, String path, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((method.toUpperCase() + "\n" + path + "\n" + timestamp + "\n").getBytes(StandardCharsets.UTF_8));
            mac.update(body == null ? new byte[0] : body);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Why a signed request is refused, or null when it is good: the timestamp is missing, not a number or outside
     * {@link #MAX_AGE} of {@code now}, or the signature does not match.
     */
    public static String refusal(String secret, String method, String path, String timestamp, byte[] body,
            String signature, Instant now) {
        if (timestamp == null || signature == null) {
            return "X-Timestamp and X-Signature are required";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return "X-Timestamp must be unix seconds";
        }
        if (Math.abs(now.getEpochSecond() - seconds) > MAX_AGE.toSeconds()) {
            return "X-Timestamp is more than " + MAX_AGE.toMinutes() + " minutes from now";
        }
        byte[] expected = sign(secret, method, path, seconds, body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.strip().toLowerCase().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? null : "X-Signature does not match";
    }
}
