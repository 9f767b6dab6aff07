package io.gatehouse.audit.note;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Conversion between the JDK's Ed25519 public keys and the raw 32-byte keys of signed-note. The JDK encodes a public
 * key as X.509 SubjectPublicKeyInfo (RFC 8410 §4): a fixed 12-byte DER prefix naming id-Ed25519 (1.3.101.112),
 * then the 32 raw bytes.
 */
final class Ed25519Keys {
    static final int RAW_BYTES = 32;
    /** Signature type byte of Ed25519 in signed-note key hashes and verifier keys. */
    static final byte SIGNATURE_TYPE = 0x01;

    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private Ed25519Keys() {}

    static byte[] raw(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null
                || encoded.length != SPKI_PREFIX.length + RAW_BYTES
                || !Arrays.equals(encoded, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("public key (algorithm " + key.getAlgorithm() + ", format "
                    + key.getFormat() + ") is not an X.509-encoded Ed25519 key");
        }
        return Arrays.copyOfRange(encoded, SPKI_PREFIX.length, encoded.length);
    }

    static PublicKey publicKey(byte[] raw) {
        if (raw.length != RAW_BYTES) {
            throw new IllegalArgumentException("Ed25519 public key is " + raw.length + " bytes, expected 32");
        }
        byte[] encoded = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + RAW_BYTES);
        System.arraycopy(raw, 0, encoded, SPKI_PREFIX.length, RAW_BYTES);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a valid Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** signed-note key hash: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw public key)[:4]. */
    static byte[] keyHash(String name, byte[] rawPublicKey) {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
        sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) '\n');
        sha.update(SIGNATURE_TYPE);
        sha.update(rawPublicKey);
        return Arrays.copyOf(sha.digest(), 4);
    }

    /** signed-note key names: non-empty, no Unicode whitespace, no '+' (the verifier-key separator). */
    static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("key name is empty, expected e.g. the log origin");
        }
        io.gatehouse.audit.internal.Text.requireWellFormed(name, "key name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '+' || Character.isWhitespace(c) || Character.isSpaceChar(c) || c < 0x20) {
                throw new IllegalArgumentException("key name '" + name + "' contains '" + c + "' at " + i
                        + ", expected no spaces, control characters or '+'");
            }
        }
        return name;
    }
}
