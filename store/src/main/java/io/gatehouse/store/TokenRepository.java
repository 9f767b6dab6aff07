package io.gatehouse.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Tokens by id and by SHA-256. Tokens are revoked, never deleted. */
public interface TokenRepository {
    /**
     * Stores a token as given (timestamps included, at microsecond precision).
     *
     * @throws DuplicateException if the id or the SHA-256 is already stored
     * @throws NotFoundException if the identity does not exist
     */
    void insert(TokenRecord token);

    Optional<TokenRecord> bySha256(byte[] sha256);

    Optional<TokenRecord> byId(String id);

    /** All tokens, oldest first. */
    List<TokenRecord> list();

    /** The identity's tokens, oldest first. */
    List<TokenRecord> forIdentity(long identityId);

    /** Revokes the token; false if it is unknown or already revoked (the first revocation time stays). */
    boolean revoke(String id, Instant at);

    /**
     * Records the token's last use.
     *
     * @throws NotFoundException {@code no token with id 'ID'}
     */
    void touch(String id, Instant at);
}
