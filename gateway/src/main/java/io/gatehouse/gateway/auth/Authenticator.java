package io.gatehouse.gateway.auth;

import io.gatehouse.gateway.security.FailureRateLimiter;
import io.gatehouse.gateway.security.Tokens;
import io.gatehouse.store.Identity;
import io.gatehouse.store.Store;
import io.gatehouse.store.TokenRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a presented bearer token into a {@link Principal}. The token is looked up by its SHA-256 (the only
 * form the store holds), then checked for revocation, expiry and a disabled identity. Failures are counted
 * per source address and a source that keeps failing is locked out (DESIGN.md: "failures rate-limited")
 * before any lookup happens, so a locked-out guesser learns nothing and costs nothing.
 */
public final class Authenticator {
    private final Store store;
    private final FailureRateLimiter limiter;
    private final Clock clock;

    public Authenticator(Store store, FailureRateLimiter limiter, Clock clock) {
        this.store = store;
        this.limiter = limiter;
        this.clock = clock;
    }

    public Principal authenticate(String presented, String source) {
        if (limiter.check(source) instanceof FailureRateLimiter.Blocked blocked) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.RATE_LIMITED,
                    "too many failed authentications from " + source + "; retry in "
                            + Math.max(1, blocked.retryAfter().toSeconds()) + " s",
                    blocked.retryAfter());
        }
        if (presented == null || presented.isBlank()) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.MISSING,
                    "a bearer token is required (Authorization: Bearer <token>)");
        }
        try {
            Principal principal = check(presented.strip());
            limiter.recordSuccess(source);
            return principal;
        } catch (AuthenticationException e) {
            limiter.recordFailure(source);
            throw e;
        }
    }

    private Principal check(String presented) {
        Instant now = clock.instant();
        Optional<TokenRecord> found = store.tokens().bySha256(Tokens.sha256(presented));
        TokenRecord token = found.orElseThrow(
                () -> new AuthenticationException(AuthenticationException.Reason.INVALID, "the token is not valid"));
        if (token.revokedAt() != null) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.REVOKED, "token " + token.prefix() + " was revoked");
        }
        if (token.expiresAt() != null && !now.isBefore(token.expiresAt())) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.EXPIRED,
                    "token " + token.prefix() + " expired at " + token.expiresAt());
        }
        Identity identity = store.identities()
                .byId(token.identityId())
                .orElseThrow(() ->
                        new AuthenticationException(AuthenticationException.Reason.INVALID, "the token is not valid"));
        if (identity.disabled()) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.DISABLED, "identity '" + identity.name() + "' is disabled");
        }
        // last-used is informational: refresh it at most once a minute, not with a write per request
        if (token.lastUsedAt() == null || token.lastUsedAt().isBefore(now.minusSeconds(60))) {
            store.tokens().touch(token.id(), now);
        }
        return new Principal(identity, token.id());
    }
}
