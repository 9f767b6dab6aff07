package io.gatehouse.gateway.pg;

import io.gatehouse.gateway.security.ScramServerExchange;
import io.gatehouse.gateway.security.ScramVerifier;
import io.gatehouse.store.ConnectionRecord;
import io.gatehouse.store.ConnectionType;
import io.gatehouse.store.Identity;
import io.gatehouse.store.Store;
import io.gatehouse.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decides who may connect, from the store (blocking calls: run off the event loop).
 *
 * <p>SCRAM candidates are every token of the identity under the identity's one salt, revoked and expired
 * ones included, so that a client presenting a revoked token learns "revoked" (28000) rather than "wrong
 * password" only after proving it holds that token. An unknown identity gets mock credentials with a salt
 * derived from its name under a per-process secret (PostgreSQL's "mock authentication"): the exchange
 * fails at the proof exactly as a wrong token does, so names cannot be probed.
 */
final class ClientAuthorizer {
    static final int MOCK_ITERATIONS = 4096;
    private static final byte[] MOCK_SECRET = new SecureRandom().generateSeed(32);

    /** The SCRAM lookup result, keeping which token each verifier belongs to. */
    record Candidates(Identity identity, List<TokenRecord> tokens, ScramServerExchange.Credentials credentials) {}

    /** Authorization refused: the SQLSTATE and message for the client. */
    record Refusal(String sqlState, String message) {}

    private final Store store;

    ClientAuthorizer(Store store) {
        this.store = store;
    }

    Candidates candidates(String user) {
        Optional<Identity> found = store.identities().byName(user);
        if (found.isEmpty()) {
            return new Candidates(
                    null, List.of(), ScramServerExchange.Credentials.unknownUser(mockSalt(user), MOCK_ITERATIONS));
        }
        Identity identity = found.get();
        List<TokenRecord> tokens = new ArrayList<>();
        List<ScramVerifier> verifiers = new ArrayList<>();
        int iterations = MOCK_ITERATIONS;
        for (TokenRecord token : store.tokens().forIdentity(identity.id())) {
            if (!Arrays.equals(token.scramSalt(), identity.scramSalt())) {
                continue;
            }
            if (verifiers.isEmpty()) {
                iterations = token.scramIterations();
            } else if (token.scramIterations() != iterations) {
                continue;
            }
            tokens.add(token);
            verifiers.add(new ScramVerifier(
                    token.scramSalt(), token.scramIterations(), token.scramStoredKey(), token.scramServerKey()));
        }
        byte[] salt = identity.scramSalt().length == 0 ? mockSalt(user) : identity.scramSalt();
        return new Candidates(identity, tokens, new ScramServerExchange.Credentials(salt, iterations, verifiers));
    }

    /**
     * Checks, after the proof verified with {@code token}: the identity is enabled (read again: it may
     * have changed during the exchange), the token active, the connection known and of type postgres, and
     * the identity granted it.
     */
    Optional<Refusal> authorize(Identity identity, TokenRecord token, String connectionName, Instant now) {
        Identity current = store.identities().byId(identity.id()).orElse(identity);
        if (current.disabled()) {
            return refuse(PgErrors.INVALID_AUTHORIZATION, "identity \"" + identity.name() + "\" is disabled");
        }
        TokenRecord fresh = store.tokens().byId(token.id()).orElse(token);
        if (fresh.revokedAt() != null) {
            return refuse(PgErrors.INVALID_AUTHORIZATION, "token " + fresh.prefix() + " was revoked");
        }
        if (!fresh.activeAt(now)) {
            return refuse(
                    PgErrors.INVALID_AUTHORIZATION, "token " + fresh.prefix() + " expired at " + fresh.expiresAt());
        }
        Optional<ConnectionRecord> connection = store.connections().byName(connectionName);
        if (connection.isEmpty() || connection.get().type() != ConnectionType.POSTGRES) {
            return refuse(
                    PgErrors.UNKNOWN_DATABASE,
                    "connection \"" + connectionName + "\" does not exist"
                            + (connection.isPresent() ? " as a postgres connection" : ""));
        }
        if (!store.grants().exists(identity.name(), connectionName)) {
            return refuse(
                    PgErrors.INVALID_AUTHORIZATION,
                    "identity \"" + identity.name() + "\" has no grant on connection \"" + connectionName + "\"");
        }
        return Optional.empty();
    }

    Optional<ConnectionRecord> connection(String name) {
        return store.connections().byName(name);
    }

    private static Optional<Refusal> refuse(String sqlState, String message) {
        return Optional.of(new Refusal(sqlState, message));
    }

    private static byte[] mockSalt(String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(MOCK_SECRET, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)), 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides HmacSHA256", e);
        }
    }
}
