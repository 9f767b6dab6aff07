package io.gatehouse.gateway.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals connection credentials at rest with AES-256-GCM (NIST SP 800-38D).
 *
 * <p>Format: {@code 0x01 ‖ nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)}. The version byte lets
 * a later format coexist with stored values; it is also authenticated (prepended to the associated
 * data) so it cannot be flipped to make an old reader misparse a new value.
 *
 * <p>Associated data binds a sealed secret to where it belongs (the connection name): a value
 * copied from one connection's row to another's fails to open instead of handing one connection's
 * password to the other.
 *
 * <p>Nonces are 96 random bits per seal. SP 800-38D §8.3 bounds random-nonce use to 2^32
 * invocations per key; connection credentials are sealed a handful of times per change, far below
 * that.
 */
public final class SecretBox {
    public static final byte VERSION = 0x01;
    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    public static final String KEY_FILE = "secret.key";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                    "secret box key is " + key.length + " bytes; expected " + KEY_BYTES + " (AES-256)");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A box over a raw 32-byte key. */
    public static SecretBox ofKey(byte[] key) {
        return new SecretBox(key);
    }

    /**
     * A box whose key is given in base64 (standard alphabet, as from {@code openssl rand -base64
     * 32}), typically from the environment.
     *
     * @throws IllegalArgumentException when the text is not base64 or does not decode to 32 bytes;
     *     the message names neither the text nor the bytes
     */
    public static SecretBox fromBase64(String base64Key) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character; drop it rather than leak part of a key.
            throw new IllegalArgumentException("secret box key is not valid base64; expected base64 of " + KEY_BYTES
                    + " random bytes (e.g. openssl rand -base64 32)");
        }
        try {
            return new SecretBox(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * The box whose key is stored in {@code file} (base64, mode 0600); a new random key is written
     * there on first use.
     */
    public static SecretBox loadOrCreate(Path file) {
        if (!Files.exists(file)) {
            byte[] key = new byte[KEY_BYTES];
            RANDOM.nextBytes(key);
            FileSecrets.writeSecret(file, Base64.getEncoder().encodeToString(key) + "\n");
            try {
                return new SecretBox(key);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
        try {
            return fromBase64(FileSecrets.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("secret key file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** A new random key in base64, for operators who provide the key through the environment. */
    public static String generateBase64Key() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Seals {@code plaintext} bound to {@code associatedData} (e.g. the connection name). */
    public byte[] seal(byte[] plaintext, String associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(aad(associatedData));
            byte[] sealedBody = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealedBody.length)
                    .put(VERSION)
                    .put(nonce)
                    .put(sealedBody)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
        }
    }

    /**
     * Opens a value made by {@link #seal(byte[], String)} with the same key and associated data.
     *
     * @throws SecretBoxException when the value is malformed, altered, or sealed under another key
     *     or associated data (GCM cannot tell these apart, by design)
     */
    public byte[] open(byte[] sealed, String associatedData) {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES) {
            throw new SecretBoxException("sealed value for '" + associatedData + "' is " + sealed.length
                    + " bytes; expected at least " + (1 + NONCE_BYTES + TAG_BYTES));
        }
        if (sealed[0] != VERSION) {
            throw new SecretBoxException("sealed value for '" + associatedData + "' has format version "
                    + (sealed[0] & 0xff) + "; expected " + VERSION);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(aad(associatedData));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SecretBoxException("sealed value for '" + associatedData
                    + "' failed authentication: it was altered, or sealed with another key or for another name");
        } catch (GeneralSecurityException e) {
            throw new SecretBoxException("cannot open sealed value for '" + associatedData + "'", e);
        }
    }

    private static byte[] aad(String associatedData) {
        byte[] name = associatedData.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + name.length).put(VERSION).put(name).array();
    }

    @Override
    public String toString() {
        return "SecretBox[AES-256-GCM, key=<redacted>]";
    }
}
