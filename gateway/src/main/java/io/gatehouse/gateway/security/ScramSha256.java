package io.gatehouse.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 primitives (RFC 5802 §3 with the hash of RFC 7677), as PostgreSQL uses them
 * (PostgreSQL manual, "SASL Authentication"):
 *
 * <pre>
 * SaltedPassword  = Hi(Normalize(password), salt, i)      -- Hi is PBKDF2-HMAC-SHA-256, dkLen 32
 * ClientKey       = HMAC(SaltedPassword, "Client Key")
 * StoredKey       = H(ClientKey)
 * ServerKey       = HMAC(SaltedPassword, "Server Key")
 * ClientSignature = HMAC(StoredKey, AuthMessage)
 * ClientProof     = ClientKey XOR ClientSignature
 * ServerSignature = HMAC(ServerKey, AuthMessage)
 * </pre>
 *
 * <p>Normalize is SASLprep with PostgreSQL's fallback to the raw password (see {@link SaslPrep}).
 */
public final class ScramSha256 {
    public static final String MECHANISM = "SCRAM-SHA-256";
    /** RFC 7677 §4: at least 4096, which is also PostgreSQL's default. */
    public static final int DEFAULT_ITERATIONS = 4096;

    public static final int SALT_BYTES = 16;
    public static final int KEY_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramSha256() {}

    /** A random 16-byte salt (PostgreSQL's length). */
    public static byte[] newSalt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
    }

    /** {@link #derive(String, byte[], int)} with a new salt and {@link #DEFAULT_ITERATIONS}. */
    public static ScramVerifier derive(String password) {
        return derive(password, newSalt(), DEFAULT_ITERATIONS);
    }

    /**
     * The verifier a server stores for {@code password}.
     *
     * @throws IllegalArgumentException when the password is empty (HMAC keys cannot be empty, and
     *     PostgreSQL refuses empty passwords too), the salt is empty or iterations &lt; 1
     */
    public static ScramVerifier derive(String password, byte[] salt, int iterations) {
        byte[] saltedPassword = saltedPassword(password, salt, iterations);
        try {
            byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] storedKey = sha256(clientKey);
            byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
            Arrays.fill(clientKey, (byte) 0);
            return new ScramVerifier(salt, iterations, storedKey, serverKey);
        } finally {
            Arrays.fill(saltedPassword, (byte) 0);
        }
    }

    /** Hi(Normalize(password), salt, i) of RFC 5802 §2.2: PBKDF2 (RFC 8018) with one 32-byte block. */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        if (password.isEmpty()) {
            throw new IllegalArgumentException("SCRAM password is empty; expected at least one character");
        }
        if (salt.length == 0) {
            throw new IllegalArgumentException("SCRAM salt is empty; expected at least one byte");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("SCRAM iteration count is " + iterations + "; expected at least 1");
        }
        byte[] key = SaslPrep.prepareOrOriginal(password).getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            // U1 = HMAC(str, salt || INT(1)); Ui = HMAC(str, Ui-1); Hi = U1 XOR ... XOR Ui.
            mac.update(salt);
            mac.update(new byte[] {0, 0, 0, 1});
            byte[] u = mac.doFinal();
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides HmacSHA256", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides HmacSHA256", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
