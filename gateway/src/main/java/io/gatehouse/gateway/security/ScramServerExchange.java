package io.gatehouse.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802 §5, RFC 7677), as a pure state machine:
 * strings in, strings out, no I/O. The PostgreSQL listener feeds it the payloads of {@code
 * SASLInitialResponse} and {@code SASLResponse} and sends what it returns in {@code
 * AuthenticationSASLContinue} and {@code AuthenticationSASLFinal}.
 *
 * <pre>
 *   INITIAL --serverFirstMessage(client-first)--> AWAITING_CLIENT_FINAL --finish(client-final)--> DONE
 *      any ScramException --> FAILED (terminal; a new exchange needs a new instance)
 * </pre>
 *
 * <p>Decisions, with reasons:
 *
 * <ul>
 *   <li>The username inside the SCRAM message is ignored, as PostgreSQL does: the role comes from
 *       the startup message. It is still checked for valid saslname encoding and handed to the
 *       {@link CredentialLookup}.
 *   <li>Channel binding: {@code n} and {@code y} are accepted; {@code p=} (SCRAM-SHA-256-PLUS) is
 *       refused because this server does not advertise PLUS yet. Accepting {@code y} is correct
 *       exactly because PLUS is not advertised (RFC 5802 §6).
 *   <li>An authorization identity ({@code a=}) is refused, as PostgreSQL does: there is no second
 *       identity to switch to.
 *   <li>Several candidate verifiers: an identity may hold several tokens, each with its own
 *       verifier under the identity's one salt. Every candidate is checked, each comparison in
 *       constant time, without stopping at the first match, so the timing reveals the number of
 *       candidates but not which one matched.
 * </ul>
 */
public final class ScramServerExchange {

    /** Salt, iteration count and candidate verifiers for the connecting identity. */
    @SuppressWarnings("ArrayRecordComponent") // arrays are cloned in and out; equals/hashCode/toString overridden
    public record Credentials(byte[] salt, int iterations, List<ScramVerifier> verifiers) {
        /**
         * @throws IllegalArgumentException when a verifier has another salt or iteration count:
         *     the exchange announces one salt, so such a verifier could never match
         */
        public Credentials {
            salt = salt.clone();
            verifiers = List.copyOf(verifiers);
            if (salt.length == 0 || iterations < 1) {
                throw new IllegalArgumentException("SCRAM credentials need a non-empty salt and iterations >= 1; got "
                        + salt.length + " salt bytes and " + iterations + " iterations");
            }
            for (int i = 0; i < verifiers.size(); i++) {
                ScramVerifier verifier = verifiers.get(i);
                if (verifier.iterations() != iterations || !Arrays.equals(verifier.salt(), salt)) {
                    throw new IllegalArgumentException("candidate verifier " + i + " has another salt or "
                            + "iteration count (" + verifier.iterations() + "); expected the shared salt and "
                            + iterations);
                }
            }
        }

        @Override
        public byte[] salt() {
            return salt.clone();
        }

        /**
         * Credentials for an unknown role: the exchange runs to the end and fails there with {@link
         * ScramException.Reason#INVALID_PROOF}, so a client cannot tell unknown roles from wrong
         * passwords (PostgreSQL's "mock authentication"). {@code mockSalt} should be stable per
         * role name, e.g. an HMAC of the name under a server secret.
         */
        public static Credentials unknownUser(byte[] mockSalt, int iterations) {
            return new Credentials(mockSalt, iterations, List.of());
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Credentials that
                    && iterations == that.iterations
                    && Arrays.equals(salt, that.salt)
                    && verifiers.equals(that.verifiers);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(salt) * 31 + iterations;
        }

        @Override
        public String toString() {
            return "Credentials[salt=" + salt.length + " bytes, iterations=" + iterations + ", " + verifiers.size()
                    + " verifiers]";
        }
    }

    /** Finds the credentials for the connection; called once, with the username from the SCRAM message. */
    @FunctionalInterface
    public interface CredentialLookup {
        Credentials lookup(String scramUsername) throws ScramException;
    }

