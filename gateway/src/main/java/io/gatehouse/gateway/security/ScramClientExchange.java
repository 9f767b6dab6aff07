package io.gatehouse.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802 §5, RFC 7677), used when the gateway
 * authenticates to an upstream PostgreSQL server. Pure: strings in, strings out.
 *
 * <pre>
 *   clientFirstMessage() -> clientFinalMessage(server-first) -> verifyServerFinal(server-final)
 * </pre>
 *
 * <p>The client sends gs2 flag {@code n} (no channel binding). PostgreSQL ignores the SCRAM username
 * (libpq sends an empty one); pass the role name or "" as you like.
 *
 * <p>The server's signature is verified (RFC 5802 §5: the client MUST verify it) so a server that
 * does not know the password cannot pretend the login succeeded. The iteration count from the
 * server is bounded by {@link #MAX_ITERATIONS} so a hostile upstream cannot make the gateway spin.
 */
public final class ScramClientExchange {
    /** Upper bound on the server's iteration count; PostgreSQL's default is 4096. */
    public static final int MAX_ITERATIONS = 10_000_000;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String GS2_HEADER = "n,,";

    private enum State {
        INITIAL,
        FIRST_SENT,
        FINAL_SENT,
        DONE,
        FAILED
    }

    private final String clientNonce;
    private final String clientFirstMessageBare;
    private String password; // dropped once the proof is computed
    private byte[] expectedServerSignature = new byte[0];
    private State state = State.INITIAL;

    public ScramClientExchange(String username, String password) {
        this(username, password, randomNonce());
    }

    /** For the RFC 7677 test vector, whose client nonce is fixed. */
    ScramClientExchange(String username, String password, String clientNonce) {
        this.password = Objects.requireNonNull(password, "password");
        if (password.isEmpty()) {
            throw new IllegalArgumentException("SCRAM password is empty; expected at least one character");
        }
        this.clientNonce = clientNonce;
        this.clientFirstMessageBare = "n=" + ScramAttributes.encodeSaslName(username) + ",r=" + clientNonce;
    }

    /** {@code client-first-message}: the gs2 header and {@code n=<user>,r=<client nonce>}. */
    public String clientFirstMessage() {
        requireState(State.INITIAL, "clientFirstMessage");
        state = State.FIRST_SENT;
        return GS2_HEADER + clientFirstMessageBare;
    }

    /**
     * Parses {@code server-first-message} and returns {@code client-final-message} with the proof.
     *
     * @throws ScramException when the message is malformed, its nonce does not extend ours, or the
     *     iteration count is out of range
     */
    public String clientFinalMessage(String serverFirstMessage) throws ScramException {
        requireState(State.FIRST_SENT, "clientFinalMessage");
        state = State.FAILED;
        String[] parts = ScramAttributes.split(serverFirstMessage);
        if (parts.length < 3) {
            throw new ScramException(
                    ScramException.Reason.INVALID_ENCODING,
                    "server-first-message has " + parts.length
                            + " comma-separated parts; expected at least 3 (r=, s=, i=)");
        }
        if (parts[0].startsWith("m=")) {
            throw new ScramException(
                    ScramException.Reason.EXTENSIONS_NOT_SUPPORTED,
                    "server-first-message has a mandatory extension (m=), which is not supported");
        }
        String nonce = ScramAttributes.value(parts[0], 'r', "server-first-message");
        ScramAttributes.requireNonce(nonce, "server-first-message");
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new ScramException(
                    ScramException.Reason.OTHER_ERROR,
                    "server-first-message nonce does not extend the client nonce; expected client nonce + server nonce");
        }
        byte[] salt = ScramAttributes.base64(ScramAttributes.value(parts[1], 's', "server-first-message"), "salt (s=)");
        if (salt.length == 0) {
            throw new ScramException(ScramException.Reason.INVALID_ENCODING, "server-first-message salt (s=) is empty");
        }
        String iterationText = ScramAttributes.value(parts[2], 'i', "server-first-message");
        int iterations;
        try {
            iterations = Integer.parseInt(iterationText);
        } catch (NumberFormatException e) {
            iterations = -1;
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS || !iterationText.matches("[0-9]+")) {
            throw new ScramException(
                    ScramException.Reason.INVALID_ENCODING,
                    "server-first-message iteration count is '" + iterationText + "'; expected an integer in 1.."
                            + MAX_ITERATIONS);
        }
        for (int i = 3; i < parts.length; i++) {
            if (!ScramAttributes.isAttribute(parts[i])) {
                throw new ScramException(
                        ScramException.Reason.INVALID_ENCODING,
                        "server-first-message part " + i + " is " + ScramAttributes.describe(parts[i])
                                + "; expected an extension attr=value");
            }
        }

        String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII))
                + ",r=" + nonce;
        byte[] authMessage = (clientFirstMessageBare + "," + serverFirstMessage + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] saltedPassword = ScramSha256.saltedPassword(password, salt, iterations);
        password = null;
        try {
            byte[] clientKey = ScramSha256.hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] storedKey = ScramSha256.sha256(clientKey);
            byte[] proof = ScramSha256.xor(clientKey, ScramSha256.hmac(storedKey, authMessage));
            byte[] serverKey = ScramSha256.hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
            expectedServerSignature = ScramSha256.hmac(serverKey, authMessage);
            Arrays.fill(clientKey, (byte) 0);
            Arrays.fill(serverKey, (byte) 0);
            state = State.FINAL_SENT;
            return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
        } finally {
            Arrays.fill(saltedPassword, (byte) 0);
        }
    }

    /**
     * Verifies {@code server-final-message}.
     *
     * @throws ScramException with the server's error when it sent {@code e=}, or {@link
     *     ScramException.Reason#INVALID_SERVER_SIGNATURE} when its signature does not verify
     */
    public void verifyServerFinal(String serverFinalMessage) throws ScramException {
        requireState(State.FINAL_SENT, "verifyServerFinal");
        state = State.FAILED;
        String first = ScramAttributes.split(serverFinalMessage)[0];
        if (first.startsWith("e=")) {
            String value = first.substring(2);
            ScramException.Reason reason = ScramException.Reason.OTHER_ERROR;
            for (ScramException.Reason candidate : ScramException.Reason.values()) {
                if (candidate.wireValue().equals(value)) {
                    reason = candidate;
                }
            }
            throw new ScramException(reason, "server rejected SCRAM authentication: " + reason.wireValue());
        }
        byte[] signature = ScramAttributes.base64(
                ScramAttributes.value(first, 'v', "server-final-message"), "server signature (v=)");
        if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new ScramException(
                    ScramException.Reason.INVALID_SERVER_SIGNATURE,
                    "server signature does not verify; the server does not hold this password's verifier");
        }
        state = State.DONE;
    }

    private void requireState(State expected, String method) {
        if (state != expected) {
            throw new IllegalStateException(
                    "SCRAM client exchange is " + state + "; " + method + " needs state " + expected);
        }
    }

    private static String randomNonce() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "ScramClientExchange[" + state + ", password=<redacted>]";
    }
}
