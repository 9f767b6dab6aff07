package io.gatehouse.gateway.security;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a SCRAM-SHA-256 server stores instead of a password (RFC 5802 §3): the salt and iteration
 * count it announces, {@code StoredKey} to check the client's proof, and {@code ServerKey} to sign
 * its own reply.
 *
 * <p>Not a plaintext equivalent, but still secret: whoever holds {@code StoredKey} and {@code
 * ServerKey} can impersonate the server, and with one observed exchange, the client. So {@link
 * #toString()} shows only the salt length and iteration count.
 */
@SuppressWarnings("ArrayRecordComponent") // arrays are cloned in and out; equals/hashCode/toString overridden
public record ScramVerifier(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    private static final Pattern POSTGRES_FORMAT =
            Pattern.compile("SCRAM-SHA-256\\$(\\d{1,10}):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");

    public ScramVerifier {
        if (iterations < 1) {
            throw new IllegalArgumentException("SCRAM iteration count is " + iterations + "; expected at least 1");
        }
        if (salt.length == 0) {
            throw new IllegalArgumentException("SCRAM salt is empty; expected at least one byte");
        }
        if (storedKey.length != ScramSha256.KEY_BYTES || serverKey.length != ScramSha256.KEY_BYTES) {
            throw new IllegalArgumentException("SCRAM-SHA-256 keys are " + storedKey.length + " and " + serverKey.length
                    + " bytes; expected " + ScramSha256.KEY_BYTES + " each");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    /**
     * PostgreSQL's text form, as in {@code pg_authid.rolpassword}: {@code
     * SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (base64).
     */
    public String toPostgresFormat() {
        Base64.Encoder b64 = Base64.getEncoder();
        return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
                + ":" + b64.encodeToString(serverKey);
    }

    /**
     * Parses {@link #toPostgresFormat()}.
     *
     * @throws IllegalArgumentException when the text is not in that form; the message does not
     *     quote it
     */
    public static ScramVerifier parsePostgresFormat(String text) {
        Matcher m = POSTGRES_FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("SCRAM verifier of " + text.length()
                    + " characters is not in the form SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        try {
            long iterations = Long.parseLong(m.group(1));
            if (iterations > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "SCRAM iteration count " + iterations + " exceeds " + Integer.MAX_VALUE);
            }
            Base64.Decoder b64 = Base64.getDecoder();
            return new ScramVerifier(
                    b64.decode(m.group(2)), (int) iterations, b64.decode(m.group(3)), b64.decode(m.group(4)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SCRAM verifier is not in the form "
                    + "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> with base64 parts of the right size");
        }
    }

    /** Constant-time in the key bytes: verifiers are compared when deduplicating stored tokens. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ScramVerifier that
                && iterations == that.iterations
                && Arrays.equals(salt, that.salt)
                && MessageDigest.isEqual(storedKey, that.storedKey)
                && MessageDigest.isEqual(serverKey, that.serverKey);
    }

    @Override
    public int hashCode() {
        // Salt and iterations only: hashing key bytes into a visible int would leak a few bits.
        return Arrays.hashCode(salt) * 31 + iterations;
    }

    @Override
    public String toString() {
        return "ScramVerifier[salt=" + salt.length + " bytes, iterations=" + iterations
                + ", storedKey=<redacted>, serverKey=<redacted>]";
    }
}