    /**
     * The exchange succeeded.
     *
     * @param serverFinalMessage {@code v=<ServerSignature>}, to send to the client
     * @param matchedIndex index of the matching verifier in {@link Credentials#verifiers()}
     * @param matched that verifier
     */
    public record Success(String serverFinalMessage, int matchedIndex, ScramVerifier matched) {}

    private enum State {
        INITIAL,
        AWAITING_CLIENT_FINAL,
        DONE,
        FAILED
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /** PostgreSQL's server nonce: 18 random bytes, base64 (printable, no comma). */
    private static final int SERVER_NONCE_BYTES = 18;

    private final CredentialLookup lookup;
    private final String serverNonce;
    private State state = State.INITIAL;
    private String gs2Header = "";
    private String clientFirstMessageBare = "";
    private String serverFirstMessage = "";
    private String combinedNonce = "";
    private Credentials credentials = Credentials.unknownUser(new byte[1], 1);

    public ScramServerExchange(CredentialLookup lookup) {
        this(lookup, randomNonce());
    }

    /** For the RFC 7677 test vector, whose server nonce is fixed. */
    ScramServerExchange(CredentialLookup lookup, String serverNonce) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.serverNonce = serverNonce;
    }

    /**
     * Parses {@code client-first-message} and returns {@code server-first-message}.
     *
     * @throws ScramException on a malformed message or an unsupported feature (channel binding
     *     {@code p=}, authorization identity, mandatory extension {@code m=})
     * @throws IllegalStateException when called out of order
     */
    public String serverFirstMessage(String clientFirstMessage) throws ScramException {
        requireState(State.INITIAL, "serverFirstMessage");
        state = State.FAILED; // until proven otherwise
        String[] parts = ScramAttributes.split(clientFirstMessage);
        if (parts.length < 4) {
            throw new ScramException(
                    ScramException.Reason.INVALID_ENCODING,
                    "client-first-message has " + parts.length
                            + " comma-separated parts; expected at least 4 (gs2 flag, authzid, n=, r=)");
        }
        String flag = parts[0];
        if (flag.startsWith("p=")) {
            throw new ScramException(
                    ScramException.Reason.CHANNEL_BINDING_NOT_SUPPORTED,
                    "client requested channel binding type '" + flag.substring(2)
                            + "' (SCRAM-SHA-256-PLUS), which this server does not support yet; expected gs2 flag n or y");
        }
        if (!flag.equals("n") && !flag.equals("y")) {
            throw new ScramException(
                    ScramException.Reason.INVALID_ENCODING,
                    "client-first-message gs2 flag is " + ScramAttributes.describe(flag) + "; expected n, y or p=");
        }
        if (!parts[1].isEmpty()) {
            ScramAttributes.value(parts[1], 'a', "client-first-message authzid");
            throw new ScramException(
                    ScramException.Reason.OTHER_ERROR,
                    "client-first-message names an authorization identity (a=), which is not supported");
        }
        gs2Header = flag + ",,";
        clientFirstMessageBare = clientFirstMessage.substring(gs2Header.length());
        int next = 2;
        if (parts[next].startsWith("m=")) {
            throw new ScramException(
                    ScramException.Reason.EXTENSIONS_NOT_SUPPORTED,
                    "client-first-message has a mandatory extension (m=), which is not supported");
        }
        String username = ScramAttributes.decodeSaslName(
                ScramAttributes.value(parts[next++], 'n', "client-first-message username"));
        String clientNonce = ScramAttributes.value(parts[next++], 'r', "client-first-message nonce");
        ScramAttributes.requireNonce(clientNonce, "client-first-message");
        for (int i = next; i < parts.length; i++) {
            if (!ScramAttributes.isAttribute(parts[i])) {
                throw new ScramException(
                        ScramException.Reason.INVALID_ENCODING,
                        "client-first-message extension " + (i - next) + " is " + ScramAttributes.describe(parts[i])
                                + "; expected attr=value");
            }
        }
        credentials = Objects.requireNonNull(lookup.lookup(username), "lookup returned null");
        combinedNonce = clientNonce + serverNonce;
        serverFirstMessage = "r=" + combinedNonce + ",s=" + Base64.getEncoder().encodeToString(credentials.salt())
                + ",i=" + credentials.iterations();
        state = State.AWAITING_CLIENT_FINAL;
        return serverFirstMessage;
    }

