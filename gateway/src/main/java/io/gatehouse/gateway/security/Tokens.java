package io.gatehouse.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Access tokens: {@code gh_<id>_<secret>}.
 *
 * <ul>
 *   <li>{@code id}: 12 characters of the RFC 4648 §6 base32 alphabet in lower case (60 random
 *       bits). Public: it names the token in listings and revocations, and lets the gateway find
 *       the stored hash without a table scan.
 *   <li>{@code secret}: 32 bytes from {@link SecureRandom} in base64url without padding (RFC 4648
 *       §5), 43 characters, so the secret alone carries 256 bits as the design requires.
 * </ul>
 *
 * <p>The format has a fixed length (59 characters) and a fixed prefix so secret scanners can
 * recognise leaked tokens, and so parsing never has to split on {@code _} (which base64url may
 * contain). Only {@link #sha256(String)} of a token is stored; a presented token is compared
 * against it with {@link #constantTimeEquals(byte[], byte[])}.
 */
public final class Tokens {
    public static final String PREFIX = "gh_";
    public static final int ID_LENGTH = 12;
    public static final int SECRET_BYTES = 32;
    /** Base64url without padding of 32 bytes: ceil(32 * 8 / 6). */
    public static final int SECRET_LENGTH = 43;

    public static final int TOKEN_LENGTH = PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH;

    private static final String BASE32_LOWER = "abcdefghijklmnopqrstuvwxyz234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {}

    /** Mints a token from the shared {@link SecureRandom}. */
    public static MintedToken mint() {
        return mint(RANDOM);
    }

    /** Mints a token from {@code random}, which must be a cryptographically strong generator. */
    public static MintedToken mint(SecureRandom random) {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(BASE32_LOWER.charAt(random.nextInt(BASE32_LOWER.length())));
        }
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        String value =
                PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        java.util.Arrays.fill(secret, (byte) 0);
        return new MintedToken(id.toString(), value, displayPrefix(id.toString()));
    }

    /** The part of a token that may be shown: {@code gh_<id>}. */
    public static String displayPrefix(String id) {
        return PREFIX + id;
    }

    /**
     * The id of a presented token, or empty when it does not have the token format. Never throws:
     * presented tokens are untrusted input, and a malformed one is simply not a token.
     */
    public static Optional<String> idOf(String presented) {
        if (presented == null
                || presented.length() != TOKEN_LENGTH
                || !presented.startsWith(PREFIX)
                || presented.charAt(PREFIX.length() + ID_LENGTH) != '_') {
            return Optional.empty();
        }
        String id = presented.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
        for (int i = 0; i < id.length(); i++) {
            if (BASE32_LOWER.indexOf(id.charAt(i)) < 0) {
                return Optional.empty();
            }
        }
        String secret = presented.substring(PREFIX.length() + ID_LENGTH + 1);
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            boolean base64url =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!base64url) {
                return Optional.empty();
            }
        }
        return Optional.of(id);
    }

    /** SHA-256 of the token's UTF-8 bytes: the only form in which a token is stored. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    /**
     * Compares two hashes in time that depends only on their lengths ({@link MessageDigest#isEqual}
     * is constant-time since JDK 6u17), so a timing side channel cannot reveal a prefix match.
     */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
