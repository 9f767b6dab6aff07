package io.gatehouse.gateway.pg;

import io.gatehouse.gateway.security.AccessRevocations;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Withdraws access from live PostgreSQL sessions (issue 5, "Policy hooks"): when a session's token is
 * revoked or its identity disabled, the session is told why; it refuses its next statement with that
 * reason and ends. A session is watched from the moment its token is known (before the authorization
 * read of the store), so a revocation is either seen by that read or delivered here, never lost between.
 */
final class SessionPolicy implements AccessRevocations.Listener, AutoCloseable {
    private record Watched(String identity, String tokenId, Consumer<String> onWithdrawn) {}

    private final AccessRevocations revocations;
    private final Map<String, Watched> sessions = new ConcurrentHashMap<>();

    SessionPolicy(AccessRevocations revocations) {
        this.revocations = revocations;
        revocations.subscribe(this);
    }

    /** {@code onWithdrawn} receives the reason, on the admin request's thread: it must only hand it over. */
    void watch(String sessionId, String identity, String tokenId, Consumer<String> onWithdrawn) {
        sessions.put(sessionId, new Watched(identity, tokenId, onWithdrawn));
    }

    void unwatch(String sessionId) {
        sessions.remove(sessionId);
    }

    @Override
    public void tokenRevoked(String tokenId, String prefix) {
        sessions.values().stream()
                .filter(watched -> watched.tokenId().equals(tokenId))
                .forEach(watched -> watched.onWithdrawn().accept("token " + prefix + " was revoked"));
    }

    @Override
    public void identityDisabled(String identityName) {
        sessions.values().stream()
                .filter(watched -> watched.identity().equals(identityName))
                .forEach(watched -> watched.onWithdrawn().accept("identity \"" + identityName + "\" was disabled"));
    }

    @Override
    public void close() {
        revocations.unsubscribe(this);
    }
}