    /**
     * Verifies {@code client-final-message} against the candidate verifiers.
     *
     * @return the {@code server-final-message} and which verifier matched
     * @throws ScramException {@link ScramException.Reason#INVALID_PROOF} when no candidate matches;
     *     other errors for a malformed message, a nonce that is not this exchange's, or a channel
     *     binding that does not echo the gs2 header
     * @throws IllegalStateException when called out of order
     */
    public Success finish(String clientFinalMessage) throws ScramException {
        requireState(State.AWAITING_CLIENT_FINAL, "finish");
        state = State.FAILED;
        String[] parts = ScramAttributes.split(clientFinalMessage);
        if (parts.length < 3) {
            throw new ScramException(
                    ScramException.Reason.INVALID_ENCODING,
                    "client-final-message has " + parts.length
                            + " comma-separated parts; expected at least 3 (c=, r=, p=)");
        }
        byte[] channelBinding = ScramAttributes.base64(
                ScramAttributes.value(parts[0], 'c', "client-final-message"), "channel binding (c=)");
        if (!Arrays.equals(channelBinding, gs2Header.getBytes(StandardCharsets.US_ASCII))) {
            throw new ScramException(
                    ScramException.Reason.CHANNEL_BINDINGS_DONT_MATCH,
                    "client-final-message channel binding (c=) does not repeat the gs2 header of client-first-message");
        }
        String nonce = ScramAttributes.value(parts[1], 'r', "client-final-message");
        if (!nonce.equals(combinedNonce)) {
            throw new ScramException(
                    ScramException.Reason.OTHER_ERROR,
                    "client-final-message nonce (r=) is not the nonce of this exchange");
        }
        for (int i = 2; i < parts.length - 1; i++) {
            if (!ScramAttributes.isAttribute(parts[i]) || parts[i].startsWith("p=")) {
                throw new ScramException(
                        ScramException.Reason.INVALID_ENCODING,
                        "client-final-message part " + i + " is " + ScramAttributes.describe(parts[i])
                                + "; expected an extension attr=value before the final p=");
            }
        }
        String proofPart = parts[parts.length - 1];
        byte[] proof =
                ScramAttributes.base64(ScramAttributes.value(proofPart, 'p', "client-final-message"), "proof (p=)");
        if (proof.length != ScramSha256.KEY_BYTES) {
            throw new ScramException(
                    ScramException.Reason.INVALID_ENCODING,
                    "client proof is " + proof.length + " bytes; expected " + ScramSha256.KEY_BYTES);
        }
        String withoutProof = clientFinalMessage.substring(0, clientFinalMessage.length() - proofPart.length() - 1);
        byte[] authMessage = (clientFirstMessageBare + "," + serverFirstMessage + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);

        List<ScramVerifier> candidates = credentials.verifiers();
        int matched = -1;
        for (int i = 0; i < candidates.size(); i++) {
            // RFC 5802 §3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); check H(ClientKey) == StoredKey.
            byte[] storedKey = candidates.get(i).storedKey();
            byte[] clientKey = ScramSha256.xor(proof, ScramSha256.hmac(storedKey, authMessage));
            boolean equal = MessageDigest.isEqual(ScramSha256.sha256(clientKey), storedKey);
            if (equal && matched < 0) {
                matched = i;
            }
        }
        if (matched < 0) {
            throw new ScramException(ScramException.Reason.INVALID_PROOF, "client proof does not verify");
        }
        ScramVerifier verifier = candidates.get(matched);
        byte[] serverSignature = ScramSha256.hmac(verifier.serverKey(), authMessage);
        state = State.DONE;
        return new Success("v=" + Base64.getEncoder().encodeToString(serverSignature), matched, verifier);
    }

    private void requireState(State expected, String method) {
        if (state != expected) {
            throw new IllegalStateException(
                    "SCRAM server exchange is " + state + "; " + method + " needs state " + expected);
        }
    }

    private static String randomNonce() {
        byte[] bytes = new byte[SERVER_NONCE_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "ScramServerExchange[" + state + "]";
    }
}
